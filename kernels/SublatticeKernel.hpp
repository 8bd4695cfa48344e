#pragma once
// The device code of the sublattice solver, as phases (code one thread runs
// between two barriers), shared by the CUDA kernels (kernels/cuda) and the
// host replay (kernels/replay), and the launch plan both follow.
//
// Per sweep: one gate launch (1 thread: a sweep starts only while the batch
// is below its hop budget), then one launch per parity class in the sweep's
// order, one block per tile of the class. A block runs
//   phase 0            clear its per-slot counters; precompute, in shared
//                      memory, the member offsets of its tile (below) and,
//                      per site class, the first member's index, coordinates
//                      and counts
//   then for each site class order[q] of its tile, in R rounds of at most
//   `block` members:
//     scan             each lane looks at one member: if its ion attempts
//                      now (eligible()), the lane claims a place in a
//                      shared list (claim_place: one ballot and one atomic
//                      per warp on the GPU)
//     visit            the first n lanes visit the n listed sites
//                      (kernels/SublatticeAttempt.hpp), so the expensive
//                      part runs with all lanes of a warp busy (half of them
//                      idle at c = 0.5 without the list); accepted hops
//                      count into the shared per-slot counters
//   last phase         add the block's counters to the global hop total and
//                      per-slot counts
// with a barrier between phases.
//
// Member offsets (no div/mod per visit): the members of site class (c, b) of
// a tile are first + g * m along each axis, g_a < count_a. Member e of the
// block's grid of widest[0] x widest[1] x widest[2] positions has
// g = (e % widest[0], e / widest[0] % widest[1], e / (widest[0] widest[1]));
// phase 0 stores g (packed) and the index offset sum_a g_a m_a stride_a for
// every e, so a scan needs two shared loads and three compares instead of
// three divisions by class-dependent counts.
//
// Members of one site class never touch each other's sites
// (kernels/SublatticeTiling.hpp), and tiles of a parity class are a tile
// apart, so any order of lanes within a phase, of places in the list, and of
// blocks within a launch, gives the same result: the replay checks exactly
// that by shuffling both lanes and blocks.
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
// The header sits at a fixed place so that later phases read the member
// count and rounds instead of recomputing them (divisions) every phase.
struct SublatticeSharedLayout {
  int32_t slots;    // [0, slots): accepted hops per (basis site, slot)
  int32_t header;   // list lengths (rounds alternate between two), members, rounds
  int32_t classes;  // 4 words per site class: first index, first[0] | first[1] << 16,
                    // first[2] | b << 16, count[0] | count[1] << 10 | count[2] << 20
  int32_t member_g;       // per grid member: g packed 10 bits per axis
  int32_t member_offset;  // per grid member: its index offset from the class's first site
  int32_t list;           // per lane: the grid member it visits
  int32_t words;

  static constexpr int32_t kCount = 0, kMembers = 2, kRounds = 3, kHeaderWords = 4;

  KMC_HD SublatticeSharedLayout(int32_t nslots, int32_t site_classes, int32_t members,
                                int32_t block) {
    slots = 0;
    header = nslots;
    classes = header + kHeaderWords;
    member_g = classes + 4 * site_classes;
    member_offset = member_g + members;
    list = member_offset + members;
    words = list + block;
  }
};

// Grid, block and shared memory of a parity-class launch: one host function
// that the CUDA driver and the replay both use.
struct SublatticeLaunchPlan {
  int32_t grid = 1;          // blocks: tiles per parity class
  int32_t block = 32;        // threads per block, whole warps
  int32_t shared_bytes = 0;  // SublatticeSharedLayout
  int32_t phases = 2;        // 1 + 2 * site classes * rounds + 1
  int32_t slots = 1;         // nbasis * zmax
  int32_t rounds = 1;        // scan/visit rounds per site class: ceil(members / block)
};

struct SublatticeKernel {
  // Threads per block for a tiling: enough for a round to cover the member
  // grid, in whole warps, at most kSublatticeMaxBlock.
  KMC_HD static int32_t block_threads(const SublatticeTiling& tiling) {
    const int32_t members = SublatticeMemberGrid(tiling).members;
    const int32_t warps = (members + 31) / 32;
    return warps * 32 < kSublatticeMaxBlock ? (warps < 1 ? 32 : warps * 32) : kSublatticeMaxBlock;
  }
  KMC_HD static int32_t rounds(const SublatticeTiling& tiling, int32_t block) {
    return (SublatticeMemberGrid(tiling).members + block - 1) / block;
  }
  // Phases of a launch with `block` threads (the CUDA wrapper loops over them).
  KMC_HD static int32_t phase_count(const SublatticeTiling& tiling, int32_t block) {
    return 2 + 2 * tiling.site_classes * rounds(tiling, block);
  }

  // The gate, one thread per sweep: stops the batch once it reached its budget.
  KMC_HD static void gate(int32_t* control, const unsigned long long* hops,
                          unsigned long long budget) {
    if (control[0] && hops[0] >= budget) control[0] = 0;
    if (control[0]) ++control[1];
  }

  KMC_HD static bool active(const SublatticeLaunch& L) { return L.control[0] != 0; }

  // Phase `phase` of lane `lane`; `shared` is the block's SublatticeSharedLayout.
  KMC_HD static void phase(const SublatticeLaunch& L, const Lane& lane, int32_t phase,
                           unsigned int* shared) {
    const int32_t S = L.tiling.site_classes;
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    if (phase == 0) {
      prepare(L, lane, shared);
      return;
    }
    const unsigned int* header = shared + nslots;
    const int32_t members = static_cast<int32_t>(header[SublatticeSharedLayout::kMembers]);
    const int32_t R = static_cast<int32_t>(header[SublatticeSharedLayout::kRounds]);
    const SublatticeSharedLayout at(nslots, S, members, lane.block_threads);
    const int32_t step = (phase - 1) >> 1;  // (site class, round)
    if (step >= S * R) {
      for (int32_t i = lane.thread; i < nslots; i += lane.block_threads) {
        const unsigned int n = shared[i];
        if (!n) continue;
        atomic_add(&L.slots[i], static_cast<unsigned long long>(n));
        atomic_add(L.hops, static_cast<unsigned long long>(n));
      }
      return;
    }
    const int32_t q = R == 1 ? step : step / R;
    const int32_t round = step - q * R;
    const unsigned int* cls = shared + at.classes + 4 * L.order[q];
    unsigned int* count = shared + at.header + SublatticeSharedLayout::kCount;
    if (((phase - 1) & 1) == 0) {
      scan(L, round * lane.block_threads + lane.thread, members, cls, shared + at.member_g,
           shared + at.member_offset, count + (step & 1), shared + at.list);
    } else {
      // The next round's list starts empty (its scan follows a barrier).
      if (lane.thread == 0) count[(step + 1) & 1] = 0;
      visit(L, lane, cls, shared + at.member_g, shared + at.member_offset, count[step & 1],
            shared + at.list, shared);
    }
  }

  // Phase 0: the block's counters, member offsets and site-class table.
  KMC_HD static void prepare(const SublatticeLaunch& L, const Lane& lane, unsigned int* shared) {
    const int32_t S = L.tiling.site_classes;
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    const SublatticeMemberGrid grid(L.tiling);
    const SublatticeSharedLayout at(nslots, S, grid.members, lane.block_threads);
    for (int32_t i = lane.thread; i < nslots; i += lane.block_threads) shared[i] = 0;
    if (lane.thread == 0) {
      unsigned int* header = shared + at.header;
      header[SublatticeSharedLayout::kCount] = 0;
      header[SublatticeSharedLayout::kMembers] = static_cast<unsigned int>(grid.members);
      header[SublatticeSharedLayout::kRounds] =
          static_cast<unsigned int>((grid.members + lane.block_threads - 1) / lane.block_threads);
    }
    const int32_t stride[3] = {L.lat.nbasis, L.lat.nbasis * L.lat.n[0],
                               L.lat.nbasis * L.lat.n[0] * L.lat.n[1]};
    for (int32_t e = lane.thread; e < grid.members; e += lane.block_threads) {
      const int32_t g0 = e % grid.widest[0], g1 = (e / grid.widest[0]) % grid.widest[1],
                    g2 = e / (grid.widest[0] * grid.widest[1]);
      shared[at.member_g + e] = static_cast<unsigned int>(g0 | (g1 << 10) | (g2 << 20));
      shared[at.member_offset + e] = static_cast<unsigned int>(
          g0 * L.tiling.axis[0].spacing * stride[0] + g1 * L.tiling.axis[1].spacing * stride[1] +
          g2 * L.tiling.axis[2].spacing * stride[2]);
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
      unsigned int* cls = shared + at.classes + 4 * sigma;
      cls[0] = static_cast<unsigned int>(L.lat.index(s));
      cls[1] = static_cast<unsigned int>(first[0] | (first[1] << 16));
      cls[2] = static_cast<unsigned int>(first[2] | (b << 16));
      cls[3] = static_cast<unsigned int>(count[0] | (count[1] << 10) | (count[2] << 20));
    }
  }

  // Scan: grid member e of the class, if it is one, joins the list when its
  // ion attempts now. Every lane of the block calls claim_place once.
  KMC_HD static void scan(const SublatticeLaunch& L, int32_t e, int32_t members,
                          const unsigned int* cls, const unsigned int* member_g,
                          const unsigned int* member_offset, unsigned int* count,
                          unsigned int* list) {
    bool take = false;
    if (e < members) {
      const unsigned int g = member_g[e], n = cls[3];
      const bool inside = (g & 1023u) < (n & 1023u) && ((g >> 10) & 1023u) < ((n >> 10) & 1023u) &&
                          (g >> 20) < (n >> 20);
      if (inside) {
        const int32_t i = static_cast<int32_t>(cls[0] + member_offset[e]);
        take = SublatticeAttempt::eligible(L.arr.site[i], L.sweep, L.tab.rule);
      }
    }
    const int32_t place = claim_place(count, take);
    if (take) list[place] = static_cast<unsigned int>(e);
  }

  // Visit: lane t < n visits the t-th listed site.
  KMC_HD static void visit(const SublatticeLaunch& L, const Lane& lane, const unsigned int* cls,
                           const unsigned int* member_g, const unsigned int* member_offset,
                           unsigned int listed, const unsigned int* list, unsigned int* slots) {
    if (static_cast<unsigned int>(lane.thread) >= listed) return;
    const unsigned int e = list[lane.thread], g = member_g[e];
    const int32_t i = static_cast<int32_t>(cls[0] + member_offset[e]);
    SiteCoord s;
    s.c[0] = static_cast<int32_t>(cls[1] & 0xffffu) +
             static_cast<int32_t>(g & 1023u) * L.tiling.axis[0].spacing;
    s.c[1] = static_cast<int32_t>(cls[1] >> 16) +
             static_cast<int32_t>((g >> 10) & 1023u) * L.tiling.axis[1].spacing;
    s.c[2] = static_cast<int32_t>(cls[2] & 0xffffu) +
             static_cast<int32_t>(g >> 20) * L.tiling.axis[2].spacing;
    s.b = static_cast<int32_t>(cls[2] >> 16);
    SublatticeAttempt::Move m;
    if (SublatticeAttempt::decide(L.lat, L.tab, L.arr, L.key, L.sweep, s, i, m) ==
        kAttemptAccepted) {
      SublatticeAttempt::move_record(L.arr, m);
      atomic_add(&slots[m.slot], static_cast<unsigned int>(m.ions));  // an exchange moves two ions
    }
  }
};

// The plan (host only: it refuses tilings the packed shared words cannot hold).
inline SublatticeLaunchPlan plan_sublattice_launch(const SublatticeTiling& tiling,
                                                   const LatticeView& lat) {
  const SublatticeMemberGrid grid(tiling);
  for (int a = 0; a < 3; ++a) {
    if (grid.widest[a] > kSublatticeMaxGrid || lat.n[a] > kSublatticeMaxCells)
      throw CannotProceed("sublattice device kernel: " + std::to_string(lat.n[a]) +
                          " cells along axis " + std::to_string(a) + " (" +
                          std::to_string(grid.widest[a]) + " class members) exceed its packed "
                          "shared-memory words (at most 65535 cells, 1023 members per axis)");
  }
  SublatticeLaunchPlan p;
  p.grid = tiling.tiles_per_parity;
  p.block = SublatticeKernel::block_threads(tiling);
  p.rounds = SublatticeKernel::rounds(tiling, p.block);
  p.slots = lat.nbasis * lat.zmax;
  const SublatticeSharedLayout at(p.slots, tiling.site_classes, grid.members, p.block);
  p.shared_bytes = static_cast<int32_t>(sizeof(unsigned int)) * at.words;
  p.phases = SublatticeKernel::phase_count(tiling, p.block);
  return p;
}

}  // namespace coatkmc
