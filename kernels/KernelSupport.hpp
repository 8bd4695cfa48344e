#pragma once
// What a kernel body needs besides its data, written once for the CUDA
// kernels and the host replay (kernels/replay): which lane of which block it
// is, and atomic adds. A body is the code one thread runs between two
// barriers (a "phase"); the CUDA wrapper calls the phases with
// __syncthreads() between them, the replay calls every lane of a phase
// before the next phase (docs/parallel-solvers.md, "Device code on the CPU").
#include <cstdint>

#include "kernels/HostDevice.hpp"

namespace coatkmc {

// One thread of a launch: threadIdx.x, blockDim.x and blockIdx.x.
struct Lane {
  int32_t thread;
  int32_t block_threads;
  int32_t block;
};

// Relaxed atomic add: atomicAdd on the device, the GCC/Clang builtin on the
// host (blocks of a replayed launch run on several threads; ThreadSanitizer
// understands the builtin).
KMC_HD void atomic_add(unsigned int* p, unsigned int v) {
#if defined(__CUDA_ARCH__)
  atomicAdd(p, v);
#else
  __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
#endif
}
KMC_HD void atomic_add(unsigned long long* p, unsigned long long v) {
#if defined(__CUDA_ARCH__)
  atomicAdd(p, v);
#else
  __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
#endif
}

// A place in a block-wide list for each lane that `take`s (-1 for the
// others), counted in `*count` (shared memory). On the device one atomic per
// warp: a ballot of the takers, the leader adds their number, each taker's
// place is the leader's base plus the takers below it. Every lane of the
// warp must call it (blocks are whole warps; callers do not branch before
// it). The replay runs a block's lanes one after another on one host
// thread, so a plain increment is the same thing there. The order of the
// places differs between the two; the bodies that use it do not depend on it
// (the replay shuffles lanes to show that).
KMC_HD int32_t claim_place(unsigned int* count, bool take) {
#if defined(__CUDA_ARCH__)
  const unsigned int takers = __ballot_sync(0xffffffffu, take);
  if (!takers) return -1;
  const int lane = static_cast<int>(threadIdx.x & 31u);
  const int leader = __ffs(takers) - 1;
  unsigned int base = 0;
  if (lane == leader) base = atomicAdd(count, static_cast<unsigned int>(__popc(takers)));
  base = __shfl_sync(0xffffffffu, base, leader);
  return take ? static_cast<int32_t>(base + __popc(takers & ((1u << lane) - 1u))) : -1;
#else
  return take ? static_cast<int32_t>((*count)++) : -1;
#endif
}

}  // namespace coatkmc
