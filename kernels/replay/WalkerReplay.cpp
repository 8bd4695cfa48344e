// The walkers engine that runs the device code on the host: the driver steps
// of kernels/cuda/WalkerDevice.cu with host vectors for device memory
// (kernels/HostWalkerEngine.hpp) and replay::launch() for <<<...>>>
// (kernels/replay/ReplayLauncher.hpp).
#include <vector>

#include "kernels/HostWalkerEngine.hpp"
#include "kernels/WalkerKernel.hpp"
#include "kernels/replay/ReplayLauncher.hpp"

namespace coatkmc::replay {

namespace {

class WalkerReplay final : public HostWalkerEngine {
 public:
  using HostWalkerEngine::HostWalkerEngine;
  void run(const WalkerGroup* host_groups, int32_t group_count, uint64_t* hops_by_length) override {
    if (setup().walkers == 0 || group_count == 0) return;
    launch_rounds(with_tables(host_groups, group_count), nullptr, 1, hops_by_length);
  }

  // The CUDA driver's steps (kernels/cuda/WalkerDevice.cu): the group and
  // the round ends in "device" memory, one launch for all the rounds.
  void run_rounds(const WalkerGroup& group, const double* ends, int32_t rounds,
                  uint64_t* hops_by_length) override {
    if (setup().walkers == 0 || rounds <= 0) return;
    const std::vector<double> device_ends(ends, ends + rounds);
    launch_rounds(with_tables(&group, 1), device_ends.data(), rounds, hops_by_length);
  }

 private:
  // One launch of WalkerKernel over `groups` (one round each to its t_end, or
  // one group's `rounds` rounds to `ends`); hops_by_length gets the counts.
  void launch_rounds(const std::vector<WalkerGroup>& groups, const double* ends, int32_t rounds,
                     uint64_t* hops_by_length) {
    const WalkerSetup& s = setup();
    const int32_t group_count = static_cast<int32_t>(groups.size());
    std::vector<unsigned long long> counts(int64_t(group_count) * s.lengths, 0);
    const WalkerLaunch L{s.lattice,
                         groups.data(),
                         group_count,
                         s.lengths,
                         arrays(),
                         s.length_class.data(),
                         counts.data(),
                         ends,
                         rounds};
    const WalkerLaunchPlan plan = plan_walker_launch(s.walkers, group_count, s.lengths);
    launch(LaunchShape{plan.grid, plan.block, plan.shared_bytes, plan.phases}, s.replay_shuffle,
           launches_++, s.threads, [&L](const Lane& lane, int32_t phase, unsigned int* shared) {
             WalkerKernel::phase(L, lane, phase, shared);
           });
    for (size_t c = 0; c < counts.size(); ++c) hops_by_length[c] += counts[c];
  }

  uint64_t launches_ = 0;
};

}  // namespace

std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup) {
  return std::make_unique<WalkerReplay>(setup);
}

}  // namespace coatkmc::replay
