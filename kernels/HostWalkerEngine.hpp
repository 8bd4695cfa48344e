#pragma once
// What the two host walker engines (cpu::, replay::) share: both keep the
// batch's "device" memory (positions, cells, the groups' cumulative tables)
// in host vectors, so that memory and the calls on it (upload, download,
// escape_rate_sum, bind_windows) are written once here and each engine writes
// only run() and run_rounds() (the OpenMP rounds or the replayed device
// kernel). The CUDA engine keeps the same in device buffers
// (kernels/cuda/WalkerDevice.cu).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/IonWindow.hpp"
#include "kernels/LatticeCopy.hpp"
#include "kernels/WalkerEngine.hpp"

namespace coatkmc {

class HostWalkerEngine : public WalkerEngine {
 public:
  explicit HostWalkerEngine(const WalkerSetup& setup) : setup_(setup), lattice_(setup.lattice) {
    setup_.lattice = lattice_.view();
    // At least one walker's room: the arrays' pointers are valid in a batch without walkers.
    site_.assign(std::max<int64_t>(setup.walkers, 1), 0);
    cells_.assign(3 * std::max<int64_t>(setup.walkers, 1), 0);
    for (const WalkerTable& t : setup.tables)
      tables_.emplace_back(t.cumulative, t.cumulative + t.count);
  }
  void upload(const int32_t* site, const int32_t* cells) override {
    std::copy(site, site + setup_.walkers, site_.begin());
    std::copy(cells, cells + 3 * setup_.walkers, cells_.begin());
  }
  void download(int32_t* site, int32_t* cells) override {
    std::copy(site_.begin(), site_.begin() + setup_.walkers, site);
    std::copy(cells_.begin(), cells_.begin() + 3 * setup_.walkers, cells);
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

 protected:
  // The setup, its lattice pointing at this engine's copy of the steps.
  const WalkerSetup& setup() const { return setup_; }
  WalkerArrays arrays() { return WalkerArrays{site_.data(), cells_.data(), setup_.walkers}; }
  // The caller's groups with group g's cumulative table replaced by table g
  // of the setup (run(); run_rounds() passes its one group, table 0).
  std::vector<WalkerGroup> with_tables(const WalkerGroup* groups, int32_t count) const {
    std::vector<WalkerGroup> out(groups, groups + count);
    for (int32_t g = 0; g < count; ++g) out[g].cumulative = tables_.at(g).data();
    return out;
  }

 private:
  WalkerSetup setup_;
  LatticeCopy lattice_;
  std::vector<int32_t> site_, cells_;
  std::vector<std::vector<double>> tables_;
  std::unique_ptr<IonWindows> windows_;
};

}  // namespace coatkmc
