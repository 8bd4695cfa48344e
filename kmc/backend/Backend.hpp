#pragma once
#include <string>

namespace coatkmc {

// Cpu: the OpenMP launchers (kernels/cpu). Cuda: the device kernels on a GPU.
// Replay: the device kernels' bodies run on the host by kernels/replay, which
// replays the CUDA launch plan (grid, blocks, barriers, per-block counters,
// the gate) with block and lane orders shuffled: how the device code is
// tested without a GPU. Not offered by `--backend`; tests and bench use it.
enum class BackendKind { Cpu, Cuda, Replay };

// What this build and this machine offer. The CUDA part is answered by plain
// driver functions in kernels/cuda/*.cuh, so no host code needs nvcc.
struct BackendInfo {
  bool cuda_compiled = false;
  int cuda_devices = 0;
  std::string cuda_device_name;  // first usable device
  std::string cpu_name;
};

const BackendInfo& backend_info();

// Resolves `auto|cpu|cuda` for a solver. `cuda` without a usable GPU, or for a
// solver that has no CUDA path, throws CannotProceed (exit status 3); `auto`
// takes the GPU when the solver has a CUDA path and a device works.
BackendKind resolve_backend(const std::string& requested, bool solver_has_cuda);

std::string backend_name(BackendKind kind);
std::string device_name(BackendKind kind);

}  // namespace coatkmc
