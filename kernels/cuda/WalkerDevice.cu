// The CUDA walkers engine: a thin __global__ wrapper around the phases of
// kernels/WalkerKernel.hpp and its driver (kernels/replay/WalkerReplay.cpp
// follows the same steps on the host).
#include <cuda_runtime.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/system/cuda/execution_policy.h>
#include <thrust/transform_reduce.h>

#include <algorithm>
#include <vector>

#include "kernels/WalkerEngine.hpp"
#include "kernels/WalkerKernel.hpp"
#include "kernels/cuda/DeviceBuffers.cuh"
#include "kernels/cuda/IonWindows.cuh"

namespace coatkmc::cuda {

namespace {

__global__ void __launch_bounds__(128, 8) walker_kernel(WalkerLaunch L) {
  extern __shared__ unsigned int block_counts[];
  const Lane lane{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  WalkerKernel::phase(L, lane, 0, block_counts);
  __syncthreads();
  WalkerKernel::phase(L, lane, 1, block_counts);
  __syncthreads();
  WalkerKernel::phase(L, lane, 2, block_counts);
}

class WalkerCuda final : public WalkerEngine {
 public:
  explicit WalkerCuda(const WalkerSetup& setup) : setup_(setup) {
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "stream");
    const LatticeView& lat = setup.lattice;
    const int64_t nsteps = int64_t(lat.nbasis) * lat.zmax;
    steps_.allocate(nsteps, "hop steps");
    copy_to_device(steps_.ptr, lat.steps, nsteps, staging_, stream_, "hop steps");
    length_class_.allocate(static_cast<int64_t>(setup.length_class.size()), "length classes");
    copy_to_device(length_class_.ptr, setup.length_class.data(),
                   static_cast<int64_t>(setup.length_class.size()), staging_, stream_,
                   "length classes");
    const int64_t n = std::max<int64_t>(setup.walkers, 1);
    site_.allocate(n, "walker sites");
    cells_.allocate(3 * n, "walker cells");
    tables_.resize(setup.tables.size());
    for (size_t g = 0; g < setup.tables.size(); ++g) {
      tables_[g].allocate(setup.tables[g].count, "rate table");
      copy_to_device(tables_[g].ptr, setup.tables[g].cumulative, setup.tables[g].count, staging_,
                     stream_, "rate table");
    }
  }
  ~WalkerCuda() override {
    if (stream_) cudaStreamDestroy(stream_);
  }
  void upload(const int32_t* site, const int32_t* cells) override {
    copy_to_device(site_.ptr, site, setup_.walkers, staging_, stream_, "upload walkers");
    copy_to_device(cells_.ptr, cells, 3 * setup_.walkers, staging_, stream_, "upload walkers");
  }
  void download(int32_t* site, int32_t* cells) override {
    copy_to_host(site, site_.ptr, setup_.walkers, staging_, stream_, "download walkers");
    copy_to_host(cells, cells_.ptr, 3 * setup_.walkers, staging_, stream_, "download walkers");
  }
  void run(const WalkerGroup* host_groups, int32_t group_count,
           uint64_t* hops_by_length) override {
    if (setup_.walkers == 0 || group_count == 0) return;
    std::vector<WalkerGroup> groups(host_groups, host_groups + group_count);
    for (int32_t g = 0; g < group_count; ++g) groups[g].cumulative = tables_.at(g).ptr;
    if (group_count > groups_.count) groups_.allocate(group_count, "groups");
    const int64_t counters = int64_t(group_count) * setup_.lengths;
    if (counters > counts_.count) counts_.allocate(counters, "counters");
    copy_to_device(groups_.ptr, groups.data(), group_count, staging_, stream_, "groups");
    check(cudaMemsetAsync(counts_.ptr, 0, sizeof(unsigned long long) * counters, stream_),
          "counters");
    const WalkerLaunchPlan plan = plan_walker_launch(setup_.walkers, group_count, setup_.lengths);
    allow_shared_bytes(walker_kernel, plan.shared_bytes, "walker kernel");
    LatticeView lat = setup_.lattice;
    lat.steps = steps_.ptr;
    const WalkerLaunch L{lat,         groups_.ptr,
                         group_count, setup_.lengths,
                         WalkerArrays{site_.ptr, cells_.ptr, setup_.walkers},
                         length_class_.ptr, counts_.ptr, nullptr, 1};
    walker_kernel<<<plan.grid, plan.block, plan.shared_bytes, stream_>>>(L);
    check(cudaGetLastError(), "walker launch");
    std::vector<unsigned long long> host(counters);
    copy_to_host(host.data(), counts_.ptr, counters, staging_, stream_, "counters");
    for (int64_t c = 0; c < counters; ++c) hops_by_length[c] += host[c];
  }

  // All the rounds in one launch: the group and the round ends go to the
  // device with the launch (at most kMaxRounds doubles), the hop counters come back.
  void run_rounds(const WalkerGroup& group, const double* ends, int32_t rounds,
                  uint64_t* hops_by_length) override {
    if (setup_.walkers == 0 || rounds <= 0) return;
    WalkerGroup g = group;
    g.cumulative = tables_.at(0).ptr;
    if (groups_.count < 1) groups_.allocate(1, "groups");
    if (rounds > ends_.count) ends_.allocate(rounds, "round ends");
    if (setup_.lengths > counts_.count) counts_.allocate(setup_.lengths, "counters");
    copy_to_device(groups_.ptr, &g, 1, staging_, stream_, "groups");
    copy_to_device(ends_.ptr, ends, rounds, staging_, stream_, "round ends");
    check(cudaMemsetAsync(counts_.ptr, 0, sizeof(unsigned long long) * setup_.lengths, stream_),
          "counters");
    const WalkerLaunchPlan plan = plan_walker_launch(setup_.walkers, 1, setup_.lengths);
    allow_shared_bytes(walker_kernel, plan.shared_bytes, "walker kernel");
    LatticeView lat = setup_.lattice;
    lat.steps = steps_.ptr;
    const WalkerLaunch L{lat,         groups_.ptr,
                         1,           setup_.lengths,
                         WalkerArrays{site_.ptr, cells_.ptr, setup_.walkers},
                         length_class_.ptr, counts_.ptr, ends_.ptr, rounds};
    walker_kernel<<<plan.grid, plan.block, plan.shared_bytes, stream_>>>(L);
    check(cudaGetLastError(), "walker rounds launch");
    std::vector<unsigned long long> host(setup_.lengths);
    copy_to_host(host.data(), counts_.ptr, setup_.lengths, staging_, stream_, "counters");
    for (int32_t l = 0; l < setup_.lengths; ++l) hops_by_length[l] += host[l];
  }

  double escape_rate_sum(const WalkerGroup& group, int32_t table) override {
    const WalkerEscapeRate rate =
        WalkerEscapeRate::of(site_.ptr, tables_.at(table).ptr, group, setup_.lattice);
    return thrust::transform_reduce(thrust::cuda::par.on(stream_),
                                    thrust::counting_iterator<int64_t>(0),
                                    thrust::counting_iterator<int64_t>(group.walkers), rate, 0.0,
                                    thrust::plus<double>());
  }

  IonWindows& bind_windows(const IonWindowSetup& setup) override {
    windows_.reset();
    windows_ = make_device_ion_windows(setup, [this, first = setup.first_walker] {
      return IonSource::of_walkers(site_.ptr, cells_.ptr, setup_.walkers, first);
    }, stream_);
    return *windows_;
  }

 private:
  WalkerSetup setup_;
  cudaStream_t stream_ = nullptr;
  PinnedStaging staging_;
  DeviceBuffer<HopStep> steps_;
  DeviceBuffer<uint8_t> length_class_;
  DeviceBuffer<int32_t> site_, cells_;
  std::vector<DeviceBuffer<double>> tables_;
  DeviceBuffer<WalkerGroup> groups_;
  DeviceBuffer<unsigned long long> counts_;
  DeviceBuffer<double> ends_;
  std::unique_ptr<IonWindows> windows_;
};

}  // namespace

std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup) {
  return std::make_unique<WalkerCuda>(setup);
}

}  // namespace coatkmc::cuda
