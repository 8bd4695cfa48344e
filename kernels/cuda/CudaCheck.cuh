#pragma once
// Turns a failed CUDA runtime call into CannotProceed (exit status 3): a GPU
// that fails mid-run is a machine problem, not a bad input. Include from .cu only.
#include <cuda_runtime.h>

#include <string>

#include "kernels/Failure.hpp"

namespace coatkmc::cuda {

inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw CannotProceed(std::string("CUDA: ") + what + ": " + cudaGetErrorString(status));
}

}  // namespace coatkmc::cuda
