#include "kmc/solvers/SublatticeClasses.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <tuple>
#include <vector>

#include "kernels/CounterRng.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/solvers/HopSteps.hpp"

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

// A site as (cell offset, basis) relative to the cell of an attempt's origin.
struct Rel {
  int32_t c[3];
  int32_t b;
  bool operator<(const Rel& o) const {
    return std::tie(c[0], c[1], c[2], b) < std::tie(o.c[0], o.c[1], o.c[2], o.b);
  }
};

// The sites an attempt from (0, b) may write: the origin and its hop targets.
std::vector<Rel> writes_of(const HopSteps& hops, int zmax, int32_t b) {
  std::vector<Rel> w{Rel{{0, 0, 0}, b}};
  for (int k = 0; k < zmax; ++k) {
    const HopStep& st = hops.steps[static_cast<size_t>(b) * zmax + k];
    if (st.to_basis < 0) continue;
    w.push_back(Rel{{st.dcell[0], st.dcell[1], st.dcell[2]}, st.to_basis});
  }
  return w;
}

}  // namespace

std::vector<std::array<int32_t, 3>> conflict_displacements(const Lattice& lattice,
                                                           const HopSteps& hops, bool interaction,
                                                           const std::array<int, 3>& read_reach,
                                                           int32_t b, const ReadSites* read_sites) {
  const int zmax = lattice.max_coordination(), nb = lattice.basis_size();
  const std::vector<Rel> w = writes_of(hops, zmax, b);
  std::set<Rel> r(w.begin(), w.end());
  if (interaction)  // the targets' neighbours (their occupied count)
    for (const Rel& t : w)
      for (const Rel& q : writes_of(hops, zmax, t.b))
        r.insert(Rel{{t.c[0] + q.c[0], t.c[1] + q.c[1], t.c[2] + q.c[2]}, q.b});
  if (read_sites) {  // an environment model's sites
    for (const auto& e : (*read_sites)[b]) r.insert(Rel{{e[0], e[1], e[2]}, e[3]});
  } else if (read_reach[0] || read_reach[1] || read_reach[2]) {
    // Every site of the cells within read_reach of the origin's.
    for (int z = -read_reach[2]; z <= read_reach[2]; ++z)
      for (int y = -read_reach[1]; y <= read_reach[1]; ++y)
        for (int x = -read_reach[0]; x <= read_reach[0]; ++x)
          for (int q = 0; q < nb; ++q) r.insert(Rel{{x, y, z}, q});
  }
  // (0, b) and (d, b) conflict when one writes what the other reads (reads
  // include the writes): a write w of the first is a read q + d of the
  // second, or the other way round: d = w - q or d = q - w.
  std::set<std::array<int32_t, 3>> d;
  for (const Rel& x : w)
    for (const Rel& q : r)
      if (x.b == q.b) {
        const std::array<int32_t, 3> e{x.c[0] - q.c[0], x.c[1] - q.c[1], x.c[2] - q.c[2]};
        d.insert(e);
        d.insert({-e[0], -e[1], -e[2]});
      }
  return {d.begin(), d.end()};
}

LinearClassRule search_linear_class_rule(const std::vector<std::array<int32_t, 3>>& conflicts,
                                         int32_t below) {
  std::vector<std::array<int32_t, 3>> d;
  for (const auto& e : conflicts)
    if (e[0] || e[1] || e[2]) d.push_back(e);
  for (int32_t m = 1; m < below; ++m)
    for (int32_t k1 = 0; k1 < m; ++k1)
      for (int32_t k2 = 0; k2 < m; ++k2) {
        bool ok = true;
        for (const auto& e : d) {
          const int64_t v = e[0] + int64_t(k1) * e[1] + int64_t(k2) * e[2];
          if (((v % m) + m) % m == 0) {
            ok = false;
            break;
          }
        }
        if (ok) return LinearClassRule{m, k1, k2};
      }
  return LinearClassRule{};
}

SublatticeTiling make_sublattice_tiling(const Lattice& lattice, const std::array<int, 3>& reach,
                                        bool interaction, const std::array<int, 3>& read_reach,
                                        const ReadSites* read_sites) {
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
  // The linear rule where every axis is cut into tiles (tile-local
  // coordinates do not wrap) and it needs fewer classes than the box.
  bool tiled = true;
  for (int a = 0; a < 3; ++a) tiled = tiled && t.axis[a].tiles >= 2;
  if (tiled && t.mobile_basis_count > 0) {
    const HopSteps hops = make_hop_steps(lattice);
    std::set<std::array<int32_t, 3>> all;
    bool inside = true;  // every conflict lies within the box rule's spacing
    for (int i = 0; i < t.mobile_basis_count; ++i)
      for (const auto& e : conflict_displacements(lattice, hops, interaction, read_reach,
                                                  t.mobile_basis[i], read_sites)) {
        for (int a = 0; a < 3; ++a) inside = inside && std::abs(e[a]) < t.axis[a].spacing;
        all.insert(e);
      }
    const LinearClassRule rule =
        inside ? search_linear_class_rule({all.begin(), all.end()},
                                          static_cast<int32_t>(std::min<int64_t>(spatial, 256)))
               : LinearClassRule{};
    if (rule.modulus > 0) {
      t.code_modulus = rule.modulus;
      t.code_k[0] = rule.k1;
      t.code_k[1] = rule.k2;
      t.code_back[0] = (rule.modulus - rule.k1) % rule.modulus;
      t.code_back[1] = (rule.modulus - rule.k2) % rule.modulus;
      t.code_magic = 0xffffffffu / static_cast<uint32_t>(rule.modulus) + 1u;
      spatial = rule.modulus;
    }
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
