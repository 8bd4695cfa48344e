#pragma once
#include <cstdint>
#include <vector>

#include "kmc/lattice/Lattice.hpp"

namespace coatkmc {

// A frozen disordered landscape, as [landscape] in the configuration sets it.
struct LandscapeSettings {
  double site_energy_sigma = 0;  // eV, spread of Gaussian site energies
  double barrier_sigma = 0;      // eV, spread of Gaussian per-bond barrier shifts
  uint64_t seed = 1;             // realization (the configuration defaults it to run.seed)

  bool disordered() const { return site_energy_sigma > 0 || barrier_sigma > 0; }
};

// Arrays for HopModel: site energies (one per site, empty without site disorder)
// and bond barriers (one per site and hop slot, empty without barrier disorder).
struct Landscape {
  std::vector<double> site_energy;
  std::vector<double> bond_barrier;
};

// Draws a realization from the landscape stream of `settings.seed`: site s
// gets sigma_E g(s), and a bond the shift sigma_B g(bond), g standard normal
// (Box-Muller on Philox words) keyed by the site, or for a bond by its end
// with the lower index and that end's hop slot, so a hop and its reverse share
// one barrier and detailed balance holds. Immobile sites get energy 0.
Landscape draw_landscape(const Lattice& lattice, const LandscapeSettings& settings);

}  // namespace coatkmc
