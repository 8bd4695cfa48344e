// The sublattice engine that runs the device code on the host: the same
// driver steps as kernels/cuda/SublatticeDevice.cu (a gate launch per sweep,
// a launch per parity class with the plan of plan_sublattice_launch(), the
// control word and counters in "device" memory), with host vectors for device
// memory and replay::launch() for <<<...>>>.
#include <vector>

#include "kernels/EnvironmentCopy.hpp"
#include "kernels/LatticeCopy.hpp"
#include "kernels/SublatticeEngine.hpp"
#include "kernels/SublatticeKernel.hpp"
#include "kernels/replay/ReplayLauncher.hpp"

namespace coatkmc::replay {

namespace {

class SublatticeReplay final : public SublatticeEngine {
 public:
  explicit SublatticeReplay(const SublatticeSetup& setup)
      : setup_(setup), lattice_(setup.lattice), environment_(setup) {
    const LatticeView& lat = setup.lattice;
    site_.assign(setup.sites, 0);
    record_.assign(setup.sites, IonRecord{-1, {0, 0, 0}});
    if (setup.threshold_count > 0) {
      for (auto& t : threshold_) t.assign(setup.threshold_count, 0);
    } else {
      site_rate_.assign(setup.site_rate, setup.site_rate + setup.sites * lat.zmax);
      for (auto& f : factor_) f.assign(2 * lat.zmax + 1, 0.0);
      if (setup.species_factor && setup.species_factor_count > 0)
        species_factor_.assign(setup.species_factor,
                               setup.species_factor + setup.species_factor_count);
    }
    if (setup.exchange_count > 0)
      for (auto& x : exchange_) x.assign(setup.exchange_count, 0);
    plan_ = plan_sublattice_launch(setup.tiling, lat);
    counters_.assign(1 + plan_.slots, 0);
  }

  void set_tables(bool partial, const uint32_t* threshold, const double* factor,
                  const uint32_t* exchange) override {
    const int i = partial ? 1 : 0;
    if (setup_.exchange_count > 0) exchange_[i].assign(exchange, exchange + setup_.exchange_count);
    if (setup_.threshold_count > 0)
      threshold_[i].assign(threshold, threshold + setup_.threshold_count);
    else
      factor_[i].assign(factor, factor + 2 * setup_.lattice.zmax + 1);
  }

  void set_environment(bool partial, const uint32_t* threshold, const double* base) override {
    environment_.set(partial, threshold, base);
  }

  // The solver reaches the replay's "device" arrays only through these two
  // calls and the window reductions, as it reaches GPU memory.
  void upload(const uint8_t* site, const IonRecord* record) override {
    std::copy(site, site + setup_.sites, site_.begin());
    std::copy(record, record + setup_.sites, record_.begin());
  }
  void download(uint8_t* site, IonRecord* record) override {
    std::copy(site_.begin(), site_.end(), site);
    std::copy(record_.begin(), record_.end(), record);
  }

  SublatticeBatchResult run(const SublatticeBatch& batch, uint64_t* hops_by_slot) override {
    SublatticeBatchResult result;
    if (batch.sweeps <= 0) return result;
    const SublatticeTiling& tiling = setup_.tiling;
    const int32_t P = tiling.parity_classes, S = tiling.site_classes;
    order_.assign(batch.site_order, batch.site_order + int64_t(batch.sweeps) * P * S);
    control_[0] = 1;
    control_[1] = 0;
    std::fill(counters_.begin(), counters_.end(), 0ull);

    const LatticeView lat = lattice_.view();
    SublatticeTables tab[2];
    for (int i = 0; i < 2; ++i) {
      tab[i].threshold = setup_.threshold_count > 0 ? threshold_[i].data() : nullptr;
      tab[i].site_rate = site_rate_.empty() ? nullptr : site_rate_.data();
      tab[i].factor = factor_[i].empty() ? nullptr : factor_[i].data();
      tab[i].species_factor = species_factor_.empty() ? nullptr : species_factor_.data();
      tab[i].interaction = setup_.interaction;
      tab[i].rule = setup_.rule;
      tab[i].exchange = setup_.exchange_count > 0 ? exchange_[i].data() : nullptr;
      tab[i].species = setup_.species;
      tab[i].env = environment_.tables(i);
    }
    const LaunchShape shape{plan_.grid, plan_.block, plan_.shared_bytes, plan_.phases};
    for (int32_t n = 0; n < batch.sweeps; ++n) {
      SublatticeKernel::gate(control_, counters_.data(), batch.hop_budget);
      const SublatticeTables& t = tab[(batch.last_partial && n == batch.sweeps - 1) ? 1 : 0];
      for (int32_t pi = 0; pi < P; ++pi) {
        const int32_t p = batch.parity_order[int64_t(n) * P + pi];
        SublatticeLaunch L{lat,
                           tiling,
                           t,
                           SublatticeArrays{site_.data(), record_.data()},
                           setup_.key,
                           batch.first_sweep + n,
                           p,
                           0,
                           order_.data() + (int64_t(n) * P + p) * S,
                           control_,
                           counters_.data(),
                           counters_.data() + 1};
        // The CUDA kernel returns at once when the gate closed the batch.
        if (!SublatticeKernel::active(L)) continue;
        launch(shape, setup_.replay_shuffle, (batch.first_sweep + n) * 8 + pi, setup_.threads,
               [&L](const Lane& lane, int32_t phase, unsigned int* shared) {
                 SublatticeKernel::phase(L, lane, phase, shared);
               });
      }
    }
    result.sweeps_done = control_[1];
    result.hops = counters_[0];
    for (int i = 0; i < plan_.slots; ++i) hops_by_slot[i] += counters_[1 + i];
    return result;
  }

  IonWindows& bind_windows(const IonWindowSetup& setup) override {
    windows_ = make_host_ion_windows(setup, [this] {
      IonSource src;
      src.site_byte = site_.data();
      src.record = record_.data();
      src.sites = setup_.sites;
      return src;
    });
    return *windows_;
  }

 private:
  SublatticeSetup setup_;
  SublatticeLaunchPlan plan_;
  LatticeCopy lattice_;
  EnvironmentCopy environment_;
  std::vector<uint8_t> site_;
  std::vector<IonRecord> record_;
  std::vector<uint32_t> threshold_[2], exchange_[2];
  std::vector<double> site_rate_, species_factor_, factor_[2];
  std::vector<uint16_t> order_;
  int32_t control_[2] = {0, 0};
  std::vector<unsigned long long> counters_;
  std::unique_ptr<IonWindows> windows_;
};

}  // namespace

std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup& setup) {
  return std::make_unique<SublatticeReplay>(setup);
}

}  // namespace coatkmc::replay
