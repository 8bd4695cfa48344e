#include <cuda_runtime.h>

#include <algorithm>
#include <vector>

#include "kernels/cuda/CudaCheck.cuh"
#include "kernels/cuda/SublatticeDevice.cuh"

namespace coatkmc::cuda {

namespace {

template <class T>
T* device_alloc(int64_t count, const char* what) {
  T* p = nullptr;
  if (count > 0) check(cudaMalloc(&p, sizeof(T) * count), what);
  return p;
}

// Per sweep: a sweep starts only while the batch is below its hop budget.
// `control` = {active, sweeps done}; hops[0] = hops of the batch.
__global__ void gate_kernel(int32_t* control, const unsigned long long* hops,
                            unsigned long long budget) {
  if (control[0] && hops[0] >= budget) control[0] = 0;
  if (control[0]) ++control[1];
}

// One parity class of one sweep: block = one tile, its threads over the
// members of each site class in turn.
__global__ void parity_kernel(LatticeView lat, SublatticeTiling tiling, SublatticeTables tab,
                              SublatticeArrays arr, SublatticeRngKey key, uint64_t sweep,
                              int32_t parity, const uint16_t* order, const int32_t* control,
                              unsigned long long* hops, unsigned long long* slots) {
  if (!control[0]) return;
  extern __shared__ unsigned int block_slots[];
  const int nslots = lat.nbasis * lat.zmax;
  for (int i = threadIdx.x; i < nslots; i += blockDim.x) block_slots[i] = 0;
  __syncthreads();

  int32_t tile[3];
  tiling.tile_of(parity, blockIdx.x, tile);
  unsigned int accepted = 0;
  for (int32_t q = 0; q < tiling.site_classes; ++q) {
    int32_t c[3], b;
    tiling.site_class(order[q], c, b);
    int32_t first[3], count[3];
    for (int a = 0; a < 3; ++a) tiling.axis[a].members(tile[a], c[a], first[a], count[a]);
    const int32_t members = count[0] * count[1] * count[2];
    for (int32_t e = threadIdx.x; e < members; e += blockDim.x) {
      SiteCoord s;
      s.b = b;
      s.c[0] = first[0] + (e % count[0]) * tiling.axis[0].spacing;
      s.c[1] = first[1] + ((e / count[0]) % count[1]) * tiling.axis[1].spacing;
      s.c[2] = first[2] + (e / (count[0] * count[1])) * tiling.axis[2].spacing;
      int32_t slot, ions;
      if (SublatticeAttempt::run(lat, tab, arr, key, sweep, s, slot, ions) == kAttemptAccepted) {
        accepted += static_cast<unsigned int>(ions);  // an exchange moves two ions
        atomicAdd(&block_slots[slot], static_cast<unsigned int>(ions));
      }
    }
    __syncthreads();  // the next site class reads what this one wrote
  }
  // Warp sums, then one global add per warp.
  for (int off = 16; off > 0; off >>= 1) accepted += __shfl_down_sync(0xffffffffu, accepted, off);
  if ((threadIdx.x & 31) == 0 && accepted)
    atomicAdd(hops, static_cast<unsigned long long>(accepted));
  for (int i = threadIdx.x; i < nslots; i += blockDim.x)
    if (block_slots[i]) atomicAdd(&slots[i], static_cast<unsigned long long>(block_slots[i]));
}

}  // namespace

struct SublatticeDevice {
  SublatticeSetup setup;
  HopStep* steps = nullptr;
  uint8_t* site = nullptr;
  IonRecord* record = nullptr;
  uint32_t* threshold[2] = {nullptr, nullptr};
  uint32_t* exchange[2] = {nullptr, nullptr};
  double* site_rate = nullptr;
  double* species_factor = nullptr;
  double* factor[2] = {nullptr, nullptr};
  uint16_t* order = nullptr;
  int64_t order_capacity = 0;
  int32_t* control = nullptr;
  unsigned long long* counters = nullptr;  // [0] hops, [1..] per slot
  cudaStream_t stream = nullptr;
  int block = 128;
};

SublatticeDevice* sublattice_create(const SublatticeSetup& setup) {
  auto* d = new SublatticeDevice;
  try {
    d->setup = setup;
    const LatticeView& lat = setup.lattice;
    const int64_t nsteps = int64_t(lat.nbasis) * lat.zmax;
    check(cudaStreamCreateWithFlags(&d->stream, cudaStreamNonBlocking), "stream");
    d->steps = device_alloc<HopStep>(nsteps, "hop steps");
    check(cudaMemcpy(d->steps, lat.steps, sizeof(HopStep) * nsteps, cudaMemcpyHostToDevice),
          "hop steps");
    d->site = device_alloc<uint8_t>(setup.sites, "site bytes");
    d->record = device_alloc<IonRecord>(setup.sites, "ion records");
    if (setup.threshold_count > 0) {
      for (int i = 0; i < 2; ++i)
        d->threshold[i] = device_alloc<uint32_t>(setup.threshold_count, "thresholds");
    } else {
      const int64_t n = setup.sites * lat.zmax;
      d->site_rate = device_alloc<double>(n, "site rates");
      check(cudaMemcpy(d->site_rate, setup.site_rate, sizeof(double) * n, cudaMemcpyHostToDevice),
            "site rates");
      for (int i = 0; i < 2; ++i) d->factor[i] = device_alloc<double>(2 * lat.zmax + 1, "factors");
      if (setup.species_factor && setup.species_factor_count > 0) {
        d->species_factor = device_alloc<double>(setup.species_factor_count, "species factors");
        check(cudaMemcpy(d->species_factor, setup.species_factor,
                         sizeof(double) * setup.species_factor_count, cudaMemcpyHostToDevice),
              "species factors");
      }
    }
    if (setup.exchange_count > 0)
      for (int i = 0; i < 2; ++i)
        d->exchange[i] = device_alloc<uint32_t>(setup.exchange_count, "exchange thresholds");
    d->control = device_alloc<int32_t>(2, "control");
    d->counters = device_alloc<unsigned long long>(1 + nsteps, "counters");
    // Enough threads for the largest site class of a tile, in whole warps.
    int64_t largest = 1;
    for (int a = 0; a < 3; ++a) {
      const AxisTiling& ax = setup.tiling.axis[a];
      int32_t widest = ax.tiles >= 2 ? ax.tile_start(1) - ax.tile_start(0) + 1 : ax.n;
      largest *= (widest + ax.spacing - 1) / ax.spacing;
    }
    d->block =
        static_cast<int>(std::min<int64_t>(256, std::max<int64_t>(32, (largest + 31) / 32 * 32)));
  } catch (...) {
    sublattice_destroy(d);
    throw;
  }
  return d;
}

void sublattice_destroy(SublatticeDevice* d) {
  if (!d) return;
  cudaFree(d->steps);
  cudaFree(d->site);
  cudaFree(d->record);
  for (int i = 0; i < 2; ++i) {
    cudaFree(d->threshold[i]);
    cudaFree(d->exchange[i]);
    cudaFree(d->factor[i]);
  }
  cudaFree(d->site_rate);
  cudaFree(d->species_factor);
  cudaFree(d->order);
  cudaFree(d->control);
  cudaFree(d->counters);
  if (d->stream) cudaStreamDestroy(d->stream);
  delete d;
}

void sublattice_set_tables(SublatticeDevice* d, bool partial, const uint32_t* threshold,
                           const double* factor, const uint32_t* exchange) {
  const int i = partial ? 1 : 0;
  if (d->setup.exchange_count > 0)
    check(cudaMemcpy(d->exchange[i], exchange, sizeof(uint32_t) * d->setup.exchange_count,
                     cudaMemcpyHostToDevice),
          "exchange thresholds");
  if (d->setup.threshold_count > 0)
    check(cudaMemcpy(d->threshold[i], threshold, sizeof(uint32_t) * d->setup.threshold_count,
                     cudaMemcpyHostToDevice),
          "thresholds");
  else
    check(cudaMemcpy(d->factor[i], factor, sizeof(double) * (2 * d->setup.lattice.zmax + 1),
                     cudaMemcpyHostToDevice),
          "factors");
}

void sublattice_upload(SublatticeDevice* d, const uint8_t* site, const IonRecord* record) {
  check(cudaMemcpy(d->site, site, d->setup.sites, cudaMemcpyHostToDevice), "upload sites");
  check(cudaMemcpy(d->record, record, sizeof(IonRecord) * d->setup.sites, cudaMemcpyHostToDevice),
        "upload ions");
}

void sublattice_download(SublatticeDevice* d, uint8_t* site, IonRecord* record) {
  check(cudaMemcpy(site, d->site, d->setup.sites, cudaMemcpyDeviceToHost), "download sites");
  check(cudaMemcpy(record, d->record, sizeof(IonRecord) * d->setup.sites, cudaMemcpyDeviceToHost),
        "download ions");
}

SublatticeBatchResult sublattice_run(SublatticeDevice* d, const SublatticeBatch& batch,
                                     uint64_t* hops_by_slot) {
  SublatticeBatchResult result;
  if (batch.sweeps <= 0) return result;
  const LatticeView& host_lat = d->setup.lattice;
  const SublatticeTiling& tiling = d->setup.tiling;
  const int32_t P = tiling.parity_classes, S = tiling.site_classes;
  const int nslots = host_lat.nbasis * host_lat.zmax;

  const int64_t orders = int64_t(batch.sweeps) * P * S;
  if (orders > d->order_capacity) {
    cudaFree(d->order);
    d->order = device_alloc<uint16_t>(orders, "class orders");
    d->order_capacity = orders;
  }
  check(cudaMemcpyAsync(d->order, batch.site_order, sizeof(uint16_t) * orders,
                        cudaMemcpyHostToDevice, d->stream),
        "class orders");
  const int32_t control0[2] = {1, 0};
  check(cudaMemcpyAsync(d->control, control0, sizeof control0, cudaMemcpyHostToDevice, d->stream),
        "control");
  check(cudaMemsetAsync(d->counters, 0, sizeof(unsigned long long) * (1 + nslots), d->stream),
        "counters");

  LatticeView lat = host_lat;
  lat.steps = d->steps;
  SublatticeArrays arr{d->site, d->record};
  SublatticeTables tab[2];
  for (int i = 0; i < 2; ++i) {
    tab[i].threshold = d->threshold[i];
    tab[i].site_rate = d->site_rate;
    tab[i].factor = d->factor[i];
    tab[i].species_factor = d->species_factor;
    tab[i].interaction = d->setup.interaction;
    tab[i].rule = d->setup.rule;
    tab[i].exchange = d->exchange[i];
    tab[i].species = d->setup.species;
  }
  const size_t shared = sizeof(unsigned int) * nslots;
  for (int32_t n = 0; n < batch.sweeps; ++n) {
    gate_kernel<<<1, 1, 0, d->stream>>>(d->control, d->counters, batch.hop_budget);
    const SublatticeTables& t = tab[(batch.last_partial && n == batch.sweeps - 1) ? 1 : 0];
    for (int32_t pi = 0; pi < P; ++pi) {
      const int32_t p = batch.parity_order[int64_t(n) * P + pi];
      parity_kernel<<<tiling.tiles_per_parity, d->block, shared, d->stream>>>(
          lat, tiling, t, arr, d->setup.key, batch.first_sweep + n, p,
          d->order + (int64_t(n) * P + p) * S, d->control, d->counters, d->counters + 1);
    }
  }
  check(cudaGetLastError(), "sweep launch");
  int32_t control[2];
  std::vector<unsigned long long> counters(1 + nslots);
  check(cudaMemcpyAsync(control, d->control, sizeof control, cudaMemcpyDeviceToHost, d->stream),
        "control");
  check(cudaMemcpyAsync(counters.data(), d->counters, sizeof(unsigned long long) * (1 + nslots),
                        cudaMemcpyDeviceToHost, d->stream),
        "counters");
  check(cudaStreamSynchronize(d->stream), "sweeps");
  result.sweeps_done = control[1];
  result.hops = counters[0];
  for (int i = 0; i < nslots; ++i) hops_by_slot[i] += counters[1 + i];
  return result;
}

}  // namespace coatkmc::cuda
