#pragma once
// The CUDA engines' IonWindows (kernels/IonWindow.hpp): the per-ion window
// arrays in GPU memory, reduced by Thrust's CUDA system on the engine's
// stream (kernels/thrust/IonWindowReduce.inl, the code the cpu and replay
// engines run on the host). Include from .cu files only.
#include <cuda_runtime.h>

#include "kernels/IonWindow.hpp"

namespace coatkmc::cuda {

std::unique_ptr<IonWindows> make_device_ion_windows(const IonWindowSetup& setup,
                                                    std::function<IonSource()> source,
                                                    cudaStream_t stream);

}  // namespace coatkmc::cuda
