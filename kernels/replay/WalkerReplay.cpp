// The walkers engine that runs the device code on the host: the driver steps
// of kernels/cuda/WalkerDevice.cu with host vectors for device memory and
// replay::launch() for <<<...>>> (kernels/replay/ReplayLauncher.hpp).
#include <vector>

#include "kernels/WalkerEngine.hpp"
#include "kernels/WalkerKernel.hpp"
#include "kernels/replay/ReplayLauncher.hpp"

namespace coatkmc::replay {

namespace {

class WalkerReplay final : public WalkerEngine {
 public:
  explicit WalkerReplay(const WalkerSetup& setup) : setup_(setup) {
    const LatticeView& lat = setup.lattice;
    steps_.assign(lat.steps, lat.steps + int64_t(lat.nbasis) * lat.zmax);
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
    LatticeView lat = setup_.lattice;
    lat.steps = steps_.data();
    const WalkerLaunch L{lat,
                         groups.data(),
                         group_count,
                         setup_.lengths,
                         WalkerArrays{site_.data(), cells_.data(), setup_.walkers},
                         setup_.length_class.data(),
                         counts.data()};
    const WalkerLaunchPlan plan = plan_walker_launch(setup_.walkers, group_count, setup_.lengths);
    launch(LaunchShape{plan.grid, plan.block, plan.shared_bytes, plan.phases},
           setup_.replay_shuffle, launches_++, setup_.threads,
           [&L](const Lane& lane, int32_t phase, unsigned int* shared) {
             WalkerKernel::phase(L, lane, phase, shared);
           });
    for (size_t c = 0; c < counts.size(); ++c) hops_by_length[c] += counts[c];
  }

 private:
  WalkerSetup setup_;
  std::vector<HopStep> steps_;
  std::vector<int32_t> site_, cells_;
  std::vector<std::vector<double>> tables_;
  uint64_t launches_ = 0;
};

}  // namespace

std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup) {
  return std::make_unique<WalkerReplay>(setup);
}

}  // namespace coatkmc::replay
