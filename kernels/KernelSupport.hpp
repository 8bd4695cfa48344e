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

// Asks for the cache line at `p` to be brought into L1 (the device only: a
// hint, no result; the host replay has no use for it). A visit that may move
// an ion's record asks for it before its Philox block, so that the record is
// near when the hop is accepted instead of a DRAM latency later.
KMC_HD void prefetch_l1(const void* p) {
#if defined(__CUDA_ARCH__)
  asm volatile("prefetch.global.L1 [%0];" ::"l"(p));
#else
  (void)p;
#endif
}

// Set bits of a word, and the index of its lowest set bit (x != 0).
KMC_HD int popcount(unsigned int x) {
#if defined(__CUDA_ARCH__)
  return __popc(x);
#else
  return __builtin_popcount(x);
#endif
}
KMC_HD int lowest_bit(unsigned int x) {
#if defined(__CUDA_ARCH__)
  return __ffs(static_cast<int>(x)) - 1;
#else
  return __builtin_ctz(x);
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

// `n` consecutive places in a block-wide list for each lane (n may be 0),
// counted in `*count` (shared memory); returns the first. On the device one
// atomic per warp: an inclusive scan of n over the warp by shuffles, the
// last lane adds the warp's total, each lane's first place is that base plus
// the places of the lanes below it. Every lane of the warp must call it, as
// claim_place. The replay runs lanes one after another: a plain add.
KMC_HD int32_t claim_places(unsigned int* count, unsigned int n) {
#if defined(__CUDA_ARCH__)
  const int lane = static_cast<int>(threadIdx.x & 31u);
  unsigned int below = n;  // inclusive prefix sum
#pragma unroll
  for (int d = 1; d < 32; d <<= 1) {
    const unsigned int y = __shfl_up_sync(0xffffffffu, below, d);
    if (lane >= d) below += y;
  }
  const unsigned int total = __shfl_sync(0xffffffffu, below, 31);
  unsigned int base = 0;
  if (lane == 31 && total) base = atomicAdd(count, total);
  base = __shfl_sync(0xffffffffu, base, 31);
  return static_cast<int32_t>(base + below - n);
#else
  const unsigned int base = *count;
  *count += n;
  return static_cast<int32_t>(base);
#endif
}

}  // namespace coatkmc
