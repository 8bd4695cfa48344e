// The CUDA sublattice engine: thin __global__ wrappers around the phases of
// kernels/SublatticeKernel.hpp and the driver that queues a batch of sweeps
// (kernels/replay/SublatticeReplay.cpp follows the same steps on the host).
// Under the lattice-wide class rule (setup.lattice_rule.active()) a sweep is
// the gate launch and then one class_kernel launch per class, in the sweep's
// class order (kernels/SublatticeClassKernel.hpp).
#include <cuda_runtime.h>

#include <algorithm>
#include <vector>

#include "kernels/Failure.hpp"
#include "kernels/SublatticeClassKernel.hpp"
#include "kernels/SublatticeEngine.hpp"
#include "kernels/SublatticeKernel.hpp"
#include "kernels/cuda/DeviceBuffers.cuh"
#include "kernels/cuda/IonWindows.cuh"

namespace coatkmc::cuda {

namespace {
__global__ void gate_kernel(int32_t* control, const unsigned long long* hops,
                            unsigned long long budget) {
  SublatticeKernel::gate(control, hops, budget);
}

// The steps of a launch, each step's word read once for its phases.
template <bool kThinned>
__device__ __forceinline__ void run_steps(const SublatticeLaunch& L, const Lane& lane,
                                          unsigned int* block_slots) {
  const int32_t steps = SublatticeKernel::steps(L, lane, block_slots);
  for (int32_t step = 0; step < steps; ++step) {
    const unsigned int word = SublatticeKernel::step_word(L, lane, step, block_slots);
    for (int32_t kind = 0; kind < SublatticeKernel::kinds_per_step(L, block_slots); ++kind) {
      // A pass without entries is skipped by the whole block (the replay runs it: a no-op).
      if (!SublatticeKernel::pass_runs(L, lane, word, kind, block_slots)) continue;
      SublatticeKernel::class_phase_as<kThinned>(L, lane, word, kind, block_slots);
      __syncthreads();  // the next phase reads what this one wrote
    }
  }
}

// One parity class of one sweep: block = one tile. The bound keeps ptxas at
// <= 72 registers (4 blocks of 224 per SM; gpu-resources test).
__global__ void __launch_bounds__(kSublatticeMaxBlock, kSublatticeMinBlocksPerSm)
    parity_kernel(SublatticeLaunch L) {
  extern __shared__ unsigned int block_slots[];
  if (!SublatticeKernel::active(L)) return;  // uniform over the grid: before any barrier
  const Lane lane{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  // The phases of SublatticeKernel::phase() (which the replay calls one by
  // one), each step's word read once for its three phases.
  SublatticeKernel::prepare(L, lane, block_slots);
  __syncthreads();
  // Two loops, one per kind of visit (uniform over the launch), so that each
  // gets its own register allocation (class_phase_as).
  if (SublatticeThinning::applies(L.lat, L.tab))
    run_steps<true>(L, lane, block_slots);
  else
    run_steps<false>(L, lane, block_slots);
  SublatticeKernel::flush(L, lane, block_slots);
}

// One class of the lattice-wide class rule: SublatticeClassKernel's four
// phases with a barrier between them, its shared words a static array (the
// layout is fixed). The bound keeps ptxas at <= 40 registers (6 blocks of
// 256 per SM; gpu-resources test).
__global__ void __launch_bounds__(kSublatticeClassBlock, kSublatticeClassMinBlocksPerSm)
    class_kernel(SublatticeClassLaunch L) {
  __shared__ unsigned int shared[SublatticeClassSharedLayout::kWords];
  if (!SublatticeClassKernel::active(L)) return;  // uniform over the grid: before any barrier
  const Lane lane{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  SublatticeClassKernel::prepare(L, lane, shared);
  __syncthreads();
  SublatticeClassKernel::screen(L, lane, shared);
  __syncthreads();
  SublatticeClassKernel::decide_all(L, lane, shared);
  __syncthreads();
  SublatticeClassKernel::flush(L, lane, shared);
}

class SublatticeCuda final : public SublatticeEngine {
 public:
  explicit SublatticeCuda(const SublatticeSetup& setup) : setup_(setup) {
    const LatticeView& lat = setup.lattice;
    const int64_t nsteps = int64_t(lat.nbasis) * lat.zmax;
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "stream");
    if (setup.lattice_rule.active()) {
      class_plan_ = plan_sublattice_class_launch(setup.lattice_rule, lat, setup.key);
      plan_.slots = class_plan_.slots;
    } else {
      if (setup.key.word_group != 0)
        throw CannotProceed("sublattice cuda engine: the tiles' words need key.word_group = 0");
      plan_ = plan_sublattice_launch(setup.tiling, lat);
      allow_shared_bytes(parity_kernel, plan_.shared_bytes, "sublattice kernel");
    }
    steps_.allocate(nsteps, "hop steps");
    copy_to_device(steps_.ptr, lat.steps, nsteps, staging_, stream_, "hop steps");
    site_.allocate(setup.sites, "site bytes");
    record_.allocate(setup.sites, "ion records");
    if (setup.threshold_count > 0) {
      for (auto& t : threshold_) t.allocate(setup.threshold_count, "thresholds");
    } else {
      const int64_t n = setup.sites * lat.zmax;
      site_rate_.allocate(n, "site rates");
      copy_to_device(site_rate_.ptr, setup.site_rate, n, staging_, stream_, "site rates");
      for (auto& f : factor_) f.allocate(2 * lat.zmax + 1, "factors");
      if (setup.species_factor && setup.species_factor_count > 0) {
        species_factor_.allocate(setup.species_factor_count, "species factors");
        copy_to_device(species_factor_.ptr, setup.species_factor, setup.species_factor_count,
                       staging_, stream_, "species factors");
      }
    }
    if (setup.exchange_count > 0)
      for (auto& x : exchange_) x.allocate(setup.exchange_count, "exchange thresholds");
    if (setup.env_entries > 0 || setup.env_slots > 0) {
      // The environment model: entries, ranges and factors once; thresholds or bases per table.
      env_entry_.allocate(std::max<int64_t>(1, setup.env_entries), "environment entries");
      copy_to_device(env_entry_.ptr, setup.env_entry, setup.env_entries, staging_, stream_,
                     "environment entries");
      env_begin_.allocate(setup.env_slots + 1, "environment ranges");
      copy_to_device(env_begin_.ptr, setup.env_begin, setup.env_slots + 1, staging_, stream_,
                     "environment ranges");
      env_factor_.allocate(setup.env_factors, "environment factors");
      copy_to_device(env_factor_.ptr, setup.env_factor, setup.env_factors, staging_, stream_,
                     "environment factors");
      for (auto& t : env_threshold_)
        t.allocate(setup.env_threshold_count, "environment thresholds");
      if (setup.env_threshold_count == 0)
        for (auto& b : env_base_) b.allocate(setup.env_slots, "environment bases");
    }
    control_.allocate(2, "control");
    counters_.allocate(1 + plan_.slots, "counters");
  }
  ~SublatticeCuda() override {
    if (stream_) cudaStreamDestroy(stream_);
  }

  void set_tables(bool partial, const uint32_t* threshold, const double* factor,
                  const uint32_t* exchange) override {
    const int i = partial ? 1 : 0;
    if (setup_.exchange_count > 0)
      copy_to_device(exchange_[i].ptr, exchange, setup_.exchange_count, staging_, stream_,
                     "exchange thresholds");
    if (setup_.threshold_count > 0)
      copy_to_device(threshold_[i].ptr, threshold, setup_.threshold_count, staging_, stream_,
                     "thresholds");
    else
      copy_to_device(factor_[i].ptr, factor, 2 * setup_.lattice.zmax + 1, staging_, stream_,
                     "factors");
  }
  void set_environment(bool partial, const uint32_t* threshold, const double* base) override {
    const int i = partial ? 1 : 0;
    if (setup_.env_threshold_count > 0)
      copy_to_device(env_threshold_[i].ptr, threshold, setup_.env_threshold_count, staging_,
                     stream_, "environment thresholds");
    else
      copy_to_device(env_base_[i].ptr, base, setup_.env_slots, staging_, stream_,
                     "environment bases");
  }
  void upload(const uint8_t* site, const IonRecord* record) override {
    copy_to_device(site_.ptr, site, setup_.sites, staging_, stream_, "upload sites");
    copy_to_device(record_.ptr, record, setup_.sites, staging_, stream_, "upload ions");
  }
  void download(uint8_t* site, IonRecord* record) override {
    copy_to_host(site, site_.ptr, setup_.sites, staging_, stream_, "download sites");
    copy_to_host(record, record_.ptr, setup_.sites, staging_, stream_, "download ions");
  }

  SublatticeBatchResult run(const SublatticeBatch& batch, uint64_t* hops_by_slot) override {
    SublatticeBatchResult result;
    if (batch.sweeps <= 0) return result;
    const bool lattice_rule = setup_.lattice_rule.active();
    const SublatticeTiling& tiling = setup_.tiling;
    const int32_t P = tiling.parity_classes, S = tiling.site_classes;
    if (!lattice_rule) {
      const int64_t orders = int64_t(batch.sweeps) * P * S;
      if (orders > order_.count) order_.allocate(orders, "class orders");
      copy_to_device(order_.ptr, batch.site_order, orders, staging_, stream_, "class orders");
    }
    const int32_t control0[2] = {1, 0};
    copy_to_device(control_.ptr, control0, 2, staging_, stream_, "control");
    check(
        cudaMemsetAsync(counters_.ptr, 0, sizeof(unsigned long long) * (1 + plan_.slots), stream_),
        "counters");

    LatticeView lat = setup_.lattice;
    lat.steps = steps_.ptr;
    SublatticeTables tab[2];
    for (int i = 0; i < 2; ++i) {
      tab[i].threshold = threshold_[i].ptr;
      tab[i].site_rate = site_rate_.ptr;
      tab[i].factor = factor_[i].ptr;
      tab[i].species_factor = species_factor_.ptr;
      tab[i].interaction = setup_.interaction;
      tab[i].rule = setup_.rule;
      tab[i].exchange = exchange_[i].ptr;
      tab[i].species = setup_.species;
      tab[i].env = EnvironmentTables{};
      if (env_entry_.ptr) {
        tab[i].env.entry = env_entry_.ptr;
        tab[i].env.begin = env_begin_.ptr;
        tab[i].env.threshold = env_threshold_[i].ptr;
        tab[i].env.base = env_base_[i].ptr;
        tab[i].env.factor = env_factor_.ptr;
        tab[i].env.width = setup_.env_width;
        tab[i].env.radix = setup_.env_radix;
      }
    }
    if (lattice_rule) require_thinned_tables(lat, tab[0]);  // device pointers: applies() reads only them
    const SublatticeLatticeRule& rule = setup_.lattice_rule;
    for (int32_t n = 0; n < batch.sweeps; ++n) {
      gate_kernel<<<1, 1, 0, stream_>>>(control_.ptr, counters_.ptr, batch.hop_budget);
      const SublatticeTables& t = tab[(batch.last_partial && n == batch.sweeps - 1) ? 1 : 0];
      if (lattice_rule) {
        const int32_t C = rule.classes();
        for (int32_t qi = 0; qi < C; ++qi) {
          const int32_t q = batch.parity_order[int64_t(n) * C + qi];
          const SublatticeClassLaunch L{lat,
                                        t,
                                        SublatticeThinning::tables(lat, t),  // device pointers
                                        SublatticeArrays{site_.ptr, record_.ptr},
                                        setup_.key,
                                        batch.first_sweep + n,
                                        class_plan_.geometry,
                                        rule.phase_of(q),
                                        rule.basis_of(q),
                                        control_.ptr,
                                        counters_.ptr,
                                        counters_.ptr + 1};
          class_kernel<<<class_plan_.grid, class_plan_.block, 0, stream_>>>(L);
        }
        continue;
      }
      for (int32_t pi = 0; pi < P; ++pi) {
        const int32_t p = batch.parity_order[int64_t(n) * P + pi];
        const SublatticeLaunch L{lat,
                                 tiling,
                                 t,
                                 SublatticeArrays{site_.ptr, record_.ptr},
                                 setup_.key,
                                 batch.first_sweep + n,
                                 p,
                                 0,
                                 order_.ptr + (int64_t(n) * P + p) * S,
                                 control_.ptr,
                                 counters_.ptr,
                                 counters_.ptr + 1};
        parity_kernel<<<plan_.grid, plan_.block, plan_.shared_bytes, stream_>>>(L);
      }
    }
    check(cudaGetLastError(), "sweep launch");
    int32_t control[2];
    std::vector<unsigned long long> counters(1 + plan_.slots);
    copy_to_host(control, control_.ptr, 2, staging_, stream_, "control");
    copy_to_host(counters.data(), counters_.ptr, 1 + plan_.slots, staging_, stream_, "counters");
    result.sweeps_done = control[1];
    result.hops = counters[0];
    for (int i = 0; i < plan_.slots; ++i) hops_by_slot[i] += counters[1 + i];
    return result;
  }

  IonWindows& bind_windows(const IonWindowSetup& setup) override {
    windows_.reset();
    windows_ = make_device_ion_windows(
        setup,
        [this] {
          IonSource src;
          src.site_byte = site_.ptr;
          src.record = record_.ptr;
          src.sites = setup_.sites;
          return src;
        },
        stream_);
    return *windows_;
  }

 private:
  SublatticeSetup setup_;
  SublatticeLaunchPlan plan_;  // its slots: nbasis * zmax under either rule
  SublatticeClassLaunchPlan class_plan_;
  cudaStream_t stream_ = nullptr;
  PinnedStaging staging_;
  DeviceBuffer<HopStep> steps_;
  DeviceBuffer<uint8_t> site_;
  DeviceBuffer<IonRecord> record_;
  DeviceBuffer<uint32_t> threshold_[2], exchange_[2];
  DeviceBuffer<double> site_rate_, species_factor_, factor_[2];
  DeviceBuffer<uint16_t> order_;
  DeviceBuffer<EnvironmentEntry> env_entry_;
  DeviceBuffer<int32_t> env_begin_;
  DeviceBuffer<uint32_t> env_threshold_[2];
  DeviceBuffer<double> env_base_[2], env_factor_;
  DeviceBuffer<int32_t> control_;
  DeviceBuffer<unsigned long long> counters_;
  std::unique_ptr<IonWindows> windows_;
};

}  // namespace

std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup& setup) {
  return std::make_unique<SublatticeCuda>(setup);
}

}  // namespace coatkmc::cuda
