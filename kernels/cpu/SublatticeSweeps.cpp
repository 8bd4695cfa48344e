#include "kernels/cpu/SublatticeSweeps.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/CounterRng.hpp"
#include "kernels/SublatticeThinning.hpp"

namespace coatkmc::cpu {

namespace {

constexpr int64_t kSitesPerThread = 16384;

// An eligible ion of the class being run: its site and index.
struct Candidate {
  SiteCoord s;
  int32_t i;
};

// The members of every site class of a tile of one shape (its widths along
// the three axes), listed once per shape and thread: a member's site index
// from the tile's first cell and its cell from the tile's origin. Walking a
// class is then one pass over a flat list, whatever the class rule: the
// linear rule's rows hold 2 or 3 members, and a per-row start and index cost
// more than the members' own scan.
struct TileMembers {
  int32_t width[3] = {-1, -1, -1};
  std::vector<int32_t> begin;    // per site class, its first member; site_classes + 1 entries
  std::vector<int32_t> offset;   // site index from the tile's first cell (basis site included)
  std::vector<uint32_t> local;   // cell from the tile's origin: l0 | l1 << 10 | l2 << 20
  std::vector<int32_t> basis;    // per site class
};

const TileMembers& tile_members(std::vector<TileMembers>& cache, const LatticeView& lat,
                                const SublatticeTiling& tiling, const int32_t tile[3]) {
  int32_t start[3], width[3];
  for (int a = 0; a < 3; ++a) {
    start[a] = tiling.axis[a].tiles >= 2 ? tiling.axis[a].tile_start(tile[a]) : 0;
    width[a] = tiling.axis[a].tiles >= 2 ? tiling.axis[a].tile_start(tile[a] + 1) - start[a]
                                         : tiling.axis[a].n;
  }
  for (const TileMembers& m : cache)
    if (m.width[0] == width[0] && m.width[1] == width[1] && m.width[2] == width[2]) return m;
  TileMembers m;
  for (int a = 0; a < 3; ++a) m.width[a] = width[a];
  const int32_t row = lat.n[0] * lat.nbasis, plane = row * lat.n[1];
  m.begin.push_back(0);
  for (int32_t sigma = 0; sigma < tiling.site_classes; ++sigma) {
    ClassRows r;
    tiling.class_rows(tile, sigma, r);
    m.basis.push_back(r.b);
    for (int32_t rz = 0; rz < r.count2; ++rz)
      for (int32_t ry = 0; ry < r.count1; ++ry)
        for (int32_t e = tiling.row_start(r.phase, ry, rz); e < r.span0; e += r.step[0]) {
          const int32_t l0 = r.first[0] + e - start[0], l1 = r.first[1] + ry * r.step[1] - start[1],
                        l2 = r.first[2] + rz * r.step[2] - start[2];
          m.offset.push_back(l2 * plane + l1 * row + l0 * lat.nbasis + r.b);
          m.local.push_back(static_cast<uint32_t>(l0) | static_cast<uint32_t>(l1) << 10 |
                            static_cast<uint32_t>(l2) << 20);
        }
    m.begin.push_back(static_cast<int32_t>(m.offset.size()));
  }
  cache.push_back(std::move(m));
  return cache.back();
}

// Every site class of one tile, in the sweep's order. Members of a class do
// not interact, so a class runs in passes: collect the sites whose ion still
// attempts (no branch on the random occupancy), decide their attempts, then
// move the records of the accepted hops (prefetched meanwhile).
uint64_t run_tile(const LatticeView& lat, const SublatticeTiling& tiling,
                  const SublatticeTables& tab, const SublatticeArrays& arr,
                  const SublatticeRngKey& key, uint64_t sweep, const uint16_t* order,
                  const int32_t tile[3], std::vector<TileMembers>& shapes,
                  std::vector<Candidate>& found, std::vector<SublatticeAttempt::Move>& moves,
                  uint64_t* slots) {
  uint64_t hops = 0;
  const TileMembers& tm = tile_members(shapes, lat, tiling, tile);
  int32_t start[3];
  for (int a = 0; a < 3; ++a)
    start[a] = tiling.axis[a].tiles >= 2 ? tiling.axis[a].tile_start(tile[a]) : 0;
  const int32_t base = ((start[2] * lat.n[1] + start[1]) * lat.n[0] + start[0]) * lat.nbasis;
  for (int32_t q = 0; q < tiling.site_classes; ++q) {
    const int32_t sigma = order[q], first = tm.begin[sigma], last = tm.begin[sigma + 1];
    if (found.size() < static_cast<size_t>(last - first)) found.resize(last - first);
    int32_t n = 0;
    Candidate cand;
    cand.s.b = tm.basis[sigma];
    for (int32_t k = first; k < last; ++k) {
      const uint32_t l = tm.local[k];
      cand.i = base + tm.offset[k];
      cand.s.c[0] = start[0] + static_cast<int32_t>(l & 1023u);
      cand.s.c[1] = start[1] + static_cast<int32_t>((l >> 10) & 1023u);
      cand.s.c[2] = start[2] + static_cast<int32_t>(l >> 20);
      found[n] = cand;
      n += SublatticeAttempt::eligible(arr.site[cand.i], sweep, tab.rule);
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

// One row (c1, c2) of class (phase j, basis site b) under the lattice-wide
// rule: its members row_first(j, c1, c2) + M m < n0, decided in order, then
// their records moved (as run_tile does). Thinned visits are screened first:
// a word 0 at or above the basis site's screen (the largest ceiling over the
// species) cannot hop, and decide() would return without a write, so it is
// not called; the screen words of up to four members come from one Philox
// block (SublatticeThinning::words' lattice layout), kept while it serves.
uint64_t run_row(const LatticeView& lat, const SublatticeLatticeRule& rule,
                 const SublatticeTables& tab, const SublatticeArrays& arr,
                 const SublatticeRngKey& key, uint64_t sweep, int32_t j, int32_t b, int32_t c1,
                 int32_t c2, SublatticeAttempt::Move* moves, uint64_t* slots) {
  SiteCoord s;
  s.b = b;
  s.c[1] = c1;
  s.c[2] = c2;
  const int32_t base = (c2 * lat.n[1] + c1) * lat.n[0] * lat.nbasis + b;
  const uint32_t g = key.word_group;
  const bool screened = g != 0 && SublatticeThinning::applies(lat, tab);
  const uint32_t screen = screened ? SublatticeThinning::tables(lat, tab).screen[b] : 0;
  uint32_t held = UINT32_MAX;  // the screen block held in `words`
  CounterRng::Philox::ctr_type words{};
  int32_t accepted = 0;
  for (int32_t c0 = rule.row_first(j, c1, c2); c0 < lat.n[0]; c0 += rule.modulus) {
    const int32_t i = base + c0 * lat.nbasis;
    if (!SublatticeAttempt::eligible(arr.site[i], sweep, tab.rule)) continue;
    if (screened) {
      const uint32_t u = static_cast<uint32_t>(i), block = SublatticeThinning::screen_block(u, g);
      if (block != held) {
        words = CounterRng::words(key.seed, kStreamSublattice, key.replica,
                                  (sweep << 4) | SublatticeThinning::kScreenBlock, block);
        held = block;
      }
      if (!(SublatticeThinning::screen_word(words, u, g) < screen)) continue;
    }
    s.c[0] = c0;
    SublatticeAttempt::Move& m = moves[accepted];
    if (SublatticeAttempt::decide(lat, tab, arr, key, sweep, s, i, m) == kAttemptAccepted) {
      __builtin_prefetch(&arr.record[m.from]);
      __builtin_prefetch(&arr.record[m.to], 1);
      ++accepted;
    }
  }
  uint64_t hops = 0;
  for (int32_t e = 0; e < accepted; ++e) {
    SublatticeAttempt::move_record(arr, moves[e]);
    slots[moves[e].slot] += moves[e].ions;
    hops += moves[e].ions;
  }
  return hops;
}

// The batch both class rules share: sweeps while fewer hops than the budget
// were accepted (every thread reads the same total: it was last written
// before the sweep's closing barrier), each sweep's `steps` steps in order
// with the full or, last, the partial tables, per-thread slot counters added
// up at the end. step(n, i, sweep, tables, state, slots) runs step i of
// sweep n with an `omp for` over its work (an orphaned worksharing loop of
// this parallel region) and returns the hops this thread accepted; `state`
// is the thread's scratch, made by make_state().
template <class MakeState, class Step>
SublatticeBatchResult run_batch(int use, int nslots, int32_t steps, const SublatticeTables& full,
                                const SublatticeTables& partial, const SublatticeBatch& batch,
                                uint64_t* hops_by_slot, const MakeState& make_state,
                                const Step& step) {
  SublatticeBatchResult result;
  uint64_t total = 0;
  int32_t done = 0;
#pragma omp parallel num_threads(use)
  {
    std::vector<uint64_t> slots(nslots, 0);
    auto state = make_state();
    for (int32_t n = 0; n < batch.sweeps; ++n) {
      if (total >= batch.hop_budget) break;
      const uint64_t sweep = batch.first_sweep + n;
      const SublatticeTables& tab = (batch.last_partial && n == batch.sweeps - 1) ? partial : full;
      uint64_t this_sweep = 0;
      for (int32_t i = 0; i < steps; ++i) this_sweep += step(n, i, sweep, tab, state, slots.data());
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

// Threads for a batch whose steps spread `units` (tiles of a parity, class
// rows) over them: a thread needs units and enough sites to outweigh its
// barriers (eight or so per sweep); on a busy machine a barrier can cost a
// scheduler slice.
int batch_threads(const LatticeView& lat, int threads, int64_t units) {
  const int64_t sites = int64_t(lat.n[0]) * lat.n[1] * lat.n[2] * lat.nbasis;
  return static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>({threads, units, sites / kSitesPerThread})));
}

// A thread's scratch under the tiles' rule.
struct TileScratch {
  std::vector<Candidate> found;
  std::vector<SublatticeAttempt::Move> moves;
  std::vector<TileMembers> shapes;
};

}  // namespace

SublatticeBatchResult run_sublattice_batch(const LatticeView& lat, const SublatticeTiling& tiling,
                                           const SublatticeTables& full,
                                           const SublatticeTables& partial,
                                           const SublatticeArrays& arr, const SublatticeRngKey& key,
                                           const SublatticeBatch& batch, int threads,
                                           uint64_t* hops_by_slot) {
  const int32_t P = tiling.parity_classes, S = tiling.site_classes;
  const int use = batch_threads(lat, threads, tiling.tiles_per_parity);
  // A step is a parity class: its tiles spread over the threads.
  return run_batch(
      use, lat.nbasis * lat.zmax, P, full, partial, batch, hops_by_slot,
      [] { return TileScratch{}; },
      [&](int32_t n, int32_t pi, uint64_t sweep, const SublatticeTables& tab, TileScratch& t,
          uint64_t* slots) {
        const int32_t p = batch.parity_order[static_cast<int64_t>(n) * P + pi];
        const uint16_t* order = batch.site_order + (static_cast<int64_t>(n) * P + p) * S;
        uint64_t hops = 0;
#pragma omp for schedule(static)
        for (int32_t u = 0; u < tiling.tiles_per_parity; ++u) {
          int32_t tile[3];
          tiling.tile_of(p, u, tile);
          hops += run_tile(lat, tiling, tab, arr, key, sweep, order, tile, t.shapes, t.found,
                           t.moves, slots);
        }
        return hops;
      });
}

SublatticeBatchResult run_lattice_batch(const LatticeView& lat, const SublatticeLatticeRule& rule,
                                        const SublatticeTables& full,
                                        const SublatticeTables& partial,
                                        const SublatticeArrays& arr, const SublatticeRngKey& key,
                                        const SublatticeBatch& batch, int threads,
                                        uint64_t* hops_by_slot) {
  const int32_t C = rule.classes(), rows = lat.n[1] * lat.n[2];
  const int use = batch_threads(lat, threads, rows);
  const size_t row_members = static_cast<size_t>((lat.n[0] + rule.modulus - 1) / rule.modulus);
  // A step is a class: its rows spread over the threads.
  return run_batch(
      use, lat.nbasis * lat.zmax, C, full, partial, batch, hops_by_slot,
      [row_members] { return std::vector<SublatticeAttempt::Move>(row_members); },
      [&](int32_t n, int32_t ci, uint64_t sweep, const SublatticeTables& tab,
          std::vector<SublatticeAttempt::Move>& moves, uint64_t* slots) {
        const int32_t q = batch.parity_order[static_cast<int64_t>(n) * C + ci];
        const int32_t j = rule.phase_of(q), b = rule.basis_of(q);
        uint64_t hops = 0;
#pragma omp for schedule(static)
        for (int32_t r = 0; r < rows; ++r)
          hops += run_row(lat, rule, tab, arr, key, sweep, j, b, r % lat.n[1], r / lat.n[1],
                          moves.data(), slots);
        return hops;
      });
}

}  // namespace coatkmc::cpu
