#include <cuda_runtime.h>

#include <algorithm>
#include <vector>

#include "kernels/cuda/CudaCheck.cuh"
#include "kernels/cuda/WalkerDevice.cuh"

namespace coatkmc::cuda {

namespace {

// Up to this many hop lengths are counted in registers; more go to shared memory.
constexpr int kRegisterLengths = 4;

__global__ void walker_kernel(LatticeView lat, const WalkerGroup* groups, int32_t group_count,
                              WalkerArrays arr, const uint8_t* length_class, int32_t lengths,
                              unsigned long long* counts) {
  extern __shared__ unsigned int block_counts[];  // [group][length]
  const int total = group_count * lengths;
  for (int c = threadIdx.x; c < total; c += blockDim.x) block_counts[c] = 0;
  __syncthreads();
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < arr.walker_count) {
    int32_t g = 0;
    while (g + 1 < group_count && i >= groups[g + 1].first_walker) ++g;
    const WalkerGroup& group = groups[g];
    const int32_t w = static_cast<int32_t>(i - group.first_walker);
    if (w >= 0 && w < group.walkers) {
      int32_t cells[3] = {arr.cells[i], arr.cells[arr.walker_count + i],
                          arr.cells[2 * arr.walker_count + i]};
      int32_t site = arr.site[i];
      unsigned int* mine = block_counts + g * lengths;
      unsigned int reg[kRegisterLengths] = {0, 0, 0, 0};
      const bool in_registers = lengths <= kRegisterLengths;
      WalkerStep::advance(lat, group, w, site, cells, [&](int32_t slot) {
        const int l = length_class[slot];
        if (in_registers) {
#pragma unroll
          for (int q = 0; q < kRegisterLengths; ++q) reg[q] += (q == l);
        } else {
          atomicAdd(&mine[l], 1u);
        }
      });
      if (in_registers) {
#pragma unroll
        for (int q = 0; q < kRegisterLengths; ++q)
          if (q < lengths && reg[q]) atomicAdd(&mine[q], reg[q]);
      }
      arr.site[i] = site;
      arr.cells[i] = cells[0];
      arr.cells[arr.walker_count + i] = cells[1];
      arr.cells[2 * arr.walker_count + i] = cells[2];
    }
  }
  __syncthreads();
  for (int c = threadIdx.x; c < total; c += blockDim.x)
    if (block_counts[c]) atomicAdd(&counts[c], static_cast<unsigned long long>(block_counts[c]));
}

}  // namespace

struct WalkerDevice {
  LatticeView lattice;
  int64_t walkers = 0;
  HopStep* steps = nullptr;
  int32_t* site = nullptr;
  int32_t* cells = nullptr;
  std::vector<double*> tables;
  uint8_t* length_class = nullptr;
  int32_t lengths = 1;
  WalkerGroup* groups = nullptr;
  int32_t group_capacity = 0;
  unsigned long long* counts = nullptr;
  int64_t count_capacity = 0;
  cudaStream_t stream = nullptr;
};

WalkerDevice* walkers_create(const LatticeView& lattice, int64_t walkers,
                             const std::vector<WalkerTable>& tables,
                             const std::vector<uint8_t>& length_class, int32_t lengths) {
  auto* d = new WalkerDevice;
  try {
    d->lattice = lattice;
    d->walkers = walkers;
    check(cudaStreamCreateWithFlags(&d->stream, cudaStreamNonBlocking), "stream");
    const int64_t nsteps = int64_t(lattice.nbasis) * lattice.zmax;
    check(cudaMalloc(&d->steps, sizeof(HopStep) * nsteps), "hop steps");
    check(cudaMemcpy(d->steps, lattice.steps, sizeof(HopStep) * nsteps, cudaMemcpyHostToDevice),
          "hop steps");
    d->lattice.steps = d->steps;
    d->lengths = lengths;
    check(cudaMalloc(&d->length_class, length_class.size()), "length classes");
    check(cudaMemcpy(d->length_class, length_class.data(), length_class.size(),
                     cudaMemcpyHostToDevice),
          "length classes");
    const int64_t n = std::max<int64_t>(walkers, 1);
    check(cudaMalloc(&d->site, sizeof(int32_t) * n), "walker sites");
    check(cudaMalloc(&d->cells, sizeof(int32_t) * 3 * n), "walker cells");
    for (const WalkerTable& t : tables) {
      double* p = nullptr;
      check(cudaMalloc(&p, sizeof(double) * t.count), "rate table");
      d->tables.push_back(p);
      check(cudaMemcpy(p, t.cumulative, sizeof(double) * t.count, cudaMemcpyHostToDevice),
            "rate table");
    }
  } catch (...) {
    walkers_destroy(d);
    throw;
  }
  return d;
}

void walkers_destroy(WalkerDevice* d) {
  if (!d) return;
  cudaFree(d->steps);
  cudaFree(d->site);
  cudaFree(d->cells);
  for (double* p : d->tables) cudaFree(p);
  cudaFree(d->groups);
  cudaFree(d->counts);
  cudaFree(d->length_class);
  if (d->stream) cudaStreamDestroy(d->stream);
  delete d;
}

void walkers_upload(WalkerDevice* d, const int32_t* site, const int32_t* cells) {
  if (d->walkers == 0) return;
  check(cudaMemcpy(d->site, site, sizeof(int32_t) * d->walkers, cudaMemcpyHostToDevice),
        "upload walkers");
  check(cudaMemcpy(d->cells, cells, sizeof(int32_t) * 3 * d->walkers, cudaMemcpyHostToDevice),
        "upload walkers");
}

void walkers_download(WalkerDevice* d, int32_t* site, int32_t* cells) {
  if (d->walkers == 0) return;
  check(cudaMemcpy(site, d->site, sizeof(int32_t) * d->walkers, cudaMemcpyDeviceToHost),
        "download walkers");
  check(cudaMemcpy(cells, d->cells, sizeof(int32_t) * 3 * d->walkers, cudaMemcpyDeviceToHost),
        "download walkers");
}

void walkers_run(WalkerDevice* d, const WalkerGroup* host_groups, int32_t group_count,
                 uint64_t* hops_by_length) {
  if (d->walkers == 0 || group_count == 0) return;
  std::vector<WalkerGroup> groups(host_groups, host_groups + group_count);
  for (int32_t g = 0; g < group_count; ++g) groups[g].cumulative = d->tables.at(g);
  if (group_count > d->group_capacity) {
    cudaFree(d->groups);
    d->groups = nullptr;
    check(cudaMalloc(&d->groups, sizeof(WalkerGroup) * group_count), "groups");
    d->group_capacity = group_count;
  }
  const int64_t counters = int64_t(group_count) * d->lengths;
  if (counters > d->count_capacity) {
    cudaFree(d->counts);
    d->counts = nullptr;
    check(cudaMalloc(&d->counts, sizeof(unsigned long long) * counters), "counters");
    d->count_capacity = counters;
  }
  check(cudaMemcpyAsync(d->groups, groups.data(), sizeof(WalkerGroup) * group_count,
                        cudaMemcpyHostToDevice, d->stream),
        "groups");
  check(cudaMemsetAsync(d->counts, 0, sizeof(unsigned long long) * counters, d->stream),
        "counters");
  const int block = 128;
  const int64_t grid = (d->walkers + block - 1) / block;
  WalkerArrays arr{d->site, d->cells, d->walkers};
  walker_kernel<<<static_cast<unsigned>(grid), block, sizeof(unsigned int) * counters, d->stream>>>(
      d->lattice, d->groups, group_count, arr, d->length_class, d->lengths, d->counts);
  check(cudaGetLastError(), "walker launch");
  std::vector<unsigned long long> host(counters);
  check(cudaMemcpyAsync(host.data(), d->counts, sizeof(unsigned long long) * counters,
                        cudaMemcpyDeviceToHost, d->stream),
        "counters");
  check(cudaStreamSynchronize(d->stream), "walkers");
  for (int64_t c = 0; c < counters; ++c) hops_by_length[c] += host[c];
}

}  // namespace coatkmc::cuda
