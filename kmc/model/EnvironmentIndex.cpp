#include "kmc/model/EnvironmentIndex.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "kernels/HopEnergy.hpp"


namespace coatkmc {

namespace {

// Count ranges of one slot's local terms: a cluster adds at most one
// decrement and one increment per term.
void term_ranges(const CompiledEnvironment& t, int slot, std::vector<int32_t>& lo,
                 std::vector<int32_t>& hi) {
  const int terms = t.local_terms(slot);
  lo.assign(terms, 0);
  hi.assign(terms, 0);
  std::vector<uint8_t> minus(terms), plus(terms);
  for (int32_t c = t.cluster_begin[slot]; c < t.cluster_begin[slot + 1]; ++c) {
    const EnvironmentCluster& cl = t.clusters[c];
    int64_t decorations = 1;
    for (int32_t i = 0; i < cl.size; ++i) decorations *= t.states;
    std::fill(minus.begin(), minus.end(), 0);
    std::fill(plus.begin(), plus.end(), 0);
    for (int64_t dec = 0; dec < decorations; ++dec) {
      const EnvironmentDelta d = t.deltas[cl.table + dec];
      if (d.minus >= 0) minus[d.minus] = 1;
      if (d.plus >= 0) plus[d.plus] = 1;
    }
    for (int l = 0; l < terms; ++l) {
      lo[l] -= minus[l];
      hi[l] += plus[l];
    }
  }
}

}  // namespace

EnvironmentFactorTable make_environment_factor_table(const CompiledEnvironment& t, double kT,
                                                     int64_t max_slot_entries,
                                                     int64_t max_total_entries) {
  EnvironmentFactorTable x;
  const int slots = t.slots();
  std::vector<std::vector<int32_t>> lo(slots), hi(slots), stride(slots);
  std::vector<int64_t> begin(slots + 1, 0);
  for (int slot = 0; slot < slots; ++slot) {
    term_ranges(t, slot, lo[slot], hi[slot]);
    int64_t size = 1;
    for (size_t l = 0; l < lo[slot].size(); ++l) {
      stride[slot].push_back(static_cast<int32_t>(size));
      size *= hi[slot][l] - lo[slot][l] + 1;
      if (size > max_slot_entries) return {};
    }
    begin[slot + 1] = begin[slot] + size;
    if (begin[slot + 1] > max_total_entries) return {};
  }
  // Slots whose terms have the same ranges and weights (the hops of one
  // class, e.g. the six of sc) share one table: a sixth of the memory the
  // factor look-ups range over.
  std::vector<int> same(slots);
  int64_t filled = 0;
  x.table_begin.assign(slots + 1, 0);
  for (int slot = 0; slot < slots; ++slot) {
    same[slot] = slot;
    const int terms = t.local_terms(slot);
    for (int q = 0; q < slot && same[slot] == slot; ++q) {
      if (same[q] != q || lo[q] != lo[slot] || hi[q] != hi[slot]) continue;
      if (std::equal(t.term_weight_eV.begin() + t.term_begin[q],
                     t.term_weight_eV.begin() + t.term_begin[q] + terms,
                     t.term_weight_eV.begin() + t.term_begin[slot]))
        same[slot] = q;
    }
    x.table_begin[slot] = same[slot] == slot ? filled : x.table_begin[same[slot]];
    if (same[slot] == slot) filled += begin[slot + 1] - begin[slot];
  }
  x.table_begin[slots] = filled;
  x.base.assign(slots, 0);
  x.step.assign(t.deltas.size(), 0);
  x.factor.resize(filled);
  std::vector<int32_t> counts;
  for (int slot = 0; slot < slots; ++slot) {
    const int terms = t.local_terms(slot);
    const std::vector<int32_t>& s = stride[slot];
    for (int l = 0; l < terms; ++l) x.base[slot] -= lo[slot][l] * s[l];
    for (int32_t c = t.cluster_begin[slot]; c < t.cluster_begin[slot + 1]; ++c) {
      const EnvironmentCluster& cl = t.clusters[c];
      int64_t decorations = 1;
      for (int32_t i = 0; i < cl.size; ++i) decorations *= t.states;
      for (int64_t dec = 0; dec < decorations; ++dec) {
        const EnvironmentDelta d = t.deltas[cl.table + dec];
        x.step[cl.table + dec] = (d.plus >= 0 ? s[d.plus] : 0) - (d.minus >= 0 ? s[d.minus] : 0);
      }
    }
    if (same[slot] != slot) continue;  // its table is made already
    // Every count vector of the slot in index order: E_env exactly as
    // EnvironmentModel::energy sums it, the factor as EnvironmentModel::factor.
    const double* w = terms ? &t.term_weight_eV[t.term_begin[slot]] : nullptr;
    counts.assign(lo[slot].begin(), lo[slot].end());
    const int64_t size = begin[slot + 1] - begin[slot];
    for (int64_t i = x.table_begin[slot]; i < x.table_begin[slot] + size; ++i) {
      const double e = terms ? HopEnergyEvaluator::environment(w, counts.data(), terms) : 0.0;
      x.factor[i] = std::exp(-e / kT);
      for (int l = 0; l < terms; ++l) {  // next count vector (mixed radix, term 0 fastest)
        if (++counts[l] <= hi[slot][l]) break;
        counts[l] = lo[slot][l];
      }
    }
  }
  return x;
}

EnvironmentIndex make_environment_index(const CompiledEnvironment& t) {
  EnvironmentIndex x;
  const int slots = t.slots();
  for (int slot = 0; slot < slots; ++slot) {
    x.max_terms = std::max(x.max_terms, t.local_terms(slot));
    x.max_clusters = std::max(x.max_clusters, t.cluster_begin[slot + 1] - t.cluster_begin[slot]);
  }
  // Clusters per stencil entry.
  x.member_begin.assign(t.sites.size() + 1, 0);
  for (int slot = 0; slot < slots; ++slot)
    for (int32_t c = t.cluster_begin[slot]; c < t.cluster_begin[slot + 1]; ++c)
      for (int32_t i = 0; i < t.clusters[c].size; ++i)
        ++x.member_begin[t.site_begin[slot] + t.clusters[c].site[i] + 1];
  for (size_t e = 0; e < t.sites.size(); ++e) x.member_begin[e + 1] += x.member_begin[e];
  x.members.resize(x.member_begin.back());
  std::vector<int32_t> fill(x.member_begin.begin(), x.member_begin.end() - 1);
  for (int slot = 0; slot < slots; ++slot)
    for (int32_t c = t.cluster_begin[slot]; c < t.cluster_begin[slot + 1]; ++c) {
      int32_t weight = 1;
      for (int32_t i = 0; i < t.clusters[c].size; ++i, weight *= t.states)
        x.members[fill[t.site_begin[slot] + t.clusters[c].site[i]]++] = {c, weight};
    }
  // Readers per basis site: every (slot, entry) of every stencil, filed under
  // the entry's basis site.
  x.reader_begin.assign(t.nbasis + 1, 0);
  for (const EnvironmentSite& e : t.sites) ++x.reader_begin[e.basis + 1];
  for (int b = 0; b < t.nbasis; ++b) x.reader_begin[b + 1] += x.reader_begin[b];
  x.readers.resize(x.reader_begin.back());
  std::vector<int32_t> next(x.reader_begin.begin(), x.reader_begin.end() - 1);
  for (int slot = 0; slot < slots; ++slot)
    for (int32_t i = t.site_begin[slot]; i < t.site_begin[slot + 1]; ++i) {
      const EnvironmentSite& e = t.sites[i];
      EnvironmentReader r;
      r.to_origin = {{-e.cell[0], -e.cell[1], -e.cell[2]}, slot / t.zmax};
      r.k = slot % t.zmax;
      r.entry = i - t.site_begin[slot];
      x.readers[next[e.basis]++] = r;
    }
  // Grouped by hop origin, then slot: a site's hops are read one after the
  // other (one cache line of the solver's per-hop array).
  for (int b = 0; b < t.nbasis; ++b)
    std::sort(x.readers.begin() + x.reader_begin[b], x.readers.begin() + x.reader_begin[b + 1],
              [](const EnvironmentReader& p, const EnvironmentReader& q) {
                const auto& a = p.to_origin;
                const auto& c = q.to_origin;
                return std::tie(a.cell[2], a.cell[1], a.cell[0], a.basis, p.k) <
                       std::tie(c.cell[2], c.cell[1], c.cell[0], c.basis, q.k);
              });
  return x;
}

}  // namespace coatkmc
