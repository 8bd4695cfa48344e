#pragma once
// The device code of the sublattice solver, as phases (code one thread runs
// between two barriers), shared by the CUDA kernels (kernels/cuda) and the
// host replay (kernels/replay), and the launch plan both follow.
//
// Per sweep: one gate launch (1 thread: a sweep starts only while the batch
// is below its hop budget), then one launch per parity class in the sweep's
// order, one block per tile of the class. A block runs
//   phase 0            clear its per-slot counters; precompute, in shared
//                      memory, per site class its first member's index and
//                      coordinates, its row counts and the multipliers that
//                      divide by them (below), the slots' index offsets, and
//                      (thinned visits) the tile's screen (SublatticeScreen)
//   then for each site class order[q] of its tile, in R rounds of at most
//   `rows` rows (members along axis 0 with the same g1, g2), so that a
//   round lists at most `capacity` members (F = capacity / block, at most
//   kSublatticeListBlocks):
//     scan             each lane looks at up to 8 consecutive rows of the
//                      class (rows numbered densely: one index computation
//                      per row, not per member): the members whose ion
//                      attempts now (eligible()) get places in a shared list
//                      (claim_places: one warp-wide prefix sum and one atomic
//                      per warp on the GPU)
//     first attempt    F passes; in pass p lane t visits listed site p block
//                      + t: block 0 of the site's words, K, and attempt 0
//                      (kernels/SublatticeAttempt.hpp). A site whose K > 1
//                      and whose attempt 0 did not hop claims a place in a
//                      second list, with K and word 3 of its block 0
//     later attempts   F passes over the second list: attempts 1..K-1 of
//                      its sites (the same loop as the CPU's)
//                      Thinned visits: the scan lists only sites whose
//                      screen bit is set; decide_thinned's F passes are the
//                      only visit phases (the second list stays empty)
//   last phase         add the block's counters to the global hop total and
//                      per-slot counts
// with a barrier between phases (each pass is a phase: a loop over entries
// inside one phase kept its counters live across the visit, over the 72
// registers; the CUDA loop skips a pass without entries); accepted hops
// count into shared per-slot counters. Why two visit phases: a warp runs a
// loop as often as its busiest lane, E[max K] = 3.5 attempts over 32
// Poisson(1) lanes where one site needs 1; attempt 0 is one straight pass
// for every listed site, and only about a quarter of the sites (K > 1, no
// hop at attempt 0) run the loop, packed into as few warps as they fill. A
// visit's attempts are independent draws evaluated against a neighbourhood
// that only the visit itself changes, so splitting it after attempt 0
// changes nothing: the same words, attempts and writes in the same order as
// SublatticeAttempt::decide().
//
// Rows (kernels/SublatticeTiling.hpp, ClassRows): row r of a class has g1 =
// r % count1, g2 = r / count1 (a multiply-high by ceil(2^32 / count1), exact
// while r * count1 < 2^32, which the plan checks), its members g0 = 0, 1, ...
// at axis-0 cells first0 + row_start(g1, g2) + g0 step0 below span0 (at most
// 32, the plan checks). The scan lists a member as one word, g0 | g1 << 5 |
// g2 << 15 | (its site byte >> 1) << 25 (the byte's occupied bit is set for
// every listed site, and no other member of the class writes that byte
// before the visit ends, so the visit phases need not load it again); the
// site's index is the class's first index plus row_start nbasis + sum_a g_a
// step_a stride_a.
//
// Members of one site class never touch each other's sites
// (kernels/SublatticeTiling.hpp), and tiles of a parity class are a tile
// apart, so any order of lanes within a phase, of places in the lists, and
// of blocks within a launch, gives the same result: the replay checks
// exactly that by shuffling both lanes and blocks.
#include <cstdint>
#include <type_traits>

#include "kernels/KernelSupport.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeLayout.hpp"
#include "kernels/SublatticeScreen.hpp"
#include "kernels/SublatticeTiling.hpp"

namespace coatkmc {

// Kernel parameters of one parity-class launch (passed by value).
struct SublatticeLaunch {
  LatticeView lat;
  SublatticeTiling tiling;
  SublatticeTables tab;
  SublatticeArrays arr;
  SublatticeRngKey key;
  uint64_t sweep;
  int32_t parity;
  int32_t pad_;
  const uint16_t* order;           // the parity class's site-class order (S entries)
  const int32_t* control;          // [0] active, [1] sweeps done (the gate's)
  unsigned long long* hops;        // the batch's accepted hops
  unsigned long long* slots;       // accepted hops per (basis site, slot)
};

static_assert(std::is_trivially_copyable<SublatticeLaunch>::value,
              "SublatticeLaunch is a kernel parameter: plain data only");
static_assert(sizeof(HopStep) == 6 && alignof(HopStep) == 2, "HopStep layout is shared with the device");
static_assert(sizeof(IonRecord) == 16 && alignof(IonRecord) == 4,
              "IonRecord layout is shared with the device");
static_assert(sizeof(SiteCoord) == 16, "SiteCoord layout");
static_assert(sizeof(SublatticeTiling) == 3 * 16 + 4 + 4 + 64 * 4 + 12 + 24,
              "SublatticeTiling is a kernel parameter: keep its layout fixed");
static_assert(sizeof(SublatticeLaunch) <= 4096, "kernel parameters stay under 4 KiB");

struct SublatticeKernel {
  // Threads per block for a tiling: enough for a round to cover the member
  // grid, in whole warps, at most kSublatticeMaxBlock.
  KMC_HD static int32_t block_threads(const SublatticeTiling& tiling) {
    const int32_t members = SublatticeMemberGrid(tiling).members;
    const int32_t warps = (members + 31) / 32;
    return warps * 32 < kSublatticeMaxBlock ? (warps < 1 ? 32 : warps * 32) : kSublatticeMaxBlock;
  }
  // Entries per list: the member grid in whole blocks, at most
  // kSublatticeListBlocks blocks (a lane loops over its entries).
  KMC_HD static int32_t list_capacity(const SublatticeTiling& tiling, int32_t block) {
    const int32_t members = SublatticeMemberGrid(tiling).members;
    const int32_t blocks = (members + block - 1) / block;
    return block * (blocks < 1 ? 1 : (blocks > kSublatticeListBlocks ? kSublatticeListBlocks
                                                                     : blocks));
  }
  // Rows (members along axis 0 with the same g1, g2) a round scans: as many
  // as keep its list within the list's capacity.
  KMC_HD static int32_t rows_per_round(const SublatticeTiling& tiling, int32_t block) {
    const int32_t rows = list_capacity(tiling, block) / SublatticeMemberGrid(tiling).widest[0];
    return rows > 0 ? rows : 1;
  }
  KMC_HD static int32_t rounds(const SublatticeTiling& tiling, int32_t block) {
    const SublatticeMemberGrid grid(tiling);
    const int32_t per = rows_per_round(tiling, block);
    return (grid.widest[1] * grid.widest[2] + per - 1) / per;
  }
  // Phases of a launch with `block` threads (the CUDA wrapper loops over them).
  KMC_HD static int32_t phase_count(const SublatticeTiling& tiling, int32_t block) {
    return 2 + (1 + 2 * list_capacity(tiling, block) / block) * tiling.site_classes *
                   rounds(tiling, block);
  }

  // The gate, one thread per sweep: stops the batch once it reached its budget.
  KMC_HD static void gate(int32_t* control, const unsigned long long* hops,
                          unsigned long long budget) {
    if (control[0] && hops[0] >= budget) control[0] = 0;
    if (control[0]) ++control[1];
  }

  KMC_HD static bool active(const SublatticeLaunch& L) { return L.control[0] != 0; }

  // floor(e / d) as a multiply-high by magic = ceil(2^32 / d) (0 for d = 1):
  // exact while e * d < 2^32 (plan_sublattice_launch checks it).
  KMC_HD static unsigned int divide(unsigned int e, unsigned int magic) {
    return magic ? static_cast<unsigned int>((static_cast<uint64_t>(e) * magic) >> 32) : e;
  }

  // Phase `phase` of lane `lane`; `shared` is the block's SublatticeSharedLayout.
  // The replay calls this for every phase; the CUDA kernel runs the same
  // bodies in loops (prepare, then per step its class phases, then flush),
  // reading a step's word once for its phases and skipping the passes that
  // have no entries (pass_runs: they would do nothing).
  KMC_HD static void phase(const SublatticeLaunch& L, const Lane& lane, int32_t phase,
                           unsigned int* shared) {
    if (phase == 0) {
      prepare(L, lane, shared);
      return;
    }
    const int32_t x = phase - 1, kinds = kinds_per_step(L, shared);
    const int32_t step = x / kinds;  // (site class, round)
    if (step >= steps(L, lane, shared)) {
      flush(L, lane, shared);
      return;
    }
    class_phase(L, lane, step_word(L, lane, step, shared), x - kinds * step, shared);
  }

  // Phases per step: the scan, then F passes of first attempts and F of
  // later attempts (F = list capacity / block: pass p takes entries p block
  // .. p block + block - 1, one per lane), once phase 0 has run.
  KMC_HD static int32_t kinds_per_step(const SublatticeLaunch& L, const unsigned int* shared) {
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    return 1 + 2 * static_cast<int32_t>(shared[nslots + SublatticeSharedLayout::kPasses]);
  }
  // Whether phase `kind` of step `step` (its word) has anything to do
  // (uniform over the block: its list lengths were written before the last
  // barrier). The scan always runs. The attempt loop's pass 0 of each list
  // always runs (the first pass of later attempts clears the list length);
  // thinned visits' passes run when their list reaches them (each scan
  // clears the next step's length, count_word), and the passes of the second
  // list never do.
  KMC_HD static bool pass_runs(const SublatticeLaunch& L, const Lane& lane, unsigned int step,
                               int32_t kind, const unsigned int* shared) {
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    const int32_t passes = static_cast<int32_t>(shared[nslots + SublatticeSharedLayout::kPasses]);
    const bool thinned = SublatticeThinning::applies(L.lat, L.tab);
    if (kind == 0 || (!thinned && (kind == 1 || kind == passes + 1))) return true;
    const bool first = kind <= passes;
    const int32_t pass = first ? kind - 1 : kind - passes - 1;
    return static_cast<unsigned int>(pass * lane.block_threads) <
           shared[nslots + (first ? count_word(L, step) : SublatticeSharedLayout::kRestCount)];
  }
  // The header word of the scan's list length in step `step` (its word):
  // with thinned visits steps alternate between two, so that each scan
  // clears the next one's and no visit pass has to run for it.
  KMC_HD static int32_t count_word(const SublatticeLaunch& L, unsigned int step) {
    return (SublatticeThinning::applies(L.lat, L.tab) && (step >> 31))
               ? SublatticeSharedLayout::kCountOdd
               : SublatticeSharedLayout::kCount;
  }

  // Steps of a launch (site classes times rounds), once phase 0 has run.
  KMC_HD static int32_t steps(const SublatticeLaunch& L, const Lane& /*lane*/,
                              const unsigned int* shared) {
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    return L.tiling.site_classes *
           static_cast<int32_t>(shared[nslots + SublatticeSharedLayout::kRounds]);
  }
  // The word of step `step` (SublatticeSharedLayout::steps), once phase 0 has run.
  KMC_HD static unsigned int step_word(const SublatticeLaunch& L, const Lane& /*lane*/,
                                       int32_t step, const unsigned int* shared) {
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    return shared[nslots + SublatticeSharedLayout::kHeaderWords +
                  SublatticeSharedLayout::kClassWords * L.tiling.site_classes + step];
  }

  // Phase `kind` of a step: 0 the scan, 1 .. F the passes of first attempts,
  // F + 1 .. 2F those of later attempts (kinds_per_step).
  KMC_HD static void class_phase(const SublatticeLaunch& L, const Lane& lane,
                                 unsigned int step, int32_t kind, unsigned int* shared) {
    if (SublatticeThinning::applies(L.lat, L.tab))
      class_phase_as<true>(L, lane, step, kind, shared);
    else
      class_phase_as<false>(L, lane, step, kind, shared);
  }
  // The same for visits known to be thinned or not: the CUDA kernel runs a
  // launch's steps in one of two loops, so that the attempt loop's phases and
  // the thinned ones do not share the register allocation of one loop.
  template <bool kThinned>
  KMC_HD static void class_phase_as(const SublatticeLaunch& L, const Lane& lane,
                                    unsigned int step, int32_t kind, unsigned int* shared) {
    const unsigned int* cls = shared + (step & 0xffffu);
    const int32_t round = static_cast<int32_t>((step >> 16) & 0x7fffu);
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    unsigned int* header = shared + nslots;
    const int32_t list = nslots + SublatticeSharedLayout::kHeaderWords +
                         SublatticeSharedLayout::kClassWords * L.tiling.site_classes +
                         L.tiling.site_classes * static_cast<int32_t>(
                                                     header[SublatticeSharedLayout::kRounds]);
    const int32_t passes = static_cast<int32_t>(header[SublatticeSharedLayout::kPasses]);
    const int32_t capacity = passes * lane.block_threads;
    const int32_t rest = list + capacity, rest_word = rest + capacity;
    const bool thinned = kThinned;
    if (kind == 0) {
      // The second list starts empty (the first attempts follow a barrier);
      // with thinned visits so does the next step's list (the passes of the
      // step before, which read it last, are behind a barrier).
      if (lane.thread == 0) {
        header[SublatticeSharedLayout::kRestCount] = 0;
        if (thinned) header[count_word(L, step ^ 0x80000000u)] = 0;
      }
      scan(L, lane, round, cls, header, header + count_word(L, step), shared + list,
           shared + list + 3 * capacity);
    } else if (kind <= passes) {
      const unsigned int t =
          static_cast<unsigned int>((kind - 1) * lane.block_threads + lane.thread);
      if (thinned)
        decide_thinned(L, t, cls, header, header + count_word(L, step), shared + list, shared,
                       reinterpret_cast<const int32_t*>(shared + list + 3 * capacity +
                                                        sublattice_screen_words(L.tiling)));
      else
        first_attempt(L, t, cls, header, shared + list, shared + rest, shared + rest_word, shared);
    } else if (!thinned) {  // thinned visits never fill the second list
      // The next round's list starts empty (its scan follows a barrier; the
      // later passes read only the second list).
      if (kind == passes + 1 && lane.thread == 0) header[SublatticeSharedLayout::kCount] = 0;
      const unsigned int t =
          static_cast<unsigned int>((kind - passes - 1) * lane.block_threads + lane.thread);
      later_attempts(L, t, cls, header, shared + list, shared + rest, shared + rest_word, shared);
    }
  }

  // Last phase: the block's per-slot counters into the launch's totals.
  KMC_HD static void flush(const SublatticeLaunch& L, const Lane& lane, unsigned int* shared) {
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    for (int32_t i = lane.thread; i < nslots; i += lane.block_threads) {
      const unsigned int n = shared[i];
      if (!n) continue;
      atomic_add(&L.slots[i], static_cast<unsigned long long>(n));
      atomic_add(L.hops, static_cast<unsigned long long>(n));
    }
  }

  // Phase 0: the block's counters, header and site-class table.
  KMC_HD static void prepare(const SublatticeLaunch& L, const Lane& lane, unsigned int* shared) {
    const int32_t S = L.tiling.site_classes;
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    const int32_t R = rounds(L.tiling, lane.block_threads);
    const SublatticeSharedLayout at(nslots, S, R, list_capacity(L.tiling, lane.block_threads),
                                    sublattice_screen_words(L.tiling));
    for (int32_t i = lane.thread; i < nslots; i += lane.block_threads) shared[i] = 0;
    // The steps in the launch's order: class order[q] of its tile, rounds
    // 0..R-1; bit 31 the step's parity (count_word).
    for (int32_t step = lane.thread; step < S * R; step += lane.block_threads) {
      const int32_t q = step / R;
      shared[at.steps + step] =
          static_cast<unsigned int>(at.classes + SublatticeSharedLayout::kClassWords * L.order[q]) |
          (static_cast<unsigned int>(step - q * R) << 16) |
          (static_cast<unsigned int>(step & 1) << 31);
    }
    // The tile: its first cell and width along each axis (an axis of one
    // tile: the whole axis).
    int32_t tile[3], start[3], width[3];
    L.tiling.tile_of(L.parity, lane.block, tile);
    for (int a = 0; a < 3; ++a) {
      const AxisTiling& ax = L.tiling.axis[a];
      start[a] = ax.tiles >= 2 ? ax.tile_start(tile[a]) : 0;
      width[a] = ax.tiles >= 2 ? ax.tile_start(tile[a] + 1) - start[a] : ax.n;
    }
    if (SublatticeThinning::applies(L.lat, L.tab))
      SublatticeScreen::tile(L.lat, L.tab, L.key, L.sweep, lane, start, width, shared + at.screen);
    for (int32_t i = lane.thread; i < nslots; i += lane.block_threads)
      shared[at.offsets + i] = static_cast<unsigned int>(
          SublatticeThinning::step_offset(L.lat, i / L.lat.zmax, L.lat.steps[i]));
    if (lane.thread == 0) {
      unsigned int* header = shared + at.header;
      header[SublatticeSharedLayout::kCount] = 0;
      header[SublatticeSharedLayout::kCountOdd] = 0;
      header[SublatticeSharedLayout::kRestCount] = 0;
      header[SublatticeSharedLayout::kRounds] = static_cast<unsigned int>(R);
      header[SublatticeSharedLayout::kRows] =
          static_cast<unsigned int>(rows_per_round(L.tiling, lane.block_threads)) |
          (static_cast<unsigned int>(row_shift(L.tiling)) << 24);
      header[SublatticeSharedLayout::kPasses] =
          static_cast<unsigned int>(list_capacity(L.tiling, lane.block_threads) /
                                    lane.block_threads);
      const int32_t stride[3] = {L.lat.nbasis, L.lat.nbasis * L.lat.n[0],
                                 L.lat.nbasis * L.lat.n[0] * L.lat.n[1]};
      for (int a = 0; a < 3; ++a)
        header[SublatticeSharedLayout::kStep + a] =
            static_cast<unsigned int>(L.tiling.member_step(a) * stride[a]);
      const int32_t local[3] = {L.lat.nbasis, L.lat.nbasis * width[0],
                                L.lat.nbasis * width[0] * width[1]};
      for (int a = 0; a < 3; ++a)
        header[SublatticeSharedLayout::kLocal + a] =
            static_cast<unsigned int>(L.tiling.member_step(a) * local[a]);
      // Whether every hop from the tile stays inside the lattice: the tile is
      // at least the hops' reach away from both ends along every axis.
      int32_t reach[3] = {0, 0, 0};
      for (int32_t i = 0; i < nslots; ++i) {
        const HopStep& h = L.lat.steps[i];
        if (h.to_basis < 0) continue;
        for (int a = 0; a < 3; ++a)
          reach[a] = h.dcell[a] > reach[a] ? h.dcell[a]
                                           : (-h.dcell[a] > reach[a] ? -h.dcell[a] : reach[a]);
      }
      bool inside = true;
      for (int a = 0; a < 3; ++a)
        inside = inside && L.tiling.axis[a].tiles >= 2 && start[a] >= reach[a] &&
                 start[a] + width[a] + reach[a] <= L.lat.n[a];
      header[SublatticeSharedLayout::kInside] = inside ? 1u : 0u;
    }
    for (int32_t sigma = lane.thread; sigma < S; sigma += lane.block_threads) {
      ClassRows r;
      L.tiling.class_rows(tile, sigma, r);
      SiteCoord s;
      s.c[0] = r.first[0];
      s.c[1] = r.first[1];
      s.c[2] = r.first[2];
      s.b = r.b;
      unsigned int* cls = shared + at.classes + SublatticeSharedLayout::kClassWords * sigma;
      cls[SublatticeSharedLayout::kFirst] = static_cast<unsigned int>(L.lat.index(s));
      cls[SublatticeSharedLayout::kFirst01] =
          static_cast<unsigned int>(r.first[0] | (r.first[1] << 16));
      cls[SublatticeSharedLayout::kFirst2B] = static_cast<unsigned int>(r.first[2] | (r.b << 16));
      cls[SublatticeSharedLayout::kRowCount] = static_cast<unsigned int>(r.count1 * r.count2);
      cls[SublatticeSharedLayout::kCounts] = static_cast<unsigned int>(r.span0 | (r.count1 << 16));
      // ceil(2^32 / d) = floor((2^32 - 1) / d) + 1, which wraps to 0 for d = 1.
      cls[SublatticeSharedLayout::kMagic1] =
          0xffffffffu / static_cast<unsigned int>(r.count1 > 0 ? r.count1 : 1) + 1u;
      cls[SublatticeSharedLayout::kPhase] = static_cast<unsigned int>(r.phase);
      cls[SublatticeSharedLayout::kLocalFirst] = static_cast<unsigned int>(
          (((r.first[2] - start[2]) * width[1] + (r.first[1] - start[1])) * width[0] +
           (r.first[0] - start[0])) * L.lat.nbasis + r.b);
    }
  }

  // A listed member: its site byte, index and coordinates (in `s`).
  KMC_HD static uint8_t listed_site(const SublatticeLaunch& L, const unsigned int* cls,
                                    const unsigned int* header, unsigned int entry, int32_t& i,
                                    SiteCoord& s) {
    const unsigned int g0 = entry & 31u, g1 = (entry >> 5) & 1023u, g2 = (entry >> 15) & 1023u;
    // The row's first member along axis 0 (0 under the box rule).
    const int32_t e0 = L.tiling.row_start(
        static_cast<int32_t>(cls[SublatticeSharedLayout::kPhase]), static_cast<int32_t>(g1),
        static_cast<int32_t>(g2));
    s.c[0] = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst01] & 0xffffu) + e0 +
             static_cast<int32_t>(g0) * L.tiling.member_step(0);
    s.c[1] = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst01] >> 16) +
             static_cast<int32_t>(g1) * L.tiling.member_step(1);
    s.c[2] = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst2B] & 0xffffu) +
             static_cast<int32_t>(g2) * L.tiling.member_step(2);
    s.b = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst2B] >> 16);
    i = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst] +
                             static_cast<unsigned int>(e0 * L.lat.nbasis) +
                             g0 * header[SublatticeSharedLayout::kStep] +
                             g1 * header[SublatticeSharedLayout::kStep + 1] +
                             g2 * header[SublatticeSharedLayout::kStep + 2]);
    return static_cast<uint8_t>(((entry >> 25) << 1) | kSiteOccupied);
  }

  // Bits of a scan lane's mask per row: enough for the longest row
  // (widest[0] members), at least 2, so that a lane scans 32 >> shift rows
  // (at most 8): one claim_places per lane for a few short rows.
  KMC_HD static int32_t row_shift(const SublatticeTiling& tiling) {
    const int32_t widest = SublatticeMemberGrid(tiling).widest[0];
    int32_t shift = 2;
    while ((1 << shift) < widest) ++shift;
    return shift;
  }

  // Row r of a class (r = g1 + g2 count1): the index of its first member,
  // its g1 | g2 << 10 word (<< 5: an entry's), and e0, the axis-0 cell of its
  // first member from the class's first0 (its members: e0, e0 + step, ...
  // below span0).
  KMC_HD static unsigned int row_index(const SublatticeLaunch& L, const unsigned int* cls,
                                       const unsigned int* header, unsigned int r,
                                       unsigned int& g12, unsigned int& e0) {
    const unsigned int g2 = divide(r, cls[SublatticeSharedLayout::kMagic1]);
    const unsigned int g1 = r - g2 * (cls[SublatticeSharedLayout::kCounts] >> 16);
    g12 = (g1 << 5) | (g2 << 15);
    e0 = static_cast<unsigned int>(
        L.tiling.row_start(static_cast<int32_t>(cls[SublatticeSharedLayout::kPhase]),
                           static_cast<int32_t>(g1), static_cast<int32_t>(g2)));
    return cls[SublatticeSharedLayout::kFirst] + e0 * static_cast<unsigned int>(L.lat.nbasis) +
           g1 * header[SublatticeSharedLayout::kStep + 1] +
           g2 * header[SublatticeSharedLayout::kStep + 2];
  }

  // Scan: each lane looks at 32 >> shift consecutive rows of the round (lane
  // u: rows u R .. u R + R - 1, lanes u = t, t + block, ...) and lists the
  // members whose ion attempts now (thinned visits: and whose screen bit is
  // set); member g0 of its h-th row is bit h << shift | g0 of its mask.
  // Every lane of the block calls claim_places once per pass.
  KMC_HD static void scan(const SublatticeLaunch& L, const Lane& lane, int32_t round,
                          const unsigned int* cls, const unsigned int* header,
                          unsigned int* count, unsigned int* list, const unsigned int* bits) {
    const unsigned int rows_word = header[SublatticeSharedLayout::kRows];
    const unsigned int per = rows_word & 0xffffffu, shift = rows_word >> 24;
    const unsigned int rows_per_lane = 32u >> shift, low = (1u << shift) - 1u;
    const unsigned int lanes = (per + rows_per_lane - 1u) >> (5u - shift);
    const unsigned int block = static_cast<unsigned int>(lane.block_threads);
    const unsigned int first_row = static_cast<unsigned int>(round) * per;
    const unsigned int row_count = cls[SublatticeSharedLayout::kRowCount];
    const unsigned int span0 = cls[SublatticeSharedLayout::kCounts] & 0xffffu;
    const unsigned int cells0 = static_cast<unsigned int>(L.tiling.member_step(0));
    const unsigned int step0 = header[SublatticeSharedLayout::kStep];
    const bool thinned = SublatticeThinning::applies(L.lat, L.tab);
    const unsigned int local0 = header[SublatticeSharedLayout::kLocal];
    // A warp runs a pass when its first lane has rows (uniform over the warp:
    // blocks are whole warps), so warps without rows skip claim_places.
    for (unsigned int u = static_cast<unsigned int>(lane.thread); (u & ~31u) < lanes;
         u += block) {
      unsigned int mask = 0;
      for (unsigned int h = 0; h < rows_per_lane; ++h) {
        const unsigned int rl = u * rows_per_lane + h, r = first_row + rl;
        if (u >= lanes || rl >= per || r >= row_count) break;
        unsigned int g12, e0;
        const uint8_t* row = L.arr.site + row_index(L, cls, header, r, g12, e0);
        // The row's first screen bit: the class's first plus e0 cells along
        // axis 0 and g1, g2 members along axes 1 and 2.
        unsigned int at = cls[SublatticeSharedLayout::kLocalFirst] +
                          e0 * static_cast<unsigned int>(L.lat.nbasis) +
                          ((g12 >> 5) & 1023u) * header[SublatticeSharedLayout::kLocal + 1] +
                          (g12 >> 15) * header[SublatticeSharedLayout::kLocal + 2];
        unsigned int g0 = 0;
        for (unsigned int e = e0; e < span0; e += cells0, ++g0, at += local0) {
          bool listed = SublatticeAttempt::eligible(row[g0 * step0], L.sweep, L.tab.rule);
          if (thinned) listed = listed && ((bits[at >> 5] >> (at & 31u)) & 1u);
          mask |= static_cast<unsigned int>(listed) << ((h << shift) | g0);
        }
      }
      int32_t place = claim_places(count, static_cast<unsigned int>(popcount(mask)));
      // The listed members' bytes (just read: cached) go into their entries.
      while (mask) {
        const unsigned int bit = static_cast<unsigned int>(lowest_bit(mask));
        mask &= mask - 1u;
        const unsigned int g0 = bit & low;
        unsigned int g12, e0;
        const unsigned int at =
            row_index(L, cls, header, first_row + u * rows_per_lane + (bit >> shift), g12, e0);
        list[place++] = g0 | g12 |
                        (static_cast<unsigned int>(L.arr.site[at + g0 * step0] >> 1) << 25);
      }
    }
  }

  // The first phase of the attempt loop (visits that are not thinned): lane
  // t < n visits the t-th listed site up to its attempt 0; a site with
  // attempts left joins the second list. Every lane of the block calls
  // claim_place once.
  KMC_HD static void first_attempt(const SublatticeLaunch& L, unsigned int t,
                                   const unsigned int* cls, unsigned int* header,
                                   const unsigned int* list, unsigned int* rest,
                                   unsigned int* rest_word, unsigned int* slots) {
    bool more = false;
    unsigned int entry = 0, word3 = 0;
    if (t < header[SublatticeSharedLayout::kCount]) {
      SiteCoord s;
      int32_t i;
      SublatticeAttempt::Ion ion =
          SublatticeAttempt::ion_of(listed_site(L, cls, header, list[t], i, s), L.sweep);
      prefetch_l1(L.arr.record + i);  // read if attempt 0 or a later one hops
      SiteWords words(L.key, L.sweep, i);
      const int32_t k_attempts = SublatticeAttempt::attempts_of(L.tab, words.next());
      // Attempt 0, as SublatticeAttempt::attempts() runs it (straight code: no loop here).
      bool hopped = false;
      if (k_attempts > 0) {
        const int32_t k = static_cast<int32_t>(CounterRng::below32(words.next(), L.lat.zmax));
        const uint32_t draw = words.next();
        SublatticeAttempt::Try tr;
        if (SublatticeAttempt::attempt(L.lat, L.tab, L.arr.site, s, i, ion, k, draw, tr)) {
          SublatticeAttempt::Move m;
          SublatticeAttempt::apply(L.arr, s, i, ion, k, L.lat.zmax, tr, m);
          SublatticeAttempt::move_record(L.arr, m);
          atomic_add(&slots[m.slot], static_cast<unsigned int>(m.ions));  // an exchange moves two ions
          hopped = true;
        }
      }
      if (!hopped && k_attempts > 1) {
        more = true;
        entry = t | (static_cast<unsigned int>(k_attempts) << 16);
        word3 = words.word3();
      } else if (!hopped) {
        SublatticeAttempt::finish(L.tab, L.arr, i, ion);
      }
    }
    const int32_t place = claim_place(header + SublatticeSharedLayout::kRestCount, more);
    if (more) {
      rest[place] = entry;
      rest_word[place] = word3;
    }
  }

  // The second phase of the attempt loop (visits that are not thinned): lane
  // t < n' runs attempts 1..K-1 of the t-th site of the second list.
  KMC_HD static void later_attempts(const SublatticeLaunch& L, unsigned int t,
                                    const unsigned int* cls, const unsigned int* header,
                                    const unsigned int* list, const unsigned int* rest,
                                    const unsigned int* rest_word, unsigned int* slots) {
    if (t >= header[SublatticeSharedLayout::kRestCount]) return;
    const unsigned int entry = rest[t];
    SiteCoord s;
    int32_t i;
    SublatticeAttempt::Ion ion = SublatticeAttempt::ion_of(
        listed_site(L, cls, header, list[entry & 0xffffu], i, s), L.sweep);
    SiteWords words(L.key, L.sweep, i, rest_word[t]);
    SublatticeAttempt::Move m;
    if (SublatticeAttempt::attempts(L.lat, L.tab, L.arr, s, i, ion, words, 1,
                                    static_cast<int32_t>(entry >> 16), kAttemptRejected,
                                    m) == kAttemptAccepted) {
      SublatticeAttempt::move_record(L.arr, m);
      atomic_add(&slots[m.slot], static_cast<unsigned int>(m.ions));
    } else {
      SublatticeAttempt::finish(L.tab, L.arr, i, ion);
    }
  }

  // A thinned visit: lane t < n decides the t-th listed site (occupied, its
  // screen bit set) from its words drawn again and moves its ion. Its own
  // ceiling is not tested: the mass never exceeds it (the CPU's outcome).
  KMC_HD static void decide_thinned(const SublatticeLaunch& L, unsigned int t,
                                    const unsigned int* cls, const unsigned int* header,
                                    const unsigned int* count, const unsigned int* list,
                                    unsigned int* slots, const int32_t* offsets) {
    if (t >= *count) return;
    SiteCoord s;
    int32_t i;
    const SublatticeAttempt::Ion ion =
        SublatticeAttempt::ion_of(listed_site(L, cls, header, list[t], i, s), L.sweep);
    prefetch_l1(L.arr.record + i);  // read if it hops, after the pass over its slots
    uint32_t word0, word1;
    // The tiles' words (the tiled kernel never runs under the lattice rule's key).
    SublatticeThinning::pair_words(L.key, L.sweep, i, word0, word1);
    // The targets by offsets when no hop from the tile wraps (most tiles), by
    // coordinates otherwise: the same mask.
    const unsigned int vacant =
        header[SublatticeSharedLayout::kInside]
            ? SublatticeThinning::vacancy_mask_inside(L.lat.zmax, L.arr.site, i,
                                                      offsets + s.b * L.lat.zmax)
            : SublatticeThinning::vacancy_mask(L.lat, L.arr.site, s);
    const int32_t k =
        SublatticeThinning::slot_of(L.lat, L.tab, SublatticeThinning::tables(L.lat, L.tab), s,
                                    ion, vacant, word0, word1);
    if (k < 0) return;
    SublatticeAttempt::Move m;
    SublatticeAttempt::apply(L.arr, s, i, ion, k, L.lat.zmax,
                             SublatticeThinning::move_to(L.lat, s, k), m);
    SublatticeAttempt::move_record(L.arr, m);
    atomic_add(&slots[m.slot], static_cast<unsigned int>(m.ions));
  }
};

}  // namespace coatkmc

// The launch plan (host only), which both drivers use.
#include "kernels/SublatticePlan.hpp"
