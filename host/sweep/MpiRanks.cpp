#include "host/sweep/MpiRanks.hpp"

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include "kmc/core/Error.hpp"
#if COATKMC_HAVE_MPI
#include <mpi.h>
#endif

namespace coatkmc {

namespace {
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  return (*end == '\0' && x >= 0 && x < (1 << 24)) ? static_cast<int>(x) : fallback;
}
}  // namespace

int launcher_rank_count() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"}) {
    const int n = env_int(name, 0);
    if (n > 0) return n;
  }
  return 1;
}

MpiRanks::MpiRanks() {
  if (launcher_rank_count() <= 1) return;
#if COATKMC_HAVE_MPI
  MPI_Init(nullptr, nullptr);
  initialized_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_free(&node);
#else
  throw CannotProceed("started by an MPI launcher with " + std::to_string(launcher_rank_count()) +
                      " ranks, but this coatkmc was built without MPI (install libopenmpi-dev "
                      "and rebuild)");
#endif
}

MpiRanks::~MpiRanks() {
#if COATKMC_HAVE_MPI
  if (initialized_) MPI_Finalize();
#endif
}

void MpiRanks::barrier() const {
#if COATKMC_HAVE_MPI
  if (initialized_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

long long MpiRanks::sum(long long value) const {
#if COATKMC_HAVE_MPI
  if (initialized_) {
    long long total = 0;
    MPI_Allreduce(&value, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    return total;
  }
#endif
  return value;
}

void MpiRanks::abort(int status) const {
#if COATKMC_HAVE_MPI
  if (initialized_) MPI_Abort(MPI_COMM_WORLD, status);
#endif
  std::exit(status);
}

std::string pin_gpu_for_rank(int local_rank) {
  std::vector<std::string> devices;
  if (const char* v = std::getenv("CUDA_VISIBLE_DEVICES"); v) {
    std::stringstream ss(v);
    std::string d;
    while (std::getline(ss, d, ','))
      if (!d.empty()) devices.push_back(d);
  } else {
    std::error_code ec;
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/driver/nvidia/gpus", ec)) {
      (void)e;
      ++n;
    }
    for (int i = 0; i < n; ++i) devices.push_back(std::to_string(i));
  }
  if (devices.empty()) return "";
  const std::string chosen = devices[static_cast<size_t>(local_rank) % devices.size()];
  ::setenv("CUDA_VISIBLE_DEVICES", chosen.c_str(), 1);
  return chosen;
}

}  // namespace coatkmc
