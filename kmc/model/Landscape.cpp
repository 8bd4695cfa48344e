#include "kmc/model/Landscape.hpp"

#include <cmath>

#include "kernels/CounterRng.hpp"
#include "kernels/PhysicalConstants.hpp"

namespace coatkmc {

namespace {

// Standard normal number `index` of the landscape stream at step `step`.
double gaussian(uint64_t seed, uint64_t step, uint32_t index) {
  const auto w = CounterRng::words(seed, kStreamLandscape, 0, step, index);
  const double u1 = CounterRng::uniform_open_zero(w[0], w[1]);
  const double u2 = CounterRng::uniform(w[2], w[3]);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

}  // namespace

Landscape draw_landscape(const Lattice& lattice, const LandscapeSettings& settings) {
  Landscape out;
  const int64_t n = lattice.num_sites();
  const int z = lattice.max_coordination();
  if (settings.site_energy_sigma > 0) {
    out.site_energy.assign(n, 0.0);
    for (int64_t s = 0; s < n; ++s)
      if (lattice.is_mobile(s))
        out.site_energy[s] = settings.site_energy_sigma * gaussian(settings.seed, s, 0);
  }
  if (settings.barrier_sigma > 0) {
    out.bond_barrier.assign(n * z, 0.0);
    for (int64_t s = 0; s < n; ++s) {
      const int b = lattice.basis_of(s);
      for (int k = 0; k < lattice.coordination(b); ++k) {
        const int64_t t = lattice.neighbor(s, k);
        const int64_t low = std::min<int64_t>(s, t);
        const int slot = s <= t ? k : lattice.reverse_direction(b, k);
        out.bond_barrier[s * z + k] =
            settings.barrier_sigma * gaussian(settings.seed, low, 1 + static_cast<uint32_t>(slot));
      }
    }
  }
  return out;
}

}  // namespace coatkmc
