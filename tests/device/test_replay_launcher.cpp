// The replay launcher and the launch plans (kernels/replay, kernels/*Kernel.hpp):
// the replay keeps a GPU's guarantees (barriers between phases, every lane
// once per phase) and no more (orders shuffled), and the plans are the ones
// the CUDA drivers launch with.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <vector>

#include "kernels/SublatticeKernel.hpp"
#include "kernels/WalkerKernel.hpp"
#include "kernels/replay/ReplayLauncher.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/solvers/HopSteps.hpp"
#include "kmc/solvers/SublatticeClasses.hpp"

using namespace coatkmc;

namespace {

// Every lane of every block runs each phase exactly once, and no lane of a
// block starts phase p + 1 before every lane of the block finished phase p.
TEST(ReplayLauncher, RunsEveryLaneOncePerPhaseWithBarriersBetweenPhases) {
  const replay::LaunchShape shape{7, 64, 64 * 4, 5};
  std::vector<std::atomic<int>> runs(7 * 64 * 5);
  for (auto& r : runs) r = 0;
  std::atomic<bool> ordered{true};
  replay::launch(shape, 11, 3, 3, [&](const Lane& lane, int32_t phase, unsigned int* shared) {
    // shared[t] holds the last phase lane t of this block finished.
    if (phase > 0)
      for (int t = 0; t < lane.block_threads; ++t)
        if (static_cast<int32_t>(shared[t]) < phase - 1) ordered = false;
    shared[lane.thread] = static_cast<unsigned int>(phase);
    ++runs[(lane.block * 64 + lane.thread) * 5 + phase];
  });
  EXPECT_TRUE(ordered);
  for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
}

// Lane orders differ between shuffle seeds, and a body whose result depends
// on the order of lanes (a race on a GPU: the last writer wins) gives
// different results: the replay exposes it instead of hiding it.
TEST(ReplayLauncher, ShufflesExposeAnOrderDependentBody) {
  const replay::LaunchShape shape{1, 128, 4, 1};
  auto last_writer = [&](uint64_t seed) {
    unsigned int result = 0;
    replay::launch(shape, seed, 0, 1, [&](const Lane& lane, int32_t, unsigned int* shared) {
      shared[0] = static_cast<unsigned int>(lane.thread);  // racy on a GPU
      result = shared[0];
    });
    return result;
  };
  std::set<unsigned int> seen;
  for (uint64_t seed = 1; seed <= 8; ++seed) seen.insert(last_writer(seed));
  EXPECT_GT(seen.size(), 4u);
  EXPECT_EQ(last_writer(0), 127u);  // seed 0: the natural order
  EXPECT_EQ(last_writer(5), last_writer(5));  // a failure replays
}

TEST(ReplayLauncher, PassesAnExceptionOfABlockToTheCaller) {
  const replay::LaunchShape shape{16, 32, 4, 2};
  EXPECT_THROW(replay::launch(shape, 1, 0, 4,
                              [](const Lane& lane, int32_t phase, unsigned int*) {
                                if (lane.block == 9 && phase == 1 && lane.thread == 3)
                                  throw std::runtime_error("lane failed");
                              }),
               std::runtime_error);
}

// The sublattice plan: one block per tile of a parity class, whole warps of
// at most 224 threads, enough for the largest site class of a tile (when it
// fits), rounds that cover the block's member grid, a scan and a visit phase
// per site class and round plus two, the shared layout's words; and the
// member grid holds every member of every class of every tile.
TEST(LaunchPlan, SublatticePlanCoversTheTilingInWholeWarps) {
  for (const char* type : {"sc", "fcc", "bcc", "honeycomb"}) {
    for (int n : {6, 16, 48, 64}) {
      const Lattice lattice(make_textbook_lattice(type, 3.0), {n, n, std::string(type) == "honeycomb" ? 1 : n});
      const HopSteps hops = make_hop_steps(lattice);
      for (bool interaction : {false, true}) {
        const SublatticeTiling tiling = make_sublattice_tiling(lattice, hops.reach, interaction);
        const SublatticeLaunchPlan plan = plan_sublattice_launch(tiling, hops.view(lattice));
        SCOPED_TRACE(std::string(type) + " " + std::to_string(n));
        EXPECT_EQ(plan.grid, tiling.tiles_per_parity);
        EXPECT_EQ(plan.block % 32, 0);
        EXPECT_GE(plan.block, 32);
        EXPECT_LE(plan.block, 224);
        const SublatticeMemberGrid grid(tiling);
        // Lists of whole blocks, at most 4, enough for the member grid when that fits.
        EXPECT_EQ(plan.capacity % plan.block, 0);
        EXPECT_LE(plan.capacity, 4 * plan.block);
        EXPECT_GE(plan.capacity, std::min(grid.members, 4 * plan.block));
        EXPECT_GE(int64_t(plan.rounds) * plan.capacity, grid.members);
        // Per site class and round: the scan, then F = capacity / block passes
        // of first attempts and F of later attempts.
        EXPECT_EQ(plan.phases,
                  (1 + 2 * plan.capacity / plan.block) * tiling.site_classes * plan.rounds + 2);
        EXPECT_EQ(plan.slots, lattice.basis_size() * lattice.max_coordination());
        // Shared words: counters, header, class words, step words, three
        // per list entry (list, second list, its word 3), the screen's bit
        // per site of the widest tile (thinned visits) and the slots' offsets.
        int64_t tile_sites = lattice.basis_size();
        for (int a = 0; a < 3; ++a) {
          const AxisTiling& ax = tiling.axis[a];
          tile_sites *= ax.tiles >= 2 ? (ax.n + ax.tiles - 1) / ax.tiles : ax.n;
        }
        EXPECT_EQ(plan.shared_bytes,
                  4 * (2 * plan.slots + 13 + 8 * tiling.site_classes +
                       tiling.site_classes * plan.rounds + 3 * plan.capacity +
                       (tile_sites + 31) / 32));
        // The largest class of any tile, over every tile and class.
        int32_t largest = 0;
        for (int32_t p = 0; p < tiling.parity_classes; ++p)
          for (int32_t u = 0; u < tiling.tiles_per_parity; ++u) {
            int32_t tile[3];
            tiling.tile_of(p, u, tile);
            for (int32_t q = 0; q < tiling.site_classes; ++q) {
              ClassRows r;
              tiling.class_rows(tile, q, r);
              int32_t members = 0;
              for (int32_t z = 0; z < r.count2; ++z)
                for (int32_t y = 0; y < r.count1; ++y) {
                  int32_t row = 0;
                  for (int32_t e = tiling.row_start(r.phase, y, z); e < r.span0; e += r.step[0])
                    ++row;
                  EXPECT_LE(row, grid.widest[0]);
                  members += row;
                }
              largest = std::max(largest, members);
              EXPECT_LE(r.count1, grid.widest[1]);
              EXPECT_LE(r.count2, grid.widest[2]);
            }
          }
        if (largest <= 224) EXPECT_GE(plan.block, largest);
      }
    }
  }
}

TEST(LaunchPlan, WalkerPlanHasAThreadPerWalker) {
  for (int64_t walkers : {1, 127, 128, 129, 100000}) {
    const WalkerLaunchPlan plan = plan_walker_launch(walkers, 3, 2);
    EXPECT_GE(int64_t(plan.grid) * plan.block, walkers);
    EXPECT_LT(int64_t(plan.grid - 1) * plan.block, walkers);
    EXPECT_EQ(plan.shared_bytes, 4 * 3 * 2);
    EXPECT_EQ(plan.phases, 3);
  }
}

}  // namespace
