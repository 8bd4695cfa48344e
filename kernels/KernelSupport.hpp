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

}  // namespace coatkmc
