#pragma once
// Plain driver functions around the CUDA runtime; host code includes this
// header without nvcc. Defined in DeviceQuery.cu when the build has CUDA,
// otherwise in kernels/cuda_stubs/CudaStubs.cpp (no devices).
namespace coatkmc::cuda {

// Whether this build has the CUDA backend compiled in.
bool compiled();

// Number of usable CUDA devices (0 when the driver or a device is missing).
// Writes the first device's name into `name` (at most `capacity` bytes).
int device_count(char* name, int capacity);

// Free memory, bytes, of the device runs use (the current one); 0 when it cannot be read.
unsigned long long free_device_memory();

}  // namespace coatkmc::cuda
