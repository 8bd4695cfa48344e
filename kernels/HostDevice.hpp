#pragma once
// Marks functions usable from both host and device code. Host-only builds see plain inline.
#if defined(__CUDACC__)
#define KMC_HD __host__ __device__ __forceinline__
#else
#define KMC_HD inline
#endif
