#pragma once
// Device and pinned host buffers for the CUDA engines (include from .cu only).
// Every copy goes through a pinned staging buffer and is ordered on the
// engine's stream (cudaMemcpyAsync), so a copy can never race a kernel that
// was queued before it on the same stream, as a plain cudaMemcpy from
// pageable memory may on a non-blocking stream.
#include <cuda_runtime.h>

#include <cstring>

#include "kernels/cuda/CudaCheck.cuh"

namespace coatkmc::cuda {

template <class T>
struct DeviceBuffer {
  T* ptr = nullptr;
  int64_t count = 0;
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr(o.ptr), count(o.count) {
    o.ptr = nullptr;
    o.count = 0;
  }
  ~DeviceBuffer() { cudaFree(ptr); }
  void allocate(int64_t n, const char* what) {
    cudaFree(ptr);
    ptr = nullptr;
    count = n;
    if (n > 0) check(cudaMalloc(&ptr, sizeof(T) * n), what);
  }
};

// A pinned host buffer that grows; staging for the copies of one stream.
struct PinnedStaging {
  void* ptr = nullptr;
  size_t bytes = 0;
  PinnedStaging() = default;
  PinnedStaging(const PinnedStaging&) = delete;
  PinnedStaging& operator=(const PinnedStaging&) = delete;
  ~PinnedStaging() { cudaFreeHost(ptr); }
  void* reserve(size_t n) {
    if (n > bytes) {
      cudaFreeHost(ptr);
      ptr = nullptr;
      check(cudaMallocHost(&ptr, n), "pinned staging");
      bytes = n;
    }
    return ptr;
  }
};

// Host -> device on `stream` through `staging`; waits for the copy, so the
// caller may reuse its memory and the staging buffer at once.
template <class T>
void copy_to_device(T* device, const T* host, int64_t count, PinnedStaging& staging,
                    cudaStream_t stream, const char* what) {
  if (count <= 0) return;
  const size_t bytes = sizeof(T) * count;
  void* pinned = staging.reserve(bytes);
  std::memcpy(pinned, host, bytes);
  check(cudaMemcpyAsync(device, pinned, bytes, cudaMemcpyHostToDevice, stream), what);
  check(cudaStreamSynchronize(stream), what);
}

// Device -> host on `stream` (after every kernel queued before it).
template <class T>
void copy_to_host(T* host, const T* device, int64_t count, PinnedStaging& staging,
                  cudaStream_t stream, const char* what) {
  if (count <= 0) return;
  const size_t bytes = sizeof(T) * count;
  void* pinned = staging.reserve(bytes);
  check(cudaMemcpyAsync(pinned, device, bytes, cudaMemcpyDeviceToHost, stream), what);
  check(cudaStreamSynchronize(stream), what);
  std::memcpy(host, pinned, bytes);
}

// Raises a kernel's dynamic shared-memory limit when a launch needs more than
// the default 48 KiB, or refuses with a clear error when the device has less.
template <class Kernel>
void allow_shared_bytes(Kernel kernel, int bytes, const char* what) {
  if (bytes <= 48 * 1024) return;
  int device = 0, limit = 0;
  check(cudaGetDevice(&device), what);
  check(cudaDeviceGetAttribute(&limit, cudaDevAttrMaxSharedMemoryPerBlockOptin, device), what);
  if (bytes > limit)
    throw CannotProceed(std::string("CUDA: ") + what + " needs " + std::to_string(bytes) +
                        " bytes of shared memory per block; the device offers " +
                        std::to_string(limit));
  check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes), what);
}

}  // namespace coatkmc::cuda
