#include <cuda_runtime.h>

#include <cstring>

#include "kernels/cuda/DeviceQuery.cuh"

namespace coatkmc::cuda {

bool compiled() { return true; }

int device_count(char* name, int capacity) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  if (count > 0 && name && capacity > 0) {
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
      std::strncpy(name, prop.name, capacity - 1);
      name[capacity - 1] = '\0';
    }
  }
  return count;
}

unsigned long long free_device_memory() {
  size_t free = 0, total = 0;
  if (cudaMemGetInfo(&free, &total) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return free;
}

}  // namespace coatkmc::cuda
