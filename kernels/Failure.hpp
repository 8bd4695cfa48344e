#pragma once
// The one failure every layer may raise, defined at the bottom layer so that
// the CUDA drivers (kernels/cuda/CudaCheck.cuh) can raise it without seeing
// kmc/: kmc/core/Error.hpp re-exports it next to InputError.
#include <stdexcept>

namespace coatkmc {

// A run that cannot proceed on this machine (exit status 3), e.g. no usable GPU.
class CannotProceed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace coatkmc
