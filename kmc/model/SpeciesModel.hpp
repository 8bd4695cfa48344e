#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// One ion species of [[occupancy.species]] (docs/configuration.md).
struct SpeciesSpec {
  std::string name;
  double fraction = 0;  // of the open host sites (when count < 0)
  int64_t count = -1;   // ions per replica; >= 0 overrides fraction
  double barrier = 0;   // eV, vacancy-exchange barrier of this species
  // eV per basis site of the lattice (its sublattice's entry), empty: all 0.
  std::vector<double> basis_energy;
  // Where the species is placed ([[occupancy.species]] z_range / z_range_A):
  // the sites whose height along the third lattice vector, as a fraction of
  // the box's (height_fraction), lies in [z_low, z_high). Without a region the
  // species is placed on the open host sites anywhere, and `fraction` is of
  // the open host sites in its region.
  bool region = false;
  double z_low = 0, z_high = 1;
  bool in_region(double height) const { return !region || (height >= z_low && height < z_high); }
};

// Height of a site along the third lattice vector as a fraction of the box's:
// (cell index + fractional coordinate of its basis site, wrapped into [0, 1)) / cells.
inline double height_fraction(int cell_z, int cells_z, double basis_fractional_z) {
  return (cell_z + (basis_fractional_z - std::floor(basis_fractional_z))) / cells_z;
}

// A direct exchange of [[hop.exchange]]: an ion of species a swaps with a
// neighbouring ion of species b. The ion of species a carries the event.
struct ExchangeSpec {
  int a = 0, b = 0;
  double barrier = 0;  // eV
};

struct SpeciesSettings {
  std::vector<SpeciesSpec> species;
  std::vector<ExchangeSpec> exchange;
  bool active() const { return !species.empty(); }
  bool any_region() const;
  // Ions of each species on `open_sites` host sites (no regions).
  std::vector<int64_t> counts(int64_t open_sites) const;
  int64_t total(int64_t open_sites) const;
  // Ions of each species, `region_sites[s]` the open host sites of its region.
  std::vector<int64_t> counts(const std::vector<int64_t>& region_sites) const;
  // Open host sites (not in `blocked`) of each species' region.
  std::vector<int64_t> region_sites(const Lattice& lattice,
                                    const std::vector<uint8_t>& blocked) const;
};

// The rate tables of several species, built from kernels/SpeciesEnergy.hpp:
//  * vacancy factor f(s, b, k) = exp(-dE_s / kT): the rate of a hop of an ion
//    of species s from basis site b along slot k is HopModel's rate times f;
//  * exchange rate x(a, c, b, k) = nu exp(-E / kT) of the ion of species a on
//    basis site b swapping along slot k with an ion of species c (0 where no
//    exchange of that ordered pair is configured).
class SpeciesRates {
 public:
  SpeciesRates(const Lattice& lattice, const HopParameters& hop, const SpeciesSettings& settings);

  int count() const { return species_; }
  const std::vector<double>& vacancy_factors() const { return vacancy_; }
  const double* vacancy_row(int s, int b) const {
    return &vacancy_[(static_cast<size_t>(s) * nbasis_ + b) * zmax_];
  }
  bool has_exchange() const { return has_exchange_; }
  double exchange_rate(int a, int c, int b, int k) const {
    return exchange_[((static_cast<size_t>(a) * species_ + c) * nbasis_ + b) * zmax_ + k];
  }
  double max_vacancy_factor() const { return max_vacancy_; }
  double max_exchange_rate() const { return max_exchange_; }

 private:
  int species_, nbasis_, zmax_;
  std::vector<double> vacancy_;   // [(s * nbasis + b) * zmax + k]
  std::vector<double> exchange_;  // [((a * S + c) * nbasis + b) * zmax + k]
  bool has_exchange_ = false;
  double max_vacancy_ = 0, max_exchange_ = 0;
};

// Gives the ions of `state` their species: counts[s] ions of species s,
// assigned by a Fisher-Yates shuffle of the labels from the species stream of
// (seed, replica). The ions were placed uniformly at random, so each species
// is too. A pure function of (seed, replica), like place_ions.
void assign_species(SystemState& state, const std::vector<int64_t>& counts, uint64_t seed);

// Places counts[s] ions of each species s on the open host sites of its region
// (species with a region first, in table order, then the others on what is
// left), each uniformly at random among the free sites of its region by a
// partial Fisher-Yates shuffle from the placement stream of (seed, replica).
// A pure function of (seed, replica). Throws std::invalid_argument
// ("occupancy.species: ...") when a region has too few free sites.
SystemState place_species(const Lattice& lattice, const SpeciesSettings& settings,
                          const std::vector<int64_t>& counts, uint64_t seed, uint32_t replica,
                          const std::vector<uint8_t>& blocked = {});

}  // namespace coatkmc
