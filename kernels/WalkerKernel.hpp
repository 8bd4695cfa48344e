#pragma once
// The device code of the walkers solver as phases (kernels/KernelSupport.hpp),
// shared by the CUDA kernel and the host replay, and its launch plan.
// One thread per walker; a block runs
//   phase 0  clear the block's hop counters per (group, length class)
//   phase 1  its walker's n-fold-way steps through the launch's rounds: to
//            its group's t_end (one round per group), or through the round
//            ends `ends[0..rounds)` of the launch's one group (many rounds per
//            launch: kernels/WalkerStep.hpp), hops counted in registers for up
//            to kRegisterLengths length classes, then added to the block counters
//   phase 2  add the block counters to the global ones
// Walkers are independent, so a walker runs all the launch's rounds without
// waiting for the others: no barrier, no gate between rounds. Which rounds a
// launch runs (how far a hop target reaches) is the solver's choice, made
// before the launch (kmc/solvers/WalkersSolver.cpp).
#include <cstdint>
#include <type_traits>

#include "kernels/KernelSupport.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/WalkerStep.hpp"

namespace coatkmc {

struct WalkerLaunch {
  LatticeView lat;
  const WalkerGroup* groups;
  int32_t group_count;
  int32_t lengths;
  WalkerArrays arr;
  const uint8_t* length_class;
  unsigned long long* counts;  // [group * lengths + l]
  // Round ends of the launch's one group (`rounds` of them), or nullptr: one
  // round per group, to its t_end (rounds == 1).
  const double* ends;
  int32_t rounds;
};

static_assert(std::is_trivially_copyable<WalkerLaunch>::value, "kernel parameter: plain data");
static_assert(sizeof(WalkerGroup) == 56 && alignof(WalkerGroup) == 8,
              "WalkerGroup crosses to the device: keep its layout fixed");
static_assert(sizeof(WalkerArrays) == 24, "WalkerArrays layout");
static_assert(sizeof(WalkerLaunch) == 104, "WalkerLaunch is a kernel parameter: keep its layout fixed");

struct WalkerLaunchPlan {
  int32_t grid = 1;
  int32_t block = 128;
  int32_t shared_bytes = 0;  // per (group, length) counters
  int32_t phases = 3;
};

inline WalkerLaunchPlan plan_walker_launch(int64_t walkers, int32_t group_count, int32_t lengths) {
  WalkerLaunchPlan p;
  p.block = 128;
  p.grid = static_cast<int32_t>((walkers + p.block - 1) / p.block);
  if (p.grid < 1) p.grid = 1;
  p.shared_bytes = static_cast<int32_t>(sizeof(unsigned int)) * group_count * lengths;
  return p;
}

struct WalkerKernel {
  // Up to this many hop lengths are counted in registers; more go to shared memory.
  static constexpr int kRegisterLengths = 4;

  KMC_HD static void phase(const WalkerLaunch& L, const Lane& lane, int32_t phase,
                           unsigned int* shared) {
    const int32_t total = L.group_count * L.lengths;
    if (phase == 0) {
      for (int32_t c = lane.thread; c < total; c += lane.block_threads) shared[c] = 0;
      return;
    }
    if (phase == 2) {
      for (int32_t c = lane.thread; c < total; c += lane.block_threads) {
        if (!shared[c]) continue;
        atomic_add(&L.counts[c], static_cast<unsigned long long>(shared[c]));
      }
      return;
    }
    const int64_t i = int64_t(lane.block) * lane.block_threads + lane.thread;
    if (i >= L.arr.walker_count) return;
    int32_t g = 0;
    while (g + 1 < L.group_count && i >= L.groups[g + 1].first_walker) ++g;
    const WalkerGroup& group = L.groups[g];
    const int32_t w = static_cast<int32_t>(i - group.first_walker);
    if (w < 0 || w >= group.walkers) return;
    const int64_t n = L.arr.walker_count;
    int32_t cells[3] = {L.arr.cells[i], L.arr.cells[n + i], L.arr.cells[2 * n + i]};
    int32_t site = L.arr.site[i];
    unsigned int* mine = shared + g * L.lengths;
    unsigned int reg[kRegisterLengths] = {0, 0, 0, 0};
    const bool in_registers = L.lengths <= kRegisterLengths;
    const uint8_t* length_class = L.length_class;
    WalkerStep::advance(L.lat, group, L.ends, L.rounds, w, site, cells, [&](int32_t slot) {
      const int l = length_class[slot];
      if (in_registers) {
        for (int q = 0; q < kRegisterLengths; ++q) reg[q] += (q == l);
      } else {
        atomic_add(&mine[l], 1u);
      }
    });
    if (in_registers)
      for (int q = 0; q < kRegisterLengths; ++q)
        if (q < L.lengths && reg[q]) atomic_add(&mine[q], reg[q]);
    L.arr.site[i] = site;
    L.arr.cells[i] = cells[0];
    L.arr.cells[n + i] = cells[1];
    L.arr.cells[2 * n + i] = cells[2];
  }
};

}  // namespace coatkmc
