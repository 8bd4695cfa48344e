#pragma once
// Driver functions of the CUDA walkers solver; host code includes this header
// without nvcc. One thread per walker (kernels/WalkerStep.hpp); a batch holds
// several groups (temperatures, landscape realizations) advanced in one launch.
// Defined in WalkerDevice.cu.
#include <cstdint>
#include <vector>

#include "kernels/LatticeView.hpp"
#include "kernels/WalkerStep.hpp"

namespace coatkmc::cuda {

struct WalkerDevice;

// A group's cumulative-rate table on the host, copied once.
struct WalkerTable {
  const double* cumulative = nullptr;
  int64_t count = 0;
};

// `length_class` (nbasis * zmax entries) numbers the distinct hop lengths,
// `lengths` of them; hops are counted per group and length class.
WalkerDevice* walkers_create(const LatticeView& lattice, int64_t walkers,
                             const std::vector<WalkerTable>& tables,
                             const std::vector<uint8_t>& length_class, int32_t lengths);
void walkers_destroy(WalkerDevice* device);
void walkers_upload(WalkerDevice* device, const int32_t* site, const int32_t* cells);
void walkers_download(WalkerDevice* device, int32_t* site, int32_t* cells);
// Advances every group to its t_end (`groups[g].cumulative` is replaced by
// table g on the device). hops_by_length[g * lengths + l] gets the hops added.
void walkers_run(WalkerDevice* device, const WalkerGroup* groups, int32_t group_count,
                 uint64_t* hops_by_length);

}  // namespace coatkmc::cuda
