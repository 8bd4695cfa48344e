// The CPU engines: the OpenMP launchers (SublatticeSweeps, WalkerRounds) on
// host arrays.
#include <algorithm>
#include <vector>

#include "kernels/EnvironmentCopy.hpp"
#include "kernels/LatticeCopy.hpp"
#include "kernels/SublatticeEngine.hpp"
#include "kernels/WalkerEngine.hpp"
#include "kernels/cpu/SublatticeSweeps.hpp"
#include "kernels/cpu/WalkerRounds.hpp"

namespace coatkmc::cpu {

namespace {

class SublatticeCpu final : public SublatticeEngine {
 public:
  explicit SublatticeCpu(const SublatticeSetup& setup)
      : setup_(setup), lattice_(setup.lattice), environment_(setup) {
    const LatticeView& lat = setup.lattice;
    setup_.lattice = lattice_.view();
    site_.assign(setup.sites, 0);
    record_.assign(setup.sites, IonRecord{-1, {0, 0, 0}});
    if (setup.threshold_count == 0)
      site_rate_.assign(setup.site_rate, setup.site_rate + setup.sites * lat.zmax);
    if (setup.species_factor && setup.species_factor_count > 0)
      species_factor_.assign(setup.species_factor,
                             setup.species_factor + setup.species_factor_count);
  }
  void set_tables(bool partial, const uint32_t* threshold, const double* factor,
                  const uint32_t* exchange) override {
    const int i = partial ? 1 : 0;
    if (setup_.threshold_count > 0) threshold_[i].assign(threshold, threshold + setup_.threshold_count);
    factor_[i].assign(factor, factor + 2 * setup_.lattice.zmax + 1);
    if (setup_.exchange_count > 0) exchange_[i].assign(exchange, exchange + setup_.exchange_count);
  }
  void set_environment(bool partial, const uint32_t* threshold, const double* base) override {
    environment_.set(partial, threshold, base);
  }
  void upload(const uint8_t* site, const IonRecord* record) override {
    std::copy(site, site + setup_.sites, site_.begin());
    std::copy(record, record + setup_.sites, record_.begin());
  }
  void download(uint8_t* site, IonRecord* record) override {
    std::copy(site_.begin(), site_.end(), site);
    std::copy(record_.begin(), record_.end(), record);
  }
  SublatticeBatchResult run(const SublatticeBatch& batch, uint64_t* hops_by_slot) override {
    SublatticeTables tab[2];
    for (int i = 0; i < 2; ++i) {
      tab[i].threshold = setup_.threshold_count > 0 ? threshold_[i].data() : nullptr;
      tab[i].site_rate = site_rate_.empty() ? nullptr : site_rate_.data();
      tab[i].factor = factor_[i].data();
      tab[i].species_factor = species_factor_.empty() ? nullptr : species_factor_.data();
      tab[i].interaction = setup_.interaction;
      tab[i].rule = setup_.rule;
      tab[i].exchange = setup_.exchange_count > 0 ? exchange_[i].data() : nullptr;
      tab[i].species = setup_.species;
      tab[i].env = environment_.tables(i);
    }
    return run_sublattice_batch(setup_.lattice, setup_.tiling, tab[0], tab[1],
                                SublatticeArrays{site_.data(), record_.data()}, setup_.key, batch,
                                std::max(1, setup_.threads), hops_by_slot);
  }
  IonWindows& bind_windows(const IonWindowSetup& setup) override {
    windows_ = make_host_ion_windows(setup, [this] {
      return IonSource::of_sublattice(site_.data(), record_.data(), setup_.sites);
    });
    return *windows_;
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

class WalkerCpu final : public WalkerEngine {
 public:
  explicit WalkerCpu(const WalkerSetup& setup) : setup_(setup), lattice_(setup.lattice) {
    setup_.lattice = lattice_.view();
    site_.assign(setup.walkers, 0);
    cells_.assign(3 * setup.walkers, 0);
    for (const WalkerTable& t : setup.tables)
      tables_.emplace_back(t.cumulative, t.cumulative + t.count);
  }
  void upload(const int32_t* site, const int32_t* cells) override {
    std::copy(site, site + setup_.walkers, site_.begin());
    std::copy(cells, cells + 3 * setup_.walkers, cells_.begin());
  }
  void download(int32_t* site, int32_t* cells) override {
    std::copy(site_.begin(), site_.end(), site);
    std::copy(cells_.begin(), cells_.end(), cells);
  }
  void run(const WalkerGroup* host_groups, int32_t group_count,
           uint64_t* hops_by_length) override {
    std::vector<WalkerGroup> groups(host_groups, host_groups + group_count);
    for (int32_t g = 0; g < group_count; ++g) groups[g].cumulative = tables_.at(g).data();
    run_walker_rounds(setup_.lattice, groups.data(), group_count, nullptr, 1,
                      WalkerArrays{site_.data(), cells_.data(), setup_.walkers},
                      setup_.length_class.data(), setup_.lengths, std::max(1, setup_.threads),
                      hops_by_length);
  }
  void run_rounds(const WalkerGroup& group, const double* ends, int32_t rounds,
                  uint64_t* hops_by_length) override {
    if (rounds <= 0) return;
    WalkerGroup g = group;
    g.cumulative = tables_.at(0).data();
    run_walker_rounds(setup_.lattice, &g, 1, ends, rounds,
                      WalkerArrays{site_.data(), cells_.data(), setup_.walkers},
                      setup_.length_class.data(), setup_.lengths, std::max(1, setup_.threads),
                      hops_by_length);
  }
  double escape_rate_sum(const WalkerGroup& group, int32_t table) override {
    return WalkerEscapeRate::of(site_.data(), tables_.at(table).data(), group, setup_.lattice)
        .sum_in_order(group.walkers);
  }
  IonWindows& bind_windows(const IonWindowSetup& setup) override {
    windows_ = make_host_ion_windows(setup, [this, first = setup.first_walker] {
      return IonSource::of_walkers(site_.data(), cells_.data(), setup_.walkers, first);
    });
    return *windows_;
  }

 private:
  WalkerSetup setup_;
  LatticeCopy lattice_;
  std::vector<int32_t> site_, cells_;
  std::vector<std::vector<double>> tables_;
  std::unique_ptr<IonWindows> windows_;
};

}  // namespace

std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup& setup) {
  return std::make_unique<SublatticeCpu>(setup);
}

std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup) {
  return std::make_unique<WalkerCpu>(setup);
}

}  // namespace coatkmc::cpu
