#include "kmc/backend/Backend.hpp"

#include <fstream>

#include "kernels/cuda/DeviceQuery.cuh"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {
std::string read_cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "cpu";
}
}  // namespace

const BackendInfo& backend_info() {
  static const BackendInfo info = [] {
    BackendInfo b;
    b.cpu_name = read_cpu_name();
    // Without CUDA the build links kernels/cuda_stubs: compiled() is false, no devices.
    b.cuda_compiled = cuda::compiled();
    char name[256] = {0};
    b.cuda_devices = cuda::device_count(name, sizeof(name));
    b.cuda_device_name = name;
    return b;
  }();
  return info;
}

BackendKind resolve_backend(const std::string& requested, bool solver_has_cuda) {
  const BackendInfo& info = backend_info();
  if (requested == "cpu") return BackendKind::Cpu;
  if (requested == "cuda") {
    if (!info.cuda_compiled)
      throw CannotProceed("--backend cuda: this build has no CUDA support (rebuild with nvcc present)");
    if (info.cuda_devices == 0) throw CannotProceed("--backend cuda: no usable CUDA device found");
    if (!solver_has_cuda) throw CannotProceed("--backend cuda: this solver has no CUDA path");
    return BackendKind::Cuda;
  }
  return (solver_has_cuda && info.cuda_devices > 0) ? BackendKind::Cuda : BackendKind::Cpu;
}

std::string backend_name(BackendKind kind) {
  switch (kind) {
    case BackendKind::Cuda: return "cuda";
    case BackendKind::Replay: return "replay";
    default: return "cpu";
  }
}

std::string device_name(BackendKind kind) {
  if (kind == BackendKind::Cuda) return backend_info().cuda_device_name;
  if (kind == BackendKind::Replay) return backend_info().cpu_name + " (device code replayed)";
  return backend_info().cpu_name;
}

}  // namespace coatkmc
