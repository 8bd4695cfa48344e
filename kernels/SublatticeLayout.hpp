#pragma once
// The shapes the sublattice kernel (kernels/SublatticeKernel.hpp) shares
// with its launch plan: threads per block, the block's grid of class
// members, the list capacity and where a block keeps its shared words.
#include <cstdint>

#include "kernels/HostDevice.hpp"
#include "kernels/SublatticeTiling.hpp"

namespace coatkmc {

// At most this many threads per block, and this many blocks resident per SM:
// the CUDA kernel's __launch_bounds__, so ptxas keeps it at <= 72 registers
// (65536 / (4 * 224) = 73), checked without spills by the gpu-resources test.
constexpr int32_t kSublatticeMaxBlock = 224;
constexpr int32_t kSublatticeMinBlocksPerSm = 4;
// Packed member positions hold 10 bits per axis; cell coordinates 16 bits.
constexpr int32_t kSublatticeMaxGrid = 1023;
constexpr int32_t kSublatticeMaxCells = 65535;

// The block's grid of member positions: the most members a site class of
// any tile has along each axis (the linear rule: rows along axis 0 of
// ceil(width / M) members, every cell of the tile along axes 1 and 2).
struct SublatticeMemberGrid {
  int32_t widest[3];
  int32_t members;  // widest[0] * widest[1] * widest[2]

  KMC_HD explicit SublatticeMemberGrid(const SublatticeTiling& tiling) {
    members = 1;
    for (int a = 0; a < 3; ++a) {
      const AxisTiling& ax = tiling.axis[a];
      const int32_t step = tiling.member_step(a);
      int32_t most = 0;
      if (ax.tiles >= 2) {
        // Tiles are n / tiles wide, rounded down or up: the widest class of
        // the widest tile has ceil(width / step) members.
        const int32_t width = (ax.n + ax.tiles - 1) / ax.tiles;
        most = (width + step - 1) / step;
      } else {
        most = ax.n < ax.spacing ? 1 : ax.n / ax.spacing;
      }
      widest[a] = most;
      members *= most;
    }
  }
};

// Words of a tile's screen bits: one bit per site of the widest tile.
KMC_HD int32_t sublattice_screen_words(const SublatticeTiling& tiling) {
  int64_t sites = tiling.nbasis;
  for (int a = 0; a < 3; ++a) {
    const AxisTiling& ax = tiling.axis[a];
    sites *= ax.tiles >= 2 ? (ax.n + ax.tiles - 1) / ax.tiles : ax.n;
  }
  return static_cast<int32_t>((sites + 31) / 32);
}

// Lists of a block hold up to this many blocks' worth of members, so that a
// site class larger than the block (the linear rule's: ~585 members of a 16^3
// sc tile) runs in one round, each lane looping over its entries, instead of
// one round (three phases) per block's worth.
constexpr int32_t kSublatticeListBlocks = 4;

// Where a block keeps what its phases share (32-bit words of shared memory).
// The header sits at a fixed place so that later phases read the rounds and
// the index steps instead of recomputing them every phase.
struct SublatticeSharedLayout {
  int32_t slots;      // [0, slots): accepted hops per (basis site, slot)
  int32_t header;     // list lengths, rounds, index step per member along each axis
  int32_t classes;    // kClassWords per site class (kFirst... below)
  int32_t steps;      // per step (site class in the launch's order, round): its class's
                      // first word | round << 16
  int32_t list;       // per entry (capacity): a listed member (scan -> first attempt)
  int32_t rest;       // per entry: list place | K << 16 of a site with attempts left
  int32_t rest_word;  // per entry: word 3 of that site's block 0
  int32_t screen;     // thinned visits: one bit per site of the tile (tile-local order:
                      // ((l2 w1 + l1) w0 + l0) nbasis + b), set when its word 0 is
                      // below its basis site's screen (SublatticeScreen::tile)
  int32_t offsets;    // per (basis site, slot): the target's index minus the site's where
                      // no target wraps (SublatticeThinning::step_offset)
  int32_t words;

  // Header words: the scan's list length in steps of even number, the second
  // list's length, rounds, step_a * stride_a (index step of one member along
  // axis a), rows per round | the scan's row shift << 24, F: the lists hold F
  // blocks' worth of entries and their phases run in F passes; the scan's
  // list length in steps of odd number (each scan clears the other step's,
  // so that no visit pass has to); the screen bits between members along
  // axis a; 1 when no hop from the tile wraps around the lattice (the
  // offsets hold).
  static constexpr int32_t kCount = 0, kRestCount = 1, kRounds = 2, kStep = 3, kRows = 6,
                           kPasses = 7, kCountOdd = 8, kLocal = 9, kInside = 12, kHeaderWords = 13;
  // Site-class words: first member's index (first0, first1, first2, b);
  // first[0] | first[1] << 16; first[2] | b << 16; rows (count1 count2);
  // span0 | count1 << 16; ceil(2^32 / count1) (0 for a count of 1); the
  // linear rule's phase j (ClassRows); the first member's screen bit.
  static constexpr int32_t kFirst = 0, kFirst01 = 1, kFirst2B = 2, kRowCount = 3, kCounts = 4,
                           kMagic1 = 5, kPhase = 6, kLocalFirst = 7, kClassWords = 8;

  KMC_HD SublatticeSharedLayout(int32_t nslots, int32_t site_classes, int32_t rounds,
                                int32_t capacity, int32_t screen_words) {
    slots = 0;
    header = nslots;
    classes = header + kHeaderWords;
    steps = classes + kClassWords * site_classes;
    list = steps + site_classes * rounds;
    rest = list + capacity;
    rest_word = rest + capacity;
    screen = rest_word + capacity;
    offsets = screen + screen_words;
    words = offsets + nslots;
  }
};

// Grid, block and shared memory of a parity-class launch: one host function
// that the CUDA driver and the replay both use.
struct SublatticeLaunchPlan {
  int32_t grid = 1;          // blocks: tiles per parity class
  int32_t block = 32;        // threads per block, whole warps
  int32_t shared_bytes = 0;  // SublatticeSharedLayout
  int32_t phases = 2;        // 1 + (1 + 2 F) * site classes * rounds + 1, F = capacity / block
  int32_t slots = 1;         // nbasis * zmax
  int32_t rounds = 1;        // scan/visit rounds per site class: ceil(rows / rows per round)
  int32_t capacity = 32;     // entries per list: whole blocks, at most kSublatticeListBlocks
};

}  // namespace coatkmc

// The lattice-wide class rule's kernel (kernels/SublatticeClassKernel.hpp):
// blocks of kSublatticeClassBlock lanes; each lane screens the members of
// one class row whose screen words lie in kSublatticeClassQuadsPerLane
// consecutive Philox blocks (4 members a block, so at most 4 P per lane: the
// list's capacity). Four blocks per lane amortise the lane's row arithmetic
// over 16 members (the calibrated model: 1.19e11 attempts/s at 256^3 with
// 4, 1.05e11 with 2: DECISIONS.md 22:24; a block's list, about 512 entries
// at c = 0.5 and a 0.25 screen, takes two decide passes); the SASS probes
// price 1, 2 and 4. kSublatticeClassMinBlocksPerSm = 6 blocks per SM (48
// warps: the latency-bound lanes want them) bound ptxas at 65536 / (6 *
// 256) -> 40 registers (gpu-resources test; P = 4 uses all 40), and take
// 6 x 33 KB of shared memory (an H100/H200 SM has 227 KB).
constexpr int32_t kSublatticeClassBlock = 256;
constexpr int32_t kSublatticeClassMinBlocksPerSm = 6;
constexpr int32_t kSublatticeClassQuadsPerLane = 4;
constexpr int32_t kSublatticeClassCapacity =
    4 * kSublatticeClassQuadsPerLane * kSublatticeClassBlock;
// Slots per site the class kernel's fixed shared words hold (thinned visits
// need zmax <= 32 anyway: SublatticeThinning::applies).
constexpr int32_t kSublatticeClassMaxSlots = 32;

// Its shared words, at fixed places (the same for every launch, so that the
// CUDA kernel keeps them in a static array and addresses them by constants):
//   kCounters  per hop slot k of the class's basis site b: the block's accepted hops
//   kSteps     per slot: its target's index minus the site's when the hop does not
//              wrap (SublatticeThinning::step_offset) << 6 | the boundary bits (below)
//              at which the hop wraps: bit a when it steps down along axis a, bit
//              3 + a when it steps up; 0 for a slot without a hop (its "target" is
//              the visited site itself, occupied: never vacant, no test needed)
//   kFixes     per boundary bit: what a wrap adds to the offset (+n_a stride_a for
//              bits 0-2, -n_a stride_a for bits 3-5)
//   kCount     the list's length
//   the list   two arrays (site index; word 0), so that consecutive lanes read
//              consecutive words; the decide lane reads the site's byte again
//              (cached: the screen just read it) and finds its boundary bits
//              from the index (SublatticeClassGeometry's divisors)
// A site's boundary bits: bit a when c_a = 0, bit 3 + a when c_a = n_a - 1
// (hops are at most one cell along an axis: plan_sublattice_class_launch).
struct SublatticeClassSharedLayout {
  static constexpr int32_t kCounters = 0;
  static constexpr int32_t kSteps = kCounters + kSublatticeClassMaxSlots;
  static constexpr int32_t kFixes = kSteps + kSublatticeClassMaxSlots;
  static constexpr int32_t kCount = kFixes + 8;
  static constexpr int32_t kIndex = kCount + 4;
  static constexpr int32_t kWord0 = kIndex + kSublatticeClassCapacity;
  static constexpr int32_t kWords = kWord0 + kSublatticeClassCapacity;
};

// What every class launch of one lattice shares (host-made by
// plan_sublattice_class_launch, a kernel parameter). A class row (c1, c2) of
// phase j holds R = n0 / M members, c0 = f + M m (m < R, f = row_first); its
// members' screen words come in Philox blocks of four consecutive m, aligned
// to the lattice's row number r = c2 n1 + c1 (member m is word (r R + m) % 4
// of block (r R + m) / 4: kernels/SublatticeLatticeRule.hpp), so that a row
// spans at most Q = ceil((R + 4 - gcd(R, 4)) / 4) blocks (R / 4 when 4
// divides R), and takes ceil(Q / P) lanes of P blocks. Divisions are
// multiply-highs by ceil(2^32 / d) (0 for d = 1), exact while e d < 2^32
// (the plan checks it).
// floor(e / d) for every e < 2^31 by a multiply-high and a shift: magic =
// ceil(2^(31 + l) / d) < 2^32, l = ceil(log2 d), shift = l - 1 (the error
// e (magic d - 2^(31+l)) / (d 2^(31+l)) < 2^-l <= 1 / d); magic 0: d = 1.
struct SublatticeDivisor {
  uint32_t magic = 0, shift = 0;
  static SublatticeDivisor of(uint32_t d) {
    SublatticeDivisor v;
    if (d <= 1) return v;
    uint32_t l = 0;
    while ((uint64_t(1) << l) < d) ++l;
    v.magic = static_cast<uint32_t>(((uint64_t(1) << (31 + l)) + d - 1) / d);
    v.shift = l - 1;
    return v;
  }
  KMC_HD uint32_t divide(uint32_t e) const {
    return magic ? static_cast<uint32_t>((static_cast<uint64_t>(e) * magic) >> 32) >> shift : e;
  }
};

struct SublatticeClassGeometry {
  int32_t modulus = 1;         // M
  int32_t k[2] = {0, 0};       // k1, k2, reduced to [0, M)
  int32_t row_members = 1;     // R = n0 / M
  uint32_t quads = 1;          // Q: Philox blocks a row spans
  uint32_t row_lanes = 1;      // lanes per row: ceil(Q / kSublatticeClassQuadsPerLane)
  uint32_t lane_magic = 0;     // ceil(2^32 / row_lanes)
  uint32_t row_magic = 0;      // ceil(2^32 / n1)
  uint32_t modulus_magic = 0;  // ceil(2^32 / M)
  uint32_t lift = 0;           // a multiple of M >= k1 (n1 - 1) + k2 (n2 - 1): row_first's
                               // sum j + lift - k1 c1 - k2 c2 stays non-negative
  uint32_t lanes = 0;          // n1 n2 row_lanes: lanes with blocks (the last block's rest idles)
  int32_t aligned = 0;         // 1: every lane's P blocks are whole blocks of its row (4 | R,
                               // P | Q): the screen's fast path, no per-member bounds
  SublatticeDivisor by_nbasis, by_n0, by_n1;  // a site's cell from its index, and the cell's
                                              // coordinates (the decide lane's boundary bits)
};

// Grid and shared memory of a class launch (plan_sublattice_class_launch).
struct SublatticeClassLaunchPlan {
  SublatticeClassGeometry geometry;
  int32_t grid = 1;                                       // blocks: ceil(lanes / block)
  int32_t block = kSublatticeClassBlock;                  // threads per block
  int32_t quads_per_lane = kSublatticeClassQuadsPerLane;  // Philox blocks a screen lane draws
  int32_t shared_bytes = 4 * SublatticeClassSharedLayout::kWords;
  int32_t phases = 4;  // prepare, screen, decide, flush
  int32_t slots = 1;   // nbasis * zmax
};
