#include "host/run/RunMemory.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kmc/core/Error.hpp"
#include "kmc/simulation/RunPlan.hpp"
#if COATKMC_HAVE_CUDA
#include "kernels/cuda/DeviceQuery.cuh"
#endif

namespace coatkmc {

double free_disk_bytes(const std::string& path) {
  std::filesystem::path p = std::filesystem::absolute(path.empty() ? "." : path);
  std::error_code ec;
  while (!std::filesystem::exists(p, ec) && p.has_parent_path() && p.parent_path() != p)
    p = p.parent_path();
  struct statvfs st {};
  if (::statvfs(p.c_str(), &st) != 0) return 0;
  return double(st.f_bavail) * double(st.f_frsize);
}

double usable_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  double bytes = (pages > 0 && page > 0) ? double(pages) * double(page) : 0.0;
  // cgroup v2 ("max" when unlimited) and v1.
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const double limit = std::stod(text);
    if (limit > 0 && (bytes == 0 || limit < bytes)) bytes = limit;
  }
  return bytes;
}

double free_device_memory_bytes() {
#if COATKMC_HAVE_CUDA
  if (backend_info().cuda_devices == 0) return 0;
  return static_cast<double>(cuda::free_device_memory());
#else
  return 0;
#endif
}

void check_run_fits(const SimulationSettings& s, const std::string& solver, BackendKind backend,
                    const MemoryBudget& available, const std::string& where) {
  if (const auto problem = memory_problem(s, solver, backend, available))
    throw InputError(where, problem->message);
}

}  // namespace coatkmc
