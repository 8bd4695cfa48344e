#pragma once
// What the two host sublattice engines (cpu::, replay::) share: both keep
// the replica's "device" memory in host vectors, so the tables, the state and
// their calls (set_tables, set_environment, upload, download, bind_windows)
// are written once here and each engine writes only run() (the OpenMP
// launcher or the replayed device kernel). The CUDA engine keeps the same
// things in device buffers (kernels/cuda/SublatticeDevice.cu) and keeps them
// by the same rule: thresholds on a uniform landscape (threshold_count > 0),
// otherwise per-site rates, factors and species factors, the only tables
// SublatticeAttempt::attempt() reads on that landscape.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/EnvironmentCopy.hpp"
#include "kernels/IonWindow.hpp"
#include "kernels/LatticeCopy.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeEngine.hpp"

namespace coatkmc {

class HostSublatticeEngine : public SublatticeEngine {
 public:
  explicit HostSublatticeEngine(const SublatticeSetup& setup)
      : setup_(setup), lattice_(setup.lattice), environment_(setup) {
    const int32_t zmax = setup.lattice.zmax;
    setup_.lattice = lattice_.view();
    site_.assign(setup.sites, 0);
    record_.assign(setup.sites, IonRecord{-1, {0, 0, 0}});
    if (setup.threshold_count > 0) {
      for (auto& t : threshold_) t.assign(setup.threshold_count, 0);
    } else {
      site_rate_.assign(setup.site_rate, setup.site_rate + setup.sites * zmax);
      for (auto& f : factor_) f.assign(2 * zmax + 1, 0.0);
      if (setup.species_factor && setup.species_factor_count > 0)
        species_factor_.assign(setup.species_factor,
                               setup.species_factor + setup.species_factor_count);
    }
    if (setup.exchange_count > 0)
      for (auto& x : exchange_) x.assign(setup.exchange_count, 0);
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
  // The solver reaches these host arrays only through these two calls and
  // the window reductions, as it reaches GPU memory.
  void upload(const uint8_t* site, const IonRecord* record) override {
    std::copy(site, site + setup_.sites, site_.begin());
    std::copy(record, record + setup_.sites, record_.begin());
  }
  void download(uint8_t* site, IonRecord* record) override {
    std::copy(site_.begin(), site_.end(), site);
    std::copy(record_.begin(), record_.end(), record);
  }
  IonWindows& bind_windows(const IonWindowSetup& setup) override {
    windows_ = make_host_ion_windows(setup, [this] {
      return IonSource::of_sublattice(site_.data(), record_.data(), setup_.sites);
    });
    return *windows_;
  }

 protected:
  // The setup, its lattice pointing at this engine's copy of the steps.
  const SublatticeSetup& setup() const { return setup_; }
  SublatticeArrays arrays() { return SublatticeArrays{site_.data(), record_.data()}; }
  // The tables of full sweeps (0) or of a batch's partial last sweep (1).
  SublatticeTables tables(int i) const {
    SublatticeTables t{};
    t.threshold = threshold_[i].empty() ? nullptr : threshold_[i].data();
    t.site_rate = site_rate_.empty() ? nullptr : site_rate_.data();
    t.factor = factor_[i].empty() ? nullptr : factor_[i].data();
    t.species_factor = species_factor_.empty() ? nullptr : species_factor_.data();
    t.interaction = setup_.interaction;
    t.rule = setup_.rule;
    t.exchange = exchange_[i].empty() ? nullptr : exchange_[i].data();
    t.species = setup_.species;
    t.env = environment_.tables(i);
    return t;
  }

 private:
  SublatticeSetup setup_;
  LatticeCopy lattice_;
  EnvironmentCopy environment_;
  std::vector<uint8_t> site_;
  std::vector<IonRecord> record_;
  std::vector<uint32_t> threshold_[2], exchange_[2];
  std::vector<double> site_rate_, species_factor_, factor_[2];
  std::unique_ptr<IonWindows> windows_;
};

}  // namespace coatkmc
