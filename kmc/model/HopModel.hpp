#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "kmc/core/Vec3.hpp"
#include "kmc/lattice/Lattice.hpp"

namespace coatkmc {

struct HopParameters {
  double barrier = 0.3;             // eV, bare migration barrier
  double attempt_frequency = 1e13;  // Hz
  double temperature = 300;         // K
  double interaction = 0.0;         // eV per occupied nearest-neighbour pair
  Vec3 field;                       // V/cm, acting on +1 e
};

// Hop rates of one ion species on a lattice:
//   rate(s -> t) = nu exp(-E/kT), E from HopEnergyEvaluator.
// The lattice contributes its sublattice site energies and the barriers of
// its hop rules; a landscape or microstructure adds per-site and per-bond terms.
// The part of E that does not depend on occupancy (barrier, site energies,
// field) is folded into a static rate per (site, direction) once; the
// occupancy-dependent interaction term is a factor from a small table indexed
// by the change in occupied-neighbour count. With uniform site energies the
// static rates depend only on (basis site, direction), so the table stays tiny.
class HopModel {
 public:
  // `site_energy` is empty (all zero) or has one entry (eV) per lattice site;
  // `bond_barrier` is empty or adds a barrier (eV) to each hop slot
  // [site * max_coordination + k], equal for a hop and its reverse.
  HopModel(const Lattice& lattice, HopParameters params, std::vector<double> site_energy = {},
           std::vector<double> bond_barrier = {});

  const HopParameters& parameters() const { return params_; }
  double kT() const { return kT_; }
  bool has_interaction() const { return params_.interaction != 0.0; }
  bool uniform_landscape() const { return site_energy_.empty() && bond_barrier_.empty(); }
  // The lattice's sublattice energy plus the landscape's, eV.
  double site_energy(int64_t site) const {
    return basis_energy_[basis_of_(site)] + (site_energy_.empty() ? 0.0 : site_energy_[site]);
  }

  double static_rate(int64_t site, int k) const { return static_rate_row(site)[k]; }
  // The static rates of every direction of `site` (max_coordination entries).
  const double* static_rate_row(int64_t site) const {
    if (!uniform_landscape()) return &static_[site * zmax_];
    return nbasis_ == 1 ? static_.data() : &static_[basis_of_(site) * zmax_];
  }
  // exp(-J (n_target - n_origin) / 2kT) for dn = n_target - n_origin in [-zmax, zmax].
  double interaction_factor(int dn) const { return interaction_[dn + zmax_]; }
  // Full rate of a hop whose target is empty.
  double rate(int64_t site, int k, int n_origin, int n_target) const {
    const double r = static_rate(site, k);
    return has_interaction() ? r * interaction_factor(n_target - n_origin) : r;
  }
  // Largest rate any hop can have (used for uniformization by rejection solvers).
  double max_rate() const { return max_rate_; }

 private:
  int basis_of_(int64_t site) const { return static_cast<int>(site % nbasis_); }
  HopParameters params_;
  double kT_;
  int zmax_, nbasis_;
  std::vector<double> basis_energy_;  // per basis site (the description's sublattice energies)
  std::vector<double> site_energy_;
  std::vector<double> bond_barrier_;
  std::vector<double> static_;
  std::vector<double> interaction_;
  double max_rate_ = 0;
};

}  // namespace coatkmc
