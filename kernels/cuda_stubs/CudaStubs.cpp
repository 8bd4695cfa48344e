// Linked instead of kernels/cuda/*.cu when the build has no CUDA (as
// Ginkgo's core/device_hooks): every CUDA entry point exists, reports no
// device, and a request for a CUDA engine throws CannotProceed (exit status 3).
// No source outside kernels/cuda* needs to know whether CUDA was compiled.
#include "kernels/SublatticeEngine.hpp"
#include "kernels/WalkerEngine.hpp"
#include "kernels/cuda/DeviceQuery.cuh"
#include "kernels/Failure.hpp"

namespace coatkmc::cuda {

namespace {
[[noreturn]] void not_compiled(const char* what) {
  throw CannotProceed(std::string(what) + ": this build has no CUDA support");
}
}  // namespace

bool compiled() { return false; }

int device_count(char* name, int capacity) {
  if (name && capacity > 0) name[0] = '\0';
  return 0;
}

unsigned long long free_device_memory() { return 0; }

std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup&) {
  not_compiled("sublattice");
}

std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup&) { not_compiled("walkers"); }

}  // namespace coatkmc::cuda
