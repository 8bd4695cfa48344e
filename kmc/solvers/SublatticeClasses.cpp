#include "kmc/solvers/SublatticeClasses.hpp"

#include <algorithm>
#include <numeric>

#include "kernels/CounterRng.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

AxisTiling make_axis(int n, int spacing) {
  AxisTiling ax;
  ax.n = n;
  ax.spacing = spacing;
  // Aim at four or more tiles per axis (two per parity) so that medium
  // lattices keep threads busy, tiles at most kSublatticeTileCells wide.
  const int width = std::max(spacing, std::min(kSublatticeTileCells, n / 4));
  ax.tiles = 2 * (n / (2 * width));
  if (ax.tiles < 2) ax.tiles = n >= 2 * spacing ? 2 : 1;
  if (ax.tiles >= 2) {
    ax.classes = spacing;
  } else if (n < spacing) {
    ax.classes = n;
  } else {
    ax.classes = n - (n / spacing - 1) * spacing;  // width of the last stripe
  }
  return ax;
}

// Philox words of the class-order stream, consumed one at a time.
class WordSource {
 public:
  WordSource(uint64_t seed, uint32_t replica, uint64_t sweep, uint32_t block)
      : seed_(seed), replica_(replica), sweep_(sweep), block_(block) {}
  uint32_t next() {
    if (used_ == 4) {
      words_ =
          CounterRng::words(seed_, kStreamClassOrder, replica_, sweep_, (block_ << 24) | call_++);
      used_ = 0;
    }
    return words_[used_++];
  }

 private:
  uint64_t seed_;
  uint32_t replica_;
  uint64_t sweep_;
  uint32_t block_, call_ = 0;
  CounterRng::Philox::ctr_type words_{};
  int used_ = 4;
};

template <class T>
void shuffle(T* a, int n, WordSource& src) {
  for (int i = 0; i < n; ++i) a[i] = static_cast<T>(i);
  for (int i = n - 1; i > 0; --i) std::swap(a[i], a[CounterRng::below32(src.next(), i + 1)]);
}

}  // namespace

SublatticeTiling make_sublattice_tiling(const Lattice& lattice, const std::array<int, 3>& reach,
                                        bool interaction, const std::array<int, 3>& read_reach) {
  SublatticeTiling t;
  t.parity_classes = 1;
  t.tiles_per_parity = 1;
  int64_t spatial = 1;
  for (int a = 0; a < 3; ++a) {
    // Write radius r plus read radius: r (the target), 2r (the target's
    // neighbours, interaction) or the environment's reach, whichever is largest.
    const int read = std::max(interaction ? 2 * reach[a] : reach[a], read_reach[a]);
    t.axis[a] = make_axis(lattice.cells()[a], reach[a] + read + 1);
    t.parity_classes *= t.axis[a].parity_count();
    t.tiles_per_parity *= t.axis[a].tiles_per_parity();
    spatial *= t.axis[a].classes;
  }
  t.nbasis = lattice.basis_size();
  t.mobile_basis_count = 0;
  for (int b = 0; b < t.nbasis; ++b) {
    if (!lattice.description().basis[b].mobile) continue;
    if (t.mobile_basis_count == 64)
      throw CannotProceed("the sublattice solver takes at most 64 mobile sites per cell");
    t.mobile_basis[t.mobile_basis_count++] = b;
  }
  const int64_t classes = spatial * t.mobile_basis_count;
  if (classes > 65535)
    throw CannotProceed(
        "the sublattice solver needs more than 65535 site classes here "
        "(use more cells or a shorter lattice.cutoff)");
  t.site_classes = static_cast<int32_t>(classes);
  return t;
}

void draw_class_orders(const SublatticeTiling& tiling, uint64_t seed, uint32_t replica,
                       uint64_t sweep, uint8_t* parity_order, uint16_t* site_order) {
  WordSource parity(seed, replica, sweep, 0);
  shuffle(parity_order, tiling.parity_classes, parity);
  for (int p = 0; p < tiling.parity_classes; ++p) {
    WordSource src(seed, replica, sweep, 1 + p);
    shuffle(site_order + static_cast<int64_t>(p) * tiling.site_classes, tiling.site_classes, src);
  }
}

}  // namespace coatkmc
