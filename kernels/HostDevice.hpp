#pragma once
// Marks functions usable from both host and device code. Host-only builds see plain inline.
#if defined(__CUDACC__)
#define KMC_HD __host__ __device__ __forceinline__
#else
#define KMC_HD inline
#endif

// Keeps a device loop rolled (nvcc's `#pragma unroll 1`): unrolling a loop of
// dependent loads buys little and costs registers the kernel must keep under
// its launch bound (tests/CMakeLists.txt, gpu-resources). Host compilers see
// nothing (GCC would warn about an unknown pragma).
#if defined(__CUDA_ARCH__)
#define KMC_DEVICE_LOOP_ROLLED _Pragma("unroll 1")
#else
#define KMC_DEVICE_LOOP_ROLLED
#endif

// Unrolls a device loop by 4 (nvcc's `#pragma unroll 4`): for a loop of
// independent loads (bytes of a site's neighbours), so that four are in
// flight at once instead of one per iteration's latency.
#if defined(__CUDA_ARCH__)
#define KMC_DEVICE_LOOP_UNROLL4 _Pragma("unroll 4")
#else
#define KMC_DEVICE_LOOP_UNROLL4
#endif

// Unrolls a device loop of a constant trip count completely (nvcc's `#pragma
// unroll`): for loops that index a small array of registers, which a loop
// left rolled would put in local memory.
#if defined(__CUDA_ARCH__)
#define KMC_DEVICE_LOOP_UNROLL_ALL _Pragma("unroll")
#else
#define KMC_DEVICE_LOOP_UNROLL_ALL
#endif
