// The walkers engine that runs the device code on the host: the driver steps
// of kernels/cuda/WalkerDevice.cu with host vectors for device memory and
// replay::launch() for <<<...>>> (kernels/replay/ReplayLauncher.hpp).
#include <vector>

#include "kernels/LatticeCopy.hpp"
#include "kernels/WalkerEngine.hpp"
#include "kernels/WalkerKernel.hpp"
#include "kernels/replay/ReplayLauncher.hpp"

namespace coatkmc::replay {

namespace {

class WalkerReplay final : public WalkerEngine {
 public:
  explicit WalkerReplay(const WalkerSetup& setup) : setup_(setup), lattice_(setup.lattice) {
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
  void run(const WalkerGroup* host_groups, int32_t group_count,
           uint64_t* hops_by_length) override {
    if (setup_.walkers == 0 || group_count == 0) return;
    std::vector<WalkerGroup> groups(host_groups, host_groups + group_count);
    for (int32_t g = 0; g < group_count; ++g) groups[g].cumulative = tables_.at(g).data();
    std::vector<unsigned long long> counts(int64_t(group_count) * setup_.lengths, 0);
    const LatticeView lat = lattice_.view();
    const WalkerLaunch L{lat,
                         groups.data(),
                         group_count,
                         setup_.lengths,
                         WalkerArrays{site_.data(), cells_.data(), setup_.walkers},
                         setup_.length_class.data(),
                         counts.data(),
                         nullptr,
                         1};
    const WalkerLaunchPlan plan = plan_walker_launch(setup_.walkers, group_count, setup_.lengths);
    launch(LaunchShape{plan.grid, plan.block, plan.shared_bytes, plan.phases},
           setup_.replay_shuffle, launches_++, setup_.threads,
           [&L](const Lane& lane, int32_t phase, unsigned int* shared) {
             WalkerKernel::phase(L, lane, phase, shared);
           });
    for (size_t c = 0; c < counts.size(); ++c) hops_by_length[c] += counts[c];
  }

  // The CUDA driver's steps (kernels/cuda/WalkerDevice.cu): the group and
  // the round ends in "device" memory, one launch for all the rounds.
  void run_rounds(const WalkerGroup& group, const double* ends, int32_t rounds,
                  uint64_t* hops_by_length) override {
    if (setup_.walkers == 0 || rounds <= 0) return;
    WalkerGroup g = group;
    g.cumulative = tables_.at(0).data();
    const std::vector<double> device_ends(ends, ends + rounds);
    std::vector<unsigned long long> counts(setup_.lengths, 0);
    const WalkerLaunch L{lattice_.view(),
                         &g,
                         1,
                         setup_.lengths,
                         WalkerArrays{site_.data(), cells_.data(), setup_.walkers},
                         setup_.length_class.data(),
                         counts.data(),
                         device_ends.data(),
                         rounds};
    const WalkerLaunchPlan plan = plan_walker_launch(setup_.walkers, 1, setup_.lengths);
    launch(LaunchShape{plan.grid, plan.block, plan.shared_bytes, plan.phases},
           setup_.replay_shuffle, launches_++, setup_.threads,
           [&L](const Lane& lane, int32_t phase, unsigned int* shared) {
             WalkerKernel::phase(L, lane, phase, shared);
           });
    for (int32_t l = 0; l < setup_.lengths; ++l) hops_by_length[l] += counts[l];
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
  uint64_t launches_ = 0;
  std::unique_ptr<IonWindows> windows_;
};

}  // namespace

std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup) {
  return std::make_unique<WalkerReplay>(setup);
}

}  // namespace coatkmc::replay
