#include "kmc/model/EnvironmentPlacement.hpp"

#include <cmath>
#include <utility>

#include "kernels/CounterRng.hpp"

namespace coatkmc {

std::vector<uint8_t> place_immobile(const Lattice& lattice, const EnvironmentSpec& spec,
                                    uint64_t seed) {
  std::vector<uint8_t> fixed;
  if (spec.immobile.empty()) return fixed;
  fixed.assign(lattice.num_sites(), 0);
  const int nb = lattice.basis_size();
  const auto& cells = lattice.cells();
  const int64_t per_layer = int64_t(cells[0]) * cells[1];
  const int first_code = 1 + static_cast<int>(spec.mobile.size());
  for (size_t i = 0; i < spec.immobile.size(); ++i) {
    const ImmobileSpec& im = spec.immobile[i];
    for (int z = 0; z < cells[2]; ++z) {
      std::vector<int32_t> free;
      for (int64_t c = z * per_layer; c < (z + 1) * per_layer; ++c)
        for (int b = 0; b < nb; ++b) {
          const int64_t s = c * nb + b;
          if (lattice.description().basis[b].sublattice == im.sublattice && !fixed[s])
            free.push_back(static_cast<int32_t>(s));
        }
      const double p = im.layers.empty() ? im.fraction : im.layers[z % im.layers.size()];
      const int64_t n = std::llround(p * static_cast<double>(free.size()));
      for (int64_t q = 0; q < n; ++q) {
        const auto w = CounterRng::words(seed, kStreamImmobile, static_cast<uint32_t>(i),
                                         static_cast<uint64_t>(z), static_cast<uint32_t>(q));
        const uint64_t pick =
            static_cast<uint64_t>(q) + CounterRng::below(w[0], w[1], free.size() - q);
        std::swap(free[q], free[pick]);
        fixed[free[q]] = static_cast<uint8_t>(first_code + i);
      }
    }
  }
  return fixed;
}

}  // namespace coatkmc
