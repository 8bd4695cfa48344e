// The CPU engines: the OpenMP launchers (SublatticeSweeps, WalkerRounds) on
// the host arrays of kernels/HostSublatticeEngine.hpp and
// kernels/HostWalkerEngine.hpp.
#include <algorithm>
#include <vector>

#include "kernels/HostSublatticeEngine.hpp"
#include "kernels/HostWalkerEngine.hpp"
#include "kernels/cpu/SublatticeSweeps.hpp"
#include "kernels/cpu/WalkerRounds.hpp"

namespace coatkmc::cpu {

namespace {

class SublatticeCpu final : public HostSublatticeEngine {
 public:
  using HostSublatticeEngine::HostSublatticeEngine;
  SublatticeBatchResult run(const SublatticeBatch& batch, uint64_t* hops_by_slot) override {
    const SublatticeSetup& s = setup();
    if (s.lattice_rule.active())
      return run_lattice_batch(s.lattice, s.lattice_rule, tables(0), tables(1), arrays(), s.key,
                               batch, std::max(1, s.threads), hops_by_slot);
    return run_sublattice_batch(s.lattice, s.tiling, tables(0), tables(1), arrays(), s.key, batch,
                                std::max(1, s.threads), hops_by_slot);
  }
};

class WalkerCpu final : public HostWalkerEngine {
 public:
  using HostWalkerEngine::HostWalkerEngine;
  void run(const WalkerGroup* host_groups, int32_t group_count, uint64_t* hops_by_length) override {
    rounds(with_tables(host_groups, group_count), nullptr, 1, hops_by_length);
  }
  void run_rounds(const WalkerGroup& group, const double* ends, int32_t rounds_count,
                  uint64_t* hops_by_length) override {
    if (rounds_count <= 0) return;
    rounds(with_tables(&group, 1), ends, rounds_count, hops_by_length);
  }

 private:
  void rounds(const std::vector<WalkerGroup>& groups, const double* ends, int32_t count,
              uint64_t* hops_by_length) {
    const WalkerSetup& s = setup();
    run_walker_rounds(s.lattice, groups.data(), static_cast<int32_t>(groups.size()), ends, count,
                      arrays(), s.length_class.data(), s.lengths, std::max(1, s.threads),
                      hops_by_length);
  }
};

}  // namespace

std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup& setup) {
  return std::make_unique<SublatticeCpu>(setup);
}

std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup) {
  return std::make_unique<WalkerCpu>(setup);
}

}  // namespace coatkmc::cpu
