#pragma once
#include <memory>

#include "kmc/backend/Backend.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/Solver.hpp"
#include "kmc/solvers/WalkerBatch.hpp"

namespace coatkmc {

// Independent ions (the tracer or dilute limit: no exclusion, no interaction)
// in a frozen landscape, each taking exact n-fold-way steps with its own clock
// (kernels/WalkerStep.hpp): one thread per walker on the CPU and the GPU.
//
// Time: walkers advance in rounds; a round takes every walker exactly to a
// common instant (a step that would pass it is discarded, which memorylessness
// makes exact), and state.time is that instant. A time target is one round.
// A hop target is met by rounds whose length is the remaining hops over the
// walkers' present total rate (after the first, over the rate measured in the
// previous round), until the total reaches it: the target may be passed by
// the fluctuation of the last round's hop count, and state.time is always an
// instant at which every walker stands. `attempts` equals `hops` (rejection-free).
class WalkersSolver : public Solver {
 public:
  WalkersSolver(const Lattice& lattice, const HopModel& model, uint64_t seed, BackendKind backend,
                int threads = 1);
  std::string name() const override { return "walkers"; }
  void advance(SystemState& state, const AdvanceTarget& target) override;

 private:
  const Lattice& lattice_;
  const HopModel& model_;
  uint64_t seed_;
  BackendKind backend_;
  int threads_;
  std::unique_ptr<WalkerBatch> batch_;
  const SystemState* bound_ = nullptr;
  uint64_t bound_hops_ = 0, bound_step_ = 0;
  double bound_time_ = 0;
};

}  // namespace coatkmc
