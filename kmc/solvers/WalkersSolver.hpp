#pragma once
#include <cstdint>
#include <memory>

#include "kmc/backend/Backend.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/EngineWindowSolver.hpp"
#include "kmc/solvers/WalkerBatch.hpp"

namespace coatkmc {

// Independent ions (the tracer or dilute limit: no exclusion, no interaction)
// in a frozen landscape, each taking exact n-fold-way steps with its own clock
// (kernels/WalkerStep.hpp): one thread per walker on the CPU and the GPU.
//
// Time: walkers advance in rounds; a round takes every walker exactly to a
// common instant (a step that would pass it is discarded, which memorylessness
// makes exact), and state.time is that instant. A time target is one round.
// A hop target is met by whole rounds on a fixed grid of simulated time
// (multiples of round_time(), one hop per walker at equilibrium, a function of
// the model alone), many per launch: each launch runs every walker to a grid
// instant chosen before it starts from the hops still to make and the number
// of walkers (rounds_toward), until the total reaches the target. The target
// is passed by about a round's hops, and state.time is always an instant at
// which every walker stands. The rounds, and so the trajectory, do not depend
// on the targets asked for: a run stopped anywhere and continued (a
// checkpoint, a longer run) is the same run. `attempts` equals `hops`
// (rejection-free).
class WalkersSolver : public EngineWindowSolver {
 public:
  WalkersSolver(const Lattice& lattice, const HopModel& model, uint64_t seed, BackendKind backend,
                int threads = 1);
  std::string name() const override { return "walkers"; }
  void advance(SystemState& state, const AdvanceTarget& target) override;
  // Windows reduced in the engine's memory: kmc/solvers/EngineWindowSolver.hpp.
  void keep_state_on_engine(bool keep) override;
  void sync(SystemState& state) override;
  // Length of a round of a hop target, s.
  double round_time() const { return round_time_; }
  // Hops per walker per round at equilibrium: each round costs every walker
  // one discarded draw, and observations land on round ends.
  static constexpr double kHopsPerRound = 1.0;
  // The rounds of the next launch toward a hop target: as many as `hops_left`
  // fills at kHopsPerRound per walker, at least 1, at most
  // WalkerEngine::kMaxRounds. Integers in, so every backend and a resumed run
  // choose the same rounds.
  static int32_t rounds_toward(uint64_t hops_left, int64_t walkers);

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
  double round_time_ = 0;
  bool resident_ = false;

  // A batch for `state` unless the present one holds it.
  void bind(SystemState& state);
  void bind_windows(SystemState& state) override;

  // The first grid instant after `time`.
  double next_round_end(double time) const;
};

}  // namespace coatkmc
