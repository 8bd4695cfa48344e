#pragma once
// The device code of the sublattice solver, as phases (code one thread runs
// between two barriers), shared by the CUDA kernels (kernels/cuda) and the
// host replay (kernels/replay), and the launch plan both follow.
//
// Per sweep: one gate launch (1 thread: a sweep starts only while the batch
// is below its hop budget), then one launch per parity class in the sweep's
// order, one block per tile of the class. A block runs
//   phase 0            clear the block's per-slot counters (shared memory)
//   phase 1 + q        site class order[q] of its tile: the lanes stride over
//                      the class's members, each visiting one site
//                      (kernels/SublatticeAttempt.hpp); accepted hops count
//                      into the shared per-slot counters
//   phase 1 + S        add the block's counters to the global hop total and
//                      per-slot counts
// with a barrier between phases. Members of one site class never touch each
// other's sites (kernels/SublatticeTiling.hpp), and tiles of a parity class
// are a tile apart, so any order of lanes within a phase, and of blocks
// within a launch, gives the same result: the replay checks exactly that by
// shuffling both.
#include <algorithm>
#include <cstdint>
#include <type_traits>

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

// Grid, block and shared memory of a parity-class launch: one host function
// that the CUDA driver and the replay both use.
struct SublatticeLaunchPlan {
  int32_t grid = 1;          // blocks: tiles per parity class
  int32_t block = 32;        // threads per block, whole warps
  int32_t shared_bytes = 0;  // per-slot counters
  int32_t phases = 2;        // 1 + site classes + 1
  int32_t slots = 1;         // nbasis * zmax
};

inline SublatticeLaunchPlan plan_sublattice_launch(const SublatticeTiling& tiling,
                                                   const LatticeView& lat) {
  SublatticeLaunchPlan p;
  p.grid = tiling.tiles_per_parity;
  // Enough threads for the largest site class of a tile, in whole warps, at
  // most kSublatticeMaxBlock.
  int64_t largest = 1;
  for (int a = 0; a < 3; ++a) {
    const AxisTiling& ax = tiling.axis[a];
    const int32_t widest = ax.tiles >= 2 ? ax.tile_start(1) - ax.tile_start(0) + 1 : ax.n;
    largest *= (widest + ax.spacing - 1) / ax.spacing;
  }
  p.block = static_cast<int32_t>(std::min<int64_t>(kSublatticeMaxBlock, std::max<int64_t>(32, (largest + 31) / 32 * 32)));
  p.slots = lat.nbasis * lat.zmax;
  p.shared_bytes = static_cast<int32_t>(sizeof(unsigned int)) * p.slots;
  p.phases = tiling.site_classes + 2;
  return p;
}

struct SublatticeKernel {
  // The gate, one thread per sweep: stops the batch once it reached its budget.
  KMC_HD static void gate(int32_t* control, const unsigned long long* hops,
                          unsigned long long budget) {
    if (control[0] && hops[0] >= budget) control[0] = 0;
    if (control[0]) ++control[1];
  }

  KMC_HD static bool active(const SublatticeLaunch& L) { return L.control[0] != 0; }

  // Phase `phase` of lane `lane`; `shared` is the block's per-slot counters.
  KMC_HD static void phase(const SublatticeLaunch& L, const Lane& lane, int32_t phase,
                           unsigned int* shared) {
    const int32_t S = L.tiling.site_classes;
    const int32_t nslots = L.lat.nbasis * L.lat.zmax;
    if (phase == 0) {
      for (int32_t i = lane.thread; i < nslots; i += lane.block_threads) shared[i] = 0;
      return;
    }
    if (phase <= S) {
      site_class(L, lane, L.order[phase - 1], shared);
      return;
    }
    for (int32_t i = lane.thread; i < nslots; i += lane.block_threads) {
      const unsigned int n = shared[i];
      if (!n) continue;
      atomic_add(&L.slots[i], static_cast<unsigned long long>(n));
      atomic_add(L.hops, static_cast<unsigned long long>(n));
    }
  }

  // The lane's members of site class `sigma` of the block's tile.
  KMC_HD static void site_class(const SublatticeLaunch& L, const Lane& lane, int32_t sigma,
                                unsigned int* shared) {
    int32_t tile[3];
    L.tiling.tile_of(L.parity, lane.block, tile);
    int32_t c[3], b;
    L.tiling.site_class(sigma, c, b);
    int32_t first[3], count[3];
    for (int a = 0; a < 3; ++a) L.tiling.axis[a].members(tile[a], c[a], first[a], count[a]);
    const int32_t members = count[0] * count[1] * count[2];
    for (int32_t e = lane.thread; e < members; e += lane.block_threads) {
      SiteCoord s;
      s.b = b;
      s.c[0] = first[0] + (e % count[0]) * L.tiling.axis[0].spacing;
      s.c[1] = first[1] + ((e / count[0]) % count[1]) * L.tiling.axis[1].spacing;
      s.c[2] = first[2] + (e / (count[0] * count[1])) * L.tiling.axis[2].spacing;
      int32_t slot = 0, ions = 0;
      if (SublatticeAttempt::run(L.lat, L.tab, L.arr, L.key, L.sweep, s, slot, ions) ==
          kAttemptAccepted)
        atomic_add(&shared[slot], static_cast<unsigned int>(ions));  // an exchange moves two ions
    }
  }
};

}  // namespace coatkmc
