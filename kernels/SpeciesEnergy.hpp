#pragma once
// The rate rule of several ion species on one sublattice ([[occupancy.species]],
// [[hop.exchange]]), written once for the host (BklSolver, the tables of the
// sublattice solver) and the device (the sublattice attempt).
//
// A species s has its own vacancy-exchange barrier E_s and a site energy per
// sublattice eps_s(b). A hop of an ion of species s from site i (basis b_i) to
// an empty neighbour j (basis b_j) has the activation energy of
// HopEnergyEvaluator (common barrier E_b, lattice and landscape terms,
// interaction, field) plus
//   dE_s = (E_s - E_b) + 1/2 (eps_s(b_j) - eps_s(b_i)),
// half the change of the species' own energy, so each species obeys detailed
// balance with respect to its own site energies: its rate is the common rate
// times exp(-dE_s / kT), a factor per (species, basis site, hop slot).
//
// A direct exchange of an ion of species a on i with a neighbouring ion of
// species b on j (both sites stay occupied, the two ions swap) has
//   E = E_ab + 1/2 [(eps_a(b_j) + eps_b(b_i)) - (eps_a(b_i) + eps_b(b_j))],
// the bare exchange barrier plus half the energy change of the swap; the
// reverse swap has the opposite change, so forward and backward rates obey
// detailed balance. Occupancy-dependent terms (interaction) and the landscape's
// site energies are the same before and after a swap and cancel; a field
// moves two equal charges in opposite directions and does no work.
#include <cstdint>

#include "kernels/HostDevice.hpp"

namespace coatkmc {

// Site byte of the sublattice solver: bit 0 occupied, bit 1 stamp, bits 2-7
// the species of the ion (so at most 64 species).
constexpr uint8_t kSpeciesShift = 2;
constexpr int kMaxSpecies = 64;

struct SpeciesEnergy {
  // Extra activation energy (eV) of a vacancy hop of one species over the
  // common one of HopEnergyEvaluator.
  KMC_HD static double vacancy_offset(double species_barrier, double common_barrier,
                                      double eps_origin, double eps_target) {
    return (species_barrier - common_barrier) + 0.5 * (eps_target - eps_origin);
  }

  // Activation energy (eV) of a direct exchange: the ion of species a on the
  // origin with the ion of species b on the target. eps_x_here / eps_x_there:
  // the site energy of species x on the origin's / target's sublattice.
  KMC_HD static double exchange_activation(double exchange_barrier, double eps_a_here,
                                           double eps_a_there, double eps_b_here,
                                           double eps_b_there) {
    return exchange_barrier + 0.5 * ((eps_a_there + eps_b_here) - (eps_a_here + eps_b_there));
  }

  // Index of (species, basis site, hop slot) in a per-species table.
  KMC_HD static int64_t slot(int32_t species, int32_t nbasis, int32_t zmax, int32_t basis,
                             int32_t k) {
    return (static_cast<int64_t>(species) * nbasis + basis) * zmax + k;
  }

  KMC_HD static int32_t species_of(uint8_t site_byte) { return site_byte >> kSpeciesShift; }
  KMC_HD static uint8_t species_bits(uint8_t site_byte) {
    return static_cast<uint8_t>(site_byte & ~uint8_t((1u << kSpeciesShift) - 1));
  }
};

}  // namespace coatkmc
