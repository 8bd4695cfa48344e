#include "kernels/cpu/SublatticeSweeps.hpp"

#include <omp.h>

#include <algorithm>
#include <vector>

namespace coatkmc::cpu {

namespace {

constexpr int64_t kSitesPerThread = 16384;

// An eligible ion of the class being run: its site and index.
struct Candidate {
  SiteCoord s;
  int32_t i;
};

// Every site class of one tile, in the sweep's order. Members of a class do
// not interact, so a class runs in passes: collect the sites whose ion still
// attempts (no branch on the random occupancy), decide their attempts, then
// move the records of the accepted hops (prefetched meanwhile).
uint64_t run_tile(const LatticeView& lat, const SublatticeTiling& tiling,
                  const SublatticeTables& tab, const SublatticeArrays& arr,
                  const SublatticeRngKey& key, uint64_t sweep, const uint16_t* order,
                  const int32_t tile[3], std::vector<Candidate>& found,
                  std::vector<SublatticeAttempt::Move>& moves, uint64_t* slots) {
  uint64_t hops = 0;
  const int32_t row = lat.n[0] * lat.nbasis, plane = row * lat.n[1];
  const int32_t cells_x = tiling.member_step(0), step_x = cells_x * lat.nbasis;
  const int32_t cells_y = tiling.member_step(1), cells_z = tiling.member_step(2);
  for (int32_t q = 0; q < tiling.site_classes; ++q) {
    ClassRows r;
    tiling.class_rows(tile, order[q], r);
    // At most ceil(span0 / step) members per row.
    const size_t need =
        static_cast<size_t>((r.span0 + cells_x - 1) / cells_x) * r.count1 * r.count2;
    if (found.size() < need) found.resize(need);
    int32_t n = 0;
    Candidate cand;
    cand.s.b = r.b;
    for (int32_t rz = 0; rz < r.count2; ++rz) {
      cand.s.c[2] = r.first[2] + rz * cells_z;
      for (int32_t ry = 0; ry < r.count1; ++ry) {
        cand.s.c[1] = r.first[1] + ry * cells_y;
        const int32_t e0 = tiling.row_start(r.phase, ry, rz);
        int32_t i = cand.s.c[2] * plane + cand.s.c[1] * row + (r.first[0] + e0) * lat.nbasis + r.b;
        for (int32_t e = e0; e < r.span0; e += cells_x, i += step_x) {
          cand.s.c[0] = r.first[0] + e;
          cand.i = i;
          found[n] = cand;
          n += SublatticeAttempt::eligible(arr.site[i], sweep, tab.rule);
        }
      }
    }
    if (moves.size() < static_cast<size_t>(n)) moves.resize(n);
    int32_t accepted = 0;
    for (int32_t e = 0; e < n; ++e) {
      SublatticeAttempt::Move& m = moves[accepted];
      if (SublatticeAttempt::decide(lat, tab, arr, key, sweep, found[e].s, found[e].i, m) ==
          kAttemptAccepted) {
        __builtin_prefetch(&arr.record[m.from]);
        __builtin_prefetch(&arr.record[m.to], 1);
        ++accepted;
      }
    }
    // The records are rarely in cache; their loads overlap now.
    for (int32_t e = 0; e < accepted; ++e) {
      SublatticeAttempt::move_record(arr, moves[e]);
      slots[moves[e].slot] += moves[e].ions;  // an exchange moves two ions the same length
      hops += moves[e].ions;
    }
  }
  return hops;
}

}  // namespace

SublatticeBatchResult run_sublattice_batch(const LatticeView& lat, const SublatticeTiling& tiling,
                                           const SublatticeTables& full,
                                           const SublatticeTables& partial,
                                           const SublatticeArrays& arr, const SublatticeRngKey& key,
                                           const SublatticeBatch& batch, int threads,
                                           uint64_t* hops_by_slot) {
  const int nslots = lat.nbasis * lat.zmax;
  const int32_t P = tiling.parity_classes, S = tiling.site_classes;
  SublatticeBatchResult result;
  uint64_t total = 0;
  int32_t done = 0;
  // A thread needs tiles and enough sites to outweigh its barriers (eight or
  // so per sweep); on a busy machine a barrier can cost a scheduler slice.
  const int64_t sites = int64_t(lat.n[0]) * lat.n[1] * lat.n[2] * lat.nbasis;
  const int use = static_cast<int>(std::max<int64_t>(
      1, std::min<int64_t>({threads, tiling.tiles_per_parity, sites / kSitesPerThread})));
#pragma omp parallel num_threads(use)
  {
    std::vector<uint64_t> slots(nslots, 0);
    std::vector<Candidate> found;
    std::vector<SublatticeAttempt::Move> moves;
    for (int32_t n = 0; n < batch.sweeps; ++n) {
      // Every thread reads the same total: it was last written before the barrier below.
      if (total >= batch.hop_budget) break;
      const uint64_t sweep = batch.first_sweep + n;
      const SublatticeTables& tab = (batch.last_partial && n == batch.sweeps - 1) ? partial : full;
      uint64_t this_sweep = 0;
      for (int32_t pi = 0; pi < P; ++pi) {
        const int32_t p = batch.parity_order[static_cast<int64_t>(n) * P + pi];
        const uint16_t* order = batch.site_order + (static_cast<int64_t>(n) * P + p) * S;
#pragma omp for schedule(static)
        for (int32_t u = 0; u < tiling.tiles_per_parity; ++u) {
          int32_t tile[3];
          tiling.tile_of(p, u, tile);
          this_sweep +=
              run_tile(lat, tiling, tab, arr, key, sweep, order, tile, found, moves, slots.data());
        }
      }
#pragma omp atomic
      total += this_sweep;
#pragma omp barrier
      if (omp_get_thread_num() == 0) done = n + 1;
    }
    for (int i = 0; i < nslots; ++i) {
      if (slots[i] == 0) continue;
#pragma omp atomic
      hops_by_slot[i] += slots[i];
    }
  }
  result.sweeps_done = done;
  result.hops = total;
  return result;
}

}  // namespace coatkmc::cpu
