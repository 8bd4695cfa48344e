#pragma once
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
};

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
  // Ions of each species on `open_sites` host sites.
  std::vector<int64_t> counts(int64_t open_sites) const;
  int64_t total(int64_t open_sites) const;
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

}  // namespace coatkmc
