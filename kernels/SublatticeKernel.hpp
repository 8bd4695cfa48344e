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
//                      coordinates, its member counts and the multipliers
//                      that divide by them (below)
//   then for each site class order[q] of its tile, in R rounds of at most
//   `rows` rows (members along axis 0 with the same g1, g2), so that a
//   round lists at most `block` members:
//     scan             each lane looks at the members of one row of the class
//                      (rows numbered densely: no lane on a row the class
//                      does not have, and one index computation per row, not
//                      per member): those whose ion attempts now (eligible())
//                      get places in a shared list (claim_places: one
//                      warp-wide prefix sum and one atomic per warp on the GPU)
//     first attempt    the first n lanes visit the n listed sites: block 0 of
//                      the site's words, K, and attempt 0
//                      (kernels/SublatticeAttempt.hpp). A site whose K > 1
//                      and whose attempt 0 did not hop claims a place in a
//                      second list, with K and word 3 of its block 0
//     later attempts   the first n' lanes run attempts 1..K-1 of the n'
//                      sites of the second list (the same loop as the CPU's)
//                      Thinned visits (kernels/SublatticeThinning.hpp) use the
//                      same two phases: screen (block 0, word 0 against the
//                      site's ceiling; the second list gets those below it)
//                      and decide_thinned (one pass over the slots, the hop)
//   last phase         add the block's counters to the global hop total and
//                      per-slot counts
// with a barrier between phases; accepted hops count into shared per-slot
// counters. Why two visit phases: a warp runs a loop as often as its busiest
// lane, E[max K] = 3.5 attempts over 32 Poisson(1) lanes where one site
// needs 1; attempt 0 is one straight pass for every listed site, and only
// about a quarter of the sites (K > 1, no hop at attempt 0) run the loop,
// packed into as few warps as they fill. A visit's attempts are independent
// draws evaluated against a neighbourhood that only the visit itself
// changes, so splitting it after attempt 0 changes nothing: the same words,
// attempts and writes in the same order as SublatticeAttempt::decide().
//
// Dense row numbers (no div/mod by a class-dependent count per member and
// no empty grid positions): the members of site class (c, b) of a tile are
// first + g * m along each axis, g_a < count_a; row r has g1 = r % count1,
// g2 = r / count1, the division done as a multiply-high by ceil(2^32 /
// count1) (exact while r * count1 < 2^32, which the plan checks), and its
// members g0 = 0 .. count0 - 1 (at most 32, the plan checks). The scan lists
// a member as one word, g0 | g1 << 5 | g2 << 15 | (its site byte >> 1) << 25
// (the byte's occupied bit is set for every listed site, and no other member
// of the class writes that byte before the visit ends, so the visit phases
// need not load it again); the site's index is the class's first index plus
// sum_a g_a m_a stride_a.
//
// Members of one site class never touch each other's sites
// (kernels/SublatticeTiling.hpp), and tiles of a parity class are a tile
// apart, so any order of lanes within a phase, of places in the lists, and
// of blocks within a launch, gives the same result: the replay checks
// exactly that by shuffling both lanes and blocks.
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <string>

#include "kernels/Failure.hpp"
#include "kernels/KernelSupport.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"
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
static_assert(sizeof(SublatticeTiling) == 3 * 16 + 4 + 4 + 64 * 4 + 12,
              "SublatticeTiling is a kernel parameter: keep its layout fixed");
static_assert(sizeof(SublatticeLaunch) <= 4096, "kernel parameters stay under 4 KiB");

// At most this many threads per block, and this many blocks resident per SM:
// the CUDA kernel's __launch_bounds__, so ptxas keeps it at <= 72 registers
// (65536 / (4 * 224) = 73), checked without spills by the gpu-resources test.
constexpr int32_t kSublatticeMaxBlock = 224;
constexpr int32_t kSublatticeMinBlocksPerSm = 4;
// Packed member positions hold 10 bits per axis; cell coordinates 16 bits.
constexpr int32_t kSublatticeMaxGrid = 1023;
constexpr int32_t kSublatticeMaxCells = 65535;

// The block's grid of member positions: the most members a site class of
// any tile has along each axis.
struct SublatticeMemberGrid {
  int32_t widest[3];
  int32_t members;  // widest[0] * widest[1] * widest[2]

  KMC_HD explicit SublatticeMemberGrid(const SublatticeTiling& tiling) {
    members = 1;
    for (int a = 0; a < 3; ++a) {
      const AxisTiling& ax = tiling.axis[a];
      int32_t most = 0;
      if (ax.tiles >= 2) {
        // Tiles are n / tiles wide, rounded down or up: the widest class of
        // the widest tile has ceil(width / m) members.
        const int32_t width = (ax.n + ax.tiles - 1) / ax.tiles;
        most = (width + ax.spacing - 1) / ax.spacing;
      } else {
        most = ax.n < ax.spacing ? 1 : ax.n / ax.spacing;
      }
      widest[a] = most;
      members *= most;
    }
  }
};

// Where a block keeps what its phases share (32-bit words of shared memory).
// The header sits at a fixed place so that later phases read the rounds and
// the index steps instead of recomputing them every phase.
struct SublatticeSharedLayout {
  int32_t slots;      // [0, slots): accepted hops per (basis site, slot)
  int32_t header;     // list lengths, rounds, index step per member along each axis
  int32_t classes;    // kClassWords per site class (kFirst... below)
  int32_t steps;      // per step (site class in the launch's order, round): its class's
                      // first word | round << 16
  int32_t list;       // per lane: a listed member (scan -> first attempt)
  int32_t rest;       // per lane: list place | K << 16 of a site with attempts left
  int32_t rest_word;  // per lane: word 3 of that site's block 0 (thinned: word 0)
  int32_t rest_word1; // per lane, thinned visits: word 1 of that site's block 0
  int32_t words;

  // Header words: the scan's list length, the second list's length, rounds,
  // m_a * stride_a (index step of one member along axis a), rows per round.
  static constexpr int32_t kCount = 0, kRestCount = 1, kRounds = 2, kStep = 3, kRows = 6,
                           kHeaderWords = 8;
  // Site-class words: first member's index; first[0] | first[1] << 16;
  // first[2] | b << 16; rows (count1 count2); count0 | count1 << 16;
  // ceil(2^32 / count1) (0 for a count of 1).
  static constexpr int32_t kFirst = 0, kFirst01 = 1, kFirst2B = 2, kRowCount = 3, kCounts = 4,
                           kMagic1 = 5, kClassWords = 8;

  KMC_HD SublatticeSharedLayout(int32_t nslots, int32_t site_classes, int32_t rounds,
                                int32_t block) {
    slots = 0;
    header = nslots;
    classes = header + kHeaderWords;
    steps = classes + kClassWords * site_classes;
    list = steps + site_classes * rounds;
    rest = list + block;
    rest_word = rest + block;
    rest_word1 = rest_word + block;
    words = rest_word1 + block;
  }
};

// Grid, block and shared memory of a parity-class launch: one host function
// that the CUDA driver and the replay both use.
struct SublatticeLaunchPlan {
  int32_t grid = 1;          // blocks: tiles per parity class
  int32_t block = 32;        // threads per block, whole warps
  int32_t shared_bytes = 0;  // SublatticeSharedLayout
  int32_t phases = 2;        // 1 + 3 * site classes * rounds + 1
  int32_t slots = 1;         // nbasis * zmax
  int32_t rounds = 1;        // scan/visit rounds per site class: ceil(rows / rows per round)
};

struct SublatticeKernel {
  // Threads per block for a tiling: enough for a round to cover the member
  // grid, in whole warps, at most kSublatticeMaxBlock.
  KMC_HD static int32_t block_threads(const SublatticeTiling& tiling) {
    const int32_t members = SublatticeMemberGrid(tiling).members;
    const int32_t warps = (members + 31) / 32;
    return warps * 32 < kSublatticeMaxBlock ? (warps < 1 ? 32 : warps * 32) : kSublatticeMaxBlock;
  }
  // Rows (members along axis 0 with the same g1, g2) a round scans: as many
  // as keep its list within `block` members.
  KMC_HD static int32_t rows_per_round(const SublatticeTiling& tiling, int32_t block) {
    const int32_t rows = block / SublatticeMemberGrid(tiling).widest[0];
    return rows > 0 ? rows : 1;
  }
  KMC_HD static int32_t rounds(const SublatticeTiling& tiling, int32_t block) {
    const SublatticeMemberGrid grid(tiling);
    const int32_t per = rows_per_round(tiling, block);
    return (grid.widest[1] * grid.widest[2] + per - 1) / per;
  }
  // Phases of a launch with `block` threads (the CUDA wrapper loops over them).
  KMC_HD static int32_t phase_count(const SublatticeTiling& tiling, int32_t block) {
    return 2 + 3 * tiling.site_classes * rounds(tiling, block);
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
  // bodies in loops (prepare, then per step its three class phases, then
  // flush), reading a step's word once for its three phases.
  KMC_HD static void phase(const SublatticeLaunch& L, const Lane& lane, int32_t phase,
                           unsigned int* shared) {
    if (phase == 0) {
      prepare(L, lane, shared);
      return;
    }
    const int32_t x = phase - 1;
    const int32_t step = x / 3;  // (site class, round)
    if (step >= steps(L, lane, shared)) {
      flush(L, lane, shared);
      return;
    }
    class_phase(L, lane, step_word(L, lane, step, shared), x - 3 * step, shared);
  }

  // Steps of a launch (site classes times rounds), once phase 0 has run.
  KMC_HD static int32_t steps(const SublatticeLaunch& L, const Lane& lane,
                              const unsigned int* shared) {
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    return L.tiling.site_classes *
           static_cast<int32_t>(shared[nslots + SublatticeSharedLayout::kRounds]);
  }
  // The word of step `step` (SublatticeSharedLayout::steps), once phase 0 has run.
  KMC_HD static unsigned int step_word(const SublatticeLaunch& L, const Lane& lane, int32_t step,
                                       const unsigned int* shared) {
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    return shared[nslots + SublatticeSharedLayout::kHeaderWords +
                  SublatticeSharedLayout::kClassWords * L.tiling.site_classes + step];
  }

  // Phase `kind` (0 scan, 1 first attempts, 2 later attempts) of a step.
  KMC_HD static void class_phase(const SublatticeLaunch& L, const Lane& lane,
                                 unsigned int step, int32_t kind, unsigned int* shared) {
    const unsigned int* cls = shared + (step & 0xffffu);
    const int32_t round = static_cast<int32_t>(step >> 16);
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    unsigned int* header = shared + nslots;
    const int32_t list = nslots + SublatticeSharedLayout::kHeaderWords +
                         SublatticeSharedLayout::kClassWords * L.tiling.site_classes +
                         L.tiling.site_classes * static_cast<int32_t>(
                                                     header[SublatticeSharedLayout::kRounds]);
    const int32_t rest = list + lane.block_threads, rest_word = rest + lane.block_threads;
    const int32_t rest_word1 = rest_word + lane.block_threads;
    if (kind == 0) {
      // The second list starts empty (the first attempts follow a barrier).
      if (lane.thread == 0) header[SublatticeSharedLayout::kRestCount] = 0;
      scan(L, lane, round, cls, header, shared + list);
    } else if (kind == 1) {
      visit_first(L, lane, cls, header, shared + list, shared + rest, shared + rest_word,
                  shared + rest_word1, shared);
    } else {
      // The next round's list starts empty (its scan follows a barrier).
      if (lane.thread == 0) header[SublatticeSharedLayout::kCount] = 0;
      visit_rest(L, lane, cls, header, shared + list, shared + rest, shared + rest_word,
                 shared + rest_word1, shared);
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
    const SublatticeSharedLayout at(nslots, S, R, lane.block_threads);
    for (int32_t i = lane.thread; i < nslots; i += lane.block_threads) shared[i] = 0;
    // The steps in the launch's order: class order[q] of its tile, rounds 0..R-1.
    for (int32_t step = lane.thread; step < S * R; step += lane.block_threads) {
      const int32_t q = step / R;
      shared[at.steps + step] = static_cast<unsigned int>(
          (at.classes + SublatticeSharedLayout::kClassWords * L.order[q]) | ((step - q * R) << 16));
    }
    if (lane.thread == 0) {
      unsigned int* header = shared + at.header;
      header[SublatticeSharedLayout::kCount] = 0;
      header[SublatticeSharedLayout::kRestCount] = 0;
      header[SublatticeSharedLayout::kRounds] = static_cast<unsigned int>(R);
      header[SublatticeSharedLayout::kRows] =
          static_cast<unsigned int>(rows_per_round(L.tiling, lane.block_threads));
      const int32_t stride[3] = {L.lat.nbasis, L.lat.nbasis * L.lat.n[0],
                                 L.lat.nbasis * L.lat.n[0] * L.lat.n[1]};
      for (int a = 0; a < 3; ++a)
        header[SublatticeSharedLayout::kStep + a] =
            static_cast<unsigned int>(L.tiling.axis[a].spacing * stride[a]);
    }
    int32_t tile[3];
    L.tiling.tile_of(L.parity, lane.block, tile);
    for (int32_t sigma = lane.thread; sigma < S; sigma += lane.block_threads) {
      int32_t c[3], b, first[3], count[3];
      L.tiling.site_class(sigma, c, b);
      for (int a = 0; a < 3; ++a) L.tiling.axis[a].members(tile[a], c[a], first[a], count[a]);
      SiteCoord s;
      s.c[0] = first[0];
      s.c[1] = first[1];
      s.c[2] = first[2];
      s.b = b;
      unsigned int* cls = shared + at.classes + SublatticeSharedLayout::kClassWords * sigma;
      cls[SublatticeSharedLayout::kFirst] = static_cast<unsigned int>(L.lat.index(s));
      cls[SublatticeSharedLayout::kFirst01] = static_cast<unsigned int>(first[0] | (first[1] << 16));
      cls[SublatticeSharedLayout::kFirst2B] = static_cast<unsigned int>(first[2] | (b << 16));
      // A class without members along some axis has no rows.
      cls[SublatticeSharedLayout::kRowCount] =
          static_cast<unsigned int>(count[0] > 0 ? count[1] * count[2] : 0);
      cls[SublatticeSharedLayout::kCounts] = static_cast<unsigned int>(count[0] | (count[1] << 16));
      // ceil(2^32 / d) = floor((2^32 - 1) / d) + 1, which wraps to 0 for d = 1.
      cls[SublatticeSharedLayout::kMagic1] =
          0xffffffffu / static_cast<unsigned int>(count[1] > 0 ? count[1] : 1) + 1u;
      cls[6] = cls[7] = 0;
    }
  }

  // A listed member: its site byte, index and coordinates (in `s`).
  KMC_HD static uint8_t listed_site(const SublatticeLaunch& L, const unsigned int* cls,
                                    const unsigned int* header, unsigned int entry, int32_t& i,
                                    SiteCoord& s) {
    const unsigned int g0 = entry & 31u, g1 = (entry >> 5) & 1023u, g2 = (entry >> 15) & 1023u;
    s.c[0] = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst01] & 0xffffu) +
             static_cast<int32_t>(g0) * L.tiling.axis[0].spacing;
    s.c[1] = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst01] >> 16) +
             static_cast<int32_t>(g1) * L.tiling.axis[1].spacing;
    s.c[2] = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst2B] & 0xffffu) +
             static_cast<int32_t>(g2) * L.tiling.axis[2].spacing;
    s.b = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst2B] >> 16);
    i = static_cast<int32_t>(cls[SublatticeSharedLayout::kFirst] +
                             g0 * header[SublatticeSharedLayout::kStep] +
                             g1 * header[SublatticeSharedLayout::kStep + 1] +
                             g2 * header[SublatticeSharedLayout::kStep + 2]);
    return static_cast<uint8_t>(((entry >> 25) << 1) | kSiteOccupied);
  }

  // Scan: lane t looks at row round * rows + t of the class, if it has one,
  // and lists the members of the row whose ion attempts now. Every lane of
  // the block calls claim_places once.
  KMC_HD static void scan(const SublatticeLaunch& L, const Lane& lane, int32_t round,
                          const unsigned int* cls, unsigned int* header, unsigned int* list) {
    const unsigned int per = header[SublatticeSharedLayout::kRows];
    const unsigned int t = static_cast<unsigned int>(lane.thread);
    const unsigned int r = static_cast<unsigned int>(round) * per + t;
    unsigned int mask = 0, g12 = 0, step0 = 0;
    const uint8_t* row = L.arr.site;
    if (t < per && r < cls[SublatticeSharedLayout::kRowCount]) {
      const unsigned int counts = cls[SublatticeSharedLayout::kCounts];
      const unsigned int g2 = divide(r, cls[SublatticeSharedLayout::kMagic1]);
      const unsigned int g1 = r - g2 * (counts >> 16);
      step0 = header[SublatticeSharedLayout::kStep];
      row += cls[SublatticeSharedLayout::kFirst] + g1 * header[SublatticeSharedLayout::kStep + 1] +
             g2 * header[SublatticeSharedLayout::kStep + 2];
      const unsigned int count0 = counts & 0xffffu;
      for (unsigned int g0 = 0; g0 < count0; ++g0)
        mask |= static_cast<unsigned int>(
                    SublatticeAttempt::eligible(row[g0 * step0], L.sweep, L.tab.rule))
                << g0;
      g12 = (g1 << 5) | (g2 << 15);
    }
    int32_t place = claim_places(header + SublatticeSharedLayout::kCount,
                                 static_cast<unsigned int>(popcount(mask)));
    // The listed members' bytes (just read: cached) go into their entries.
    while (mask) {
      const unsigned int g0 = static_cast<unsigned int>(lowest_bit(mask));
      mask &= mask - 1u;
      list[place++] = g0 | g12 | (static_cast<unsigned int>(row[g0 * step0] >> 1) << 25);
    }
  }

  // First attempt: lane t < n visits the t-th listed site up to its attempt
  // 0; a site with attempts left joins the second list. A thinned visit
  // (kernels/SublatticeThinning.hpp) takes words 0 and 1 and joins the second
  // list only when word 0 is below its ceiling (it may hop). Every lane of
  // the block calls claim_place once.
  KMC_HD static void visit_first(const SublatticeLaunch& L, const Lane& lane,
                                 const unsigned int* cls, unsigned int* header,
                                 const unsigned int* list, unsigned int* rest,
                                 unsigned int* rest_word, unsigned int* rest_word1,
                                 unsigned int* slots) {
    if (SublatticeThinning::applies(L.lat, L.tab))
      screen(L, lane, cls, header, list, rest, rest_word, rest_word1);
    else
      first_attempt(L, lane, cls, header, list, rest, rest_word, slots);
  }

  // The first phase of the attempt loop (visits that are not thinned).
  KMC_HD static void first_attempt(const SublatticeLaunch& L, const Lane& lane,
                                   const unsigned int* cls, unsigned int* header,
                                   const unsigned int* list, unsigned int* rest,
                                   unsigned int* rest_word, unsigned int* slots) {
    bool more = false;
    unsigned int entry = 0, word3 = 0;
    const unsigned int t = static_cast<unsigned int>(lane.thread);
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

  // The first phase of thinned visits: words 0 and 1 of each listed site; a
  // site whose word 0 is below its ceiling joins the second list (its list
  // place and both words). The others cannot hop: their visit is over.
  KMC_HD static void screen(const SublatticeLaunch& L, const Lane& lane, const unsigned int* cls,
                            unsigned int* header, const unsigned int* list, unsigned int* rest,
                            unsigned int* rest_word, unsigned int* rest_word1) {
    bool more = false;
    unsigned int word0 = 0, word1 = 0;
    const unsigned int t = static_cast<unsigned int>(lane.thread);
    if (t < header[SublatticeSharedLayout::kCount]) {
      SiteCoord s;
      int32_t i;
      const SublatticeAttempt::Ion ion =
          SublatticeAttempt::ion_of(listed_site(L, cls, header, list[t], i, s), L.sweep);
      SiteWords words(L.key, L.sweep, i);
      word0 = words.next();
      word1 = words.next();
      more = SublatticeThinning::may_hop(L.lat, SublatticeThinning::tables(L.lat, L.tab), s, ion,
                                         word0);
    }
    const int32_t place = claim_place(header + SublatticeSharedLayout::kRestCount, more);
    if (more) {
      rest[place] = t;
      rest_word[place] = word0;
      rest_word1[place] = word1;
    }
  }

  // Later attempts: lane t < n' runs attempts 1..K-1 of the t-th site of the
  // second list, or its thinned decision.
  KMC_HD static void visit_rest(const SublatticeLaunch& L, const Lane& lane,
                                const unsigned int* cls, const unsigned int* header,
                                const unsigned int* list, const unsigned int* rest,
                                const unsigned int* rest_word, const unsigned int* rest_word1,
                                unsigned int* slots) {
    if (SublatticeThinning::applies(L.lat, L.tab))
      decide_thinned(L, lane, cls, header, list, rest, rest_word, rest_word1, slots);
    else
      later_attempts(L, lane, cls, header, list, rest, rest_word, slots);
  }

  // The second phase of the attempt loop (visits that are not thinned).
  KMC_HD static void later_attempts(const SublatticeLaunch& L, const Lane& lane,
                                    const unsigned int* cls, const unsigned int* header,
                                    const unsigned int* list, const unsigned int* rest,
                                    const unsigned int* rest_word, unsigned int* slots) {
    const unsigned int t = static_cast<unsigned int>(lane.thread);
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

  // The second phase of thinned visits: lane t < n' decides the t-th site of
  // the second list (SublatticeThinning::hop_slot) and moves its ion.
  KMC_HD static void decide_thinned(const SublatticeLaunch& L, const Lane& lane,
                                    const unsigned int* cls, const unsigned int* header,
                                    const unsigned int* list, const unsigned int* rest,
                                    const unsigned int* rest_word,
                                    const unsigned int* rest_word1, unsigned int* slots) {
    const unsigned int t = static_cast<unsigned int>(lane.thread);
    if (t >= header[SublatticeSharedLayout::kRestCount]) return;
    SiteCoord s;
    int32_t i;
    const SublatticeAttempt::Ion ion =
        SublatticeAttempt::ion_of(listed_site(L, cls, header, list[rest[t]], i, s), L.sweep);
    prefetch_l1(L.arr.record + i);  // read if it hops, after the pass over its slots
    const int32_t k =
        SublatticeThinning::hop_slot(L.lat, L.tab, SublatticeThinning::tables(L.lat, L.tab),
                                     L.arr.site, s, ion, rest_word[t], rest_word1[t]);
    if (k < 0) return;
    SublatticeAttempt::Move m;
    SublatticeAttempt::apply(L.arr, s, i, ion, k, L.lat.zmax,
                             SublatticeThinning::move_to(L.lat, s, k), m);
    SublatticeAttempt::move_record(L.arr, m);
    atomic_add(&slots[m.slot], static_cast<unsigned int>(m.ions));
  }
};

// The plan (host only: it refuses tilings the packed shared words cannot hold).
inline SublatticeLaunchPlan plan_sublattice_launch(const SublatticeTiling& tiling,
                                                   const LatticeView& lat) {
  const SublatticeMemberGrid grid(tiling);
  int32_t widest = 1;
  for (int a = 0; a < 3; ++a) {
    if (grid.widest[a] > kSublatticeMaxGrid || lat.n[a] > kSublatticeMaxCells)
      throw CannotProceed("sublattice device kernel: " + std::to_string(lat.n[a]) +
                          " cells along axis " + std::to_string(a) + " (" +
                          std::to_string(grid.widest[a]) + " class members) exceed its packed "
                          "shared-memory words (at most 65535 cells, 1023 members per axis)");
    widest = std::max(widest, grid.widest[a]);
  }
  // Row numbers are divided by a multiply-high, exact while r * count < 2^32;
  // a row's members are bits of one word.
  if (static_cast<uint64_t>(grid.widest[1]) * grid.widest[2] * static_cast<uint64_t>(widest) >=
          (uint64_t(1) << 32) ||
      grid.widest[0] > 32)
    throw CannotProceed("sublattice device kernel: " + std::to_string(grid.widest[0]) + " x " +
                        std::to_string(grid.widest[1]) + " x " + std::to_string(grid.widest[2]) +
                        " members per site class of a tile exceed its row numbering (at most "
                        "32 along axis 0)");
  SublatticeLaunchPlan p;
  p.grid = tiling.tiles_per_parity;
  p.block = SublatticeKernel::block_threads(tiling);
  p.rounds = SublatticeKernel::rounds(tiling, p.block);
  p.slots = lat.nbasis * lat.zmax;
  const SublatticeSharedLayout at(p.slots, tiling.site_classes, p.rounds, p.block);
  // Step words hold a class's first word in 16 bits.
  if (at.steps >= 65536)
    throw CannotProceed("sublattice device kernel: " + std::to_string(tiling.site_classes) +
                        " site classes exceed its step words");
  p.shared_bytes = static_cast<int32_t>(sizeof(unsigned int)) * at.words;
  p.phases = SublatticeKernel::phase_count(tiling, p.block);
  return p;
}

}  // namespace coatkmc
