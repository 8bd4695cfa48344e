#include "kmc/solvers/SublatticeClasses.hpp"

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <set>
#include <string>
#include <tuple>
#include <utility>
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

// The sites an attempt from (0, b) may write: the origin and its hop targets
// (steps [b * zmax + k], as HopSteps::steps).
std::vector<Rel> writes_of(const std::vector<HopStep>& steps, int zmax, int32_t b) {
  std::vector<Rel> w{Rel{{0, 0, 0}, b}};
  for (int k = 0; k < zmax; ++k) {
    const HopStep& st = steps[static_cast<size_t>(b) * zmax + k];
    if (st.to_basis < 0) continue;
    w.push_back(Rel{{st.dcell[0], st.dcell[1], st.dcell[2]}, st.to_basis});
  }
  return w;
}

// conflict_displacements on steps [b * zmax + k] of `nb` basis sites.
std::vector<std::array<int32_t, 3>> conflicts_of(const std::vector<HopStep>& steps, int zmax,
                                                 int nb, bool interaction,
                                                 const std::array<int, 3>& read_reach, int32_t b,
                                                 const ReadSites* read_sites) {
  const std::vector<Rel> w = writes_of(steps, zmax, b);
  std::set<Rel> r(w.begin(), w.end());
  if (interaction)  // the targets' neighbours (their occupied count)
    for (const Rel& t : w)
      for (const Rel& q : writes_of(steps, zmax, t.b))
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

}  // namespace

std::vector<std::array<int32_t, 3>> conflict_displacements(const Lattice& lattice,
                                                           const HopSteps& hops, bool interaction,
                                                           const std::array<int, 3>& read_reach,
                                                           int32_t b, const ReadSites* read_sites) {
  return conflicts_of(hops.steps, lattice.max_coordination(), lattice.basis_size(), interaction,
                      read_reach, b, read_sites);
}

namespace {
// Whether (c0 + k1 c1 + k2 c2) mod m keeps every conflicting displacement d
// (none zero) out of one class: k . d != 0 mod m for all of them.
bool separates(const std::vector<std::array<int32_t, 3>>& d, int32_t m, int32_t k1, int32_t k2) {
  for (const auto& e : d) {
    const int64_t v = e[0] + int64_t(k1) * e[1] + int64_t(k2) * e[2];
    if (((v % m) + m) % m == 0) return false;
  }
  return true;
}
}  // namespace

LinearClassRule search_linear_class_rule(const std::vector<std::array<int32_t, 3>>& conflicts,
                                         int32_t below) {
  std::vector<std::array<int32_t, 3>> d;
  for (const auto& e : conflicts)
    if (e[0] || e[1] || e[2]) d.push_back(e);
  for (int32_t m = 1; m < below; ++m)
    for (int32_t k1 = 0; k1 < m; ++k1)
      for (int32_t k2 = 0; k2 < m; ++k2) {
        const bool ok = separates(d, m, k1, k2);
        if (ok) return LinearClassRule{m, k1, k2};
      }
  return LinearClassRule{};
}

LinearClassRule search_lattice_class_rule(
    const std::vector<std::array<int32_t, 3>>& conflicts, const std::array<int, 3>& cells,
    const std::array<int, 3>& reach, int32_t max_modulus,
    const std::function<bool(const LinearClassRule&)>& accept) {
  for (int a = 0; a < 3; ++a)
    if (cells[a] < 2 * reach[a] + 1) return LinearClassRule{};
  std::vector<std::array<int32_t, 3>> d;
  for (const auto& e : conflicts)
    if (e[0] || e[1] || e[2]) d.push_back(e);
  for (int32_t m = 1; m <= max_modulus; ++m) {
    if (cells[0] % m != 0) continue;
    for (int32_t k1 = 0; k1 < m; ++k1) {
      if ((int64_t(k1) * cells[1]) % m != 0) continue;
      for (int32_t k2 = 0; k2 < m; ++k2) {
        if ((int64_t(k2) * cells[2]) % m != 0) continue;
        const bool ok = separates(d, m, k1, k2);
        if (ok && (!accept || accept(LinearClassRule{m, k1, k2}))) return LinearClassRule{m, k1, k2};
      }
    }
  }
  return LinearClassRule{};
}

const std::vector<std::string>& sublattice_class_rule_names() {
  static const std::vector<std::string> names = {"tiles", "auto", "lattice"};
  return names;
}

SublatticeClassRule sublattice_class_rule(const std::string& name) {
  if (name == "tiles") return SublatticeClassRule::Tiles;
  if (name == "auto") return SublatticeClassRule::Auto;
  if (name == "lattice") return SublatticeClassRule::Lattice;
  throw CannotProceed("sublattice: unknown class rule '" + name + "'");
}

std::string why_visits_not_thinned(const SublatticeVisitKind& v) {
  if (!v.poisson) return "sublattice.attempts is not \"poisson\"";
  if (!v.uniform_landscape) return "the landscape is not uniform (per-site rates)";
  if (v.environment) return "the run has an environment model";
  if (v.interaction) return "hop.interaction is not 0";
  if (v.exchange) return "the run has direct exchanges";
  if (v.zmax > 32) return "a site has more than 32 hops";
  return "";
}

std::vector<LatticeHopShift> lattice_hop_shifts(const std::vector<std::vector<HopTemplate>>& hops,
                                                const SublatticeLatticeRule& rule) {
  std::vector<int32_t> index(hops.size(), -1);  // basis site -> mobile index
  for (int32_t i = 0; i < rule.mobile_basis_count; ++i) index[rule.mobile_basis[i]] = i;
  const int64_t m = rule.modulus;
  std::set<LatticeHopShift> found;
  for (size_t b = 0; b < hops.size(); ++b) {
    if (index[b] < 0) continue;
    for (const HopTemplate& h : hops[b]) {
      if (h.to_basis < 0 || index[h.to_basis] < 0) continue;  // no class to land in
      const int64_t v = h.cell_offset[0] + int64_t(rule.k[0]) * h.cell_offset[1] +
                        int64_t(rule.k[1]) * h.cell_offset[2];
      const int32_t s = static_cast<int32_t>(((v % m) + m) % m);
      found.insert(LatticeHopShift{index[b], index[h.to_basis], s});
      found.insert(LatticeHopShift{index[h.to_basis], index[b], static_cast<int32_t>((m - s) % m)});
    }
  }
  return {found.begin(), found.end()};
}

bool balanced_class_order(const SublatticeLatticeRule& rule,
                          const std::vector<LatticeHopShift>& shifts, const uint8_t* order) {
  const int32_t m = rule.modulus, mb = rule.mobile_basis_count, n = rule.classes();
  if (shifts.empty()) return true;
  if (m % 2 != 0) return false;
  int32_t pos[256];
  for (int32_t i = 0; i < n; ++i) pos[order[i]] = i;
  for (const LatticeHopShift& h : shifts) {
    int32_t later = 0;  // phases j whose hop's target class (j + s, to) runs after (j, from)
    for (int32_t j = 0; j < m; ++j) {
      const int32_t t = j + h.shift < m ? j + h.shift : j + h.shift - m;
      later += pos[t * mb + h.to] > pos[j * mb + h.from];
    }
    if (2 * later != m) return false;
  }
  return true;
}

LatticeOrderBalance search_balanced_order(const SublatticeLatticeRule& rule,
                                          const std::vector<LatticeHopShift>& shifts) {
  LatticeOrderBalance out;
  out.shifts = shifts;
  const int32_t n = rule.classes();
  if (n > 256 || (rule.modulus % 2 != 0 && !shifts.empty())) return out;
  WordSource src(0, 0, 0, 0);
  std::vector<uint8_t> order(n), first;
  int hits = 0;
  for (int t = 0; t < kLatticeBalanceTries; ++t) {
    shuffle(order.data(), n, src);
    if (!balanced_class_order(rule, shifts, order.data())) continue;
    if (hits++ == 0) first = order;
  }
  out.acceptance = double(hits) / kLatticeBalanceTries;
  if (hits >= kLatticeBalanceMinHits) out.example = first;
  return out;
}

SublatticeLatticeRule lattice_class_rule(const std::vector<std::vector<HopTemplate>>& hops,
                                         const std::vector<bool>& mobile,
                                         const std::array<int, 3>& cells, std::string* why,
                                         LatticeOrderBalance* balance) {
  auto none = [&](const std::string& because) {
    if (why) *why = because;
    return SublatticeLatticeRule{};
  };
  const int nb = static_cast<int>(hops.size());
  int zmax = 0;
  for (const auto& h : hops) zmax = std::max(zmax, static_cast<int>(h.size()));
  std::vector<HopStep> steps(static_cast<size_t>(nb) * zmax, HopStep{-1, {0, 0, 0}, 0});
  std::array<int, 3> reach{0, 0, 0};
  for (int b = 0; b < nb; ++b)
    for (size_t k = 0; k < hops[b].size(); ++k) {
      HopStep& st = steps[static_cast<size_t>(b) * zmax + k];
      st.to_basis = static_cast<int16_t>(hops[b][k].to_basis);
      for (int a = 0; a < 3; ++a) {
        const int o = hops[b][k].cell_offset[a];
        if (std::abs(o) > 127) return none("a hop reaches more than 127 cells");
        st.dcell[a] = static_cast<int8_t>(o);
        reach[a] = std::max(reach[a], std::abs(o));
      }
    }
  SublatticeLatticeRule rule;
  std::set<std::array<int32_t, 3>> all;
  for (int b = 0; b < nb; ++b) {
    if (!mobile[b]) continue;
    if (rule.mobile_basis_count == 64) return none("more than 64 mobile sites per cell");
    rule.mobile_basis[rule.mobile_basis_count++] = b;
    for (const auto& e : conflicts_of(steps, zmax, nb, false, {0, 0, 0}, b, nullptr)) all.insert(e);
  }
  if (rule.mobile_basis_count == 0) return none("no mobile site");
  for (int a = 0; a < 3; ++a)
    if (cells[a] < 2 * reach[a] + 1)
      return none("lattice.cells: an axis has fewer than 2 hop reaches + 1 cells");
  const std::vector<std::array<int32_t, 3>> conflicts(all.begin(), all.end());
  const LinearClassRule first = search_lattice_class_rule(conflicts, cells, reach);
  if (first.modulus == 0)
    return none("no class pattern of period 64 or less wraps on " + std::to_string(cells[0]) +
                " x " + std::to_string(cells[1]) + " x " + std::to_string(cells[2]) +
                " cells (sc needs multiples of 8 along axes 0 and 2 and of 4 along axis 1)");
  if (int64_t(first.modulus) * rule.mobile_basis_count > 255)
    return none("the rule would need more than 255 classes");
  // The first wrapping pattern (in search order) with balanced orders.
  LatticeOrderBalance kept;
  auto with = [&](const LinearClassRule& c) {
    SublatticeLatticeRule r = rule;
    r.modulus = c.modulus;
    r.k[0] = c.k1;
    r.k[1] = c.k2;
    return r;
  };
  const LinearClassRule found = search_lattice_class_rule(
      conflicts, cells, reach, 64, [&](const LinearClassRule& c) {
        if (int64_t(c.modulus) * rule.mobile_basis_count > 255) return false;
        const SublatticeLatticeRule r = with(c);
        LatticeOrderBalance b = search_balanced_order(r, lattice_hop_shifts(hops, r));
        if (b.example.empty()) return false;
        kept = std::move(b);
        return true;
      });
  if (found.modulus == 0)
    return none("no wrapping class pattern has balanced class orders (the first, M = " +
                std::to_string(first.modulus) + ", k = (1, " + std::to_string(first.k1) + ", " +
                std::to_string(first.k2) + "), " +
                (first.modulus % 2 ? "has an odd M: no order can put half of a hop's target "
                                     "classes after its origins'"
                                   : "had too few balanced orders among " +
                                         std::to_string(kLatticeBalanceTries) + " random ones") +
                "; unbalanced orders bias D_jump by an amount that grows with the ions)");
  if (balance) *balance = std::move(kept);
  return with(found);
}

SublatticeLatticeRule lattice_class_rule(const Lattice& lattice, std::string* why,
                                         LatticeOrderBalance* balance) {
  std::vector<std::vector<HopTemplate>> hops;
  std::vector<bool> mobile;
  for (int b = 0; b < lattice.basis_size(); ++b) {
    hops.push_back(lattice.hops(b));
    mobile.push_back(lattice.description().basis[b].mobile);
  }
  return lattice_class_rule(hops, mobile, lattice.cells(), why, balance);
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

void draw_class_orders(const SublatticeLatticeRule& rule, const LatticeOrderBalance& balance,
                       uint64_t seed, uint32_t replica, uint64_t sweep, uint8_t* order) {
  WordSource src(seed, replica, sweep, 0);
  for (int t = 0; t < kLatticeDrawMaxTries; ++t) {
    shuffle(order, rule.classes(), src);
    if (balanced_class_order(rule, balance.shifts, order)) return;
  }
  if (static_cast<int32_t>(balance.example.size()) != rule.classes())
    throw CannotProceed("sublattice: the lattice rule has no balanced class order");
  std::copy(balance.example.begin(), balance.example.end(), order);
}

}  // namespace coatkmc
