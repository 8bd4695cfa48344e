// The sublattice engine that runs the device code on the host: the same
// driver steps as kernels/cuda/SublatticeDevice.cu (a gate launch per sweep,
// a launch per parity class with the plan of plan_sublattice_launch(), the
// control word and counters in "device" memory), with host vectors for device
// memory (kernels/HostSublatticeEngine.hpp) and replay::launch() for <<<...>>>.
// Under the lattice-wide class rule (setup.lattice_rule.active()) a sweep is
// the gate launch and then one launch of the class kernel
// (kernels/SublatticeClassKernel.hpp) per class, in the sweep's class order.
#include <algorithm>
#include <vector>

#include "kernels/Failure.hpp"
#include "kernels/HostSublatticeEngine.hpp"
#include "kernels/SublatticeClassKernel.hpp"
#include "kernels/SublatticeKernel.hpp"
#include "kernels/replay/ReplayLauncher.hpp"

namespace coatkmc::replay {

namespace {

class SublatticeReplay final : public HostSublatticeEngine {
 public:
  explicit SublatticeReplay(const SublatticeSetup& setup) : HostSublatticeEngine(setup) {
    if (setup.lattice_rule.active())
      class_plan_ = plan_sublattice_class_launch(setup.lattice_rule, setup.lattice, setup.key);
    else if (setup.key.word_group != 0)
      throw CannotProceed("sublattice replay: the tiles' words need key.word_group = 0");
    else
      plan_ = plan_sublattice_launch(setup.tiling, setup.lattice);
    counters_.assign(1 + setup.lattice.nbasis * setup.lattice.zmax, 0);
  }

  SublatticeBatchResult run(const SublatticeBatch& batch, uint64_t* hops_by_slot) override {
    SublatticeBatchResult result;
    if (batch.sweeps <= 0) return result;
    if (setup().lattice_rule.active()) return run_classes(batch, hops_by_slot);
    const SublatticeSetup& s = setup();
    const SublatticeTiling& tiling = s.tiling;
    const int32_t P = tiling.parity_classes, S = tiling.site_classes;
    order_.assign(batch.site_order, batch.site_order + int64_t(batch.sweeps) * P * S);
    control_[0] = 1;
    control_[1] = 0;
    std::fill(counters_.begin(), counters_.end(), 0ull);

    const SublatticeTables tab[2] = {tables(0), tables(1)};
    const LaunchShape shape{plan_.grid, plan_.block, plan_.shared_bytes, plan_.phases};
    for (int32_t n = 0; n < batch.sweeps; ++n) {
      SublatticeKernel::gate(control_, counters_.data(), batch.hop_budget);
      const SublatticeTables& t = tab[(batch.last_partial && n == batch.sweeps - 1) ? 1 : 0];
      for (int32_t pi = 0; pi < P; ++pi) {
        const int32_t p = batch.parity_order[int64_t(n) * P + pi];
        SublatticeLaunch L{s.lattice,
                           tiling,
                           t,
                           arrays(),
                           s.key,
                           batch.first_sweep + n,
                           p,
                           0,
                           order_.data() + (int64_t(n) * P + p) * S,
                           control_,
                           counters_.data(),
                           counters_.data() + 1};
        // The CUDA kernel returns at once when the gate closed the batch.
        if (!SublatticeKernel::active(L)) continue;
        launch(shape, s.replay_shuffle, (batch.first_sweep + n) * 8 + pi, s.threads,
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

 private:
  // A batch under the lattice-wide class rule: per sweep the gate, then one
  // class launch per class of the sweep's order.
  SublatticeBatchResult run_classes(const SublatticeBatch& batch, uint64_t* hops_by_slot) {
    const SublatticeSetup& s = setup();
    const SublatticeLatticeRule& rule = s.lattice_rule;
    const int32_t C = rule.classes();
    const SublatticeTables tab[2] = {tables(0), tables(1)};
    require_thinned_tables(s.lattice, tab[0]);
    control_[0] = 1;
    control_[1] = 0;
    std::fill(counters_.begin(), counters_.end(), 0ull);
    const LaunchShape shape{class_plan_.grid, class_plan_.block, class_plan_.shared_bytes,
                            class_plan_.phases};
    for (int32_t n = 0; n < batch.sweeps; ++n) {
      SublatticeKernel::gate(control_, counters_.data(), batch.hop_budget);
      const SublatticeTables& t = tab[(batch.last_partial && n == batch.sweeps - 1) ? 1 : 0];
      for (int32_t qi = 0; qi < C; ++qi) {
        const int32_t q = batch.parity_order[int64_t(n) * C + qi];
        const SublatticeClassLaunch L{s.lattice,
                                      t,
                                      SublatticeThinning::tables(s.lattice, t),
                                      arrays(),
                                      s.key,
                                      batch.first_sweep + n,
                                      class_plan_.geometry,
                                      rule.phase_of(q),
                                      rule.basis_of(q),
                                      control_,
                                      counters_.data(),
                                      counters_.data() + 1};
        // The CUDA kernel returns at once when the gate closed the batch.
        if (!SublatticeClassKernel::active(L)) continue;
        launch(shape, s.replay_shuffle, ((batch.first_sweep + n) << 9) + qi, s.threads,
               [&L](const Lane& lane, int32_t phase, unsigned int* shared) {
                 SublatticeClassKernel::phase(L, lane, phase, shared);
               });
      }
    }
    SublatticeBatchResult result;
    result.sweeps_done = control_[1];
    result.hops = counters_[0];
    for (size_t i = 1; i < counters_.size(); ++i) hops_by_slot[i - 1] += counters_[i];
    return result;
  }

  SublatticeLaunchPlan plan_;
  SublatticeClassLaunchPlan class_plan_;
  std::vector<uint16_t> order_;
  int32_t control_[2] = {0, 0};
  std::vector<unsigned long long> counters_;
};

}  // namespace

std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup& setup) {
  return std::make_unique<SublatticeReplay>(setup);
}

}  // namespace coatkmc::replay
