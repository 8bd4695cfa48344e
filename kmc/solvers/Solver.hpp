#pragma once
#include <cstdint>
#include <limits>
#include <string>

#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// Where a solver stops: after `hops` accepted hops in total, or at simulated
// time `time` exactly (the state at that instant), whichever comes first.
struct AdvanceTarget {
  uint64_t hops = std::numeric_limits<uint64_t>::max();
  double time = std::numeric_limits<double>::infinity();
};

// The interface every solver (bkl, and the parallel ones) implements. The
// simulation driver calls advance() between observation milestones, so
// observables, blocks and progress reports never depend on the solver.
class Solver {
 public:
  virtual ~Solver() = default;
  virtual std::string name() const = 0;
  // The solver takes ownership of nothing; `state` must stay alive and
  // unchanged by others between calls.
  virtual void advance(SystemState& state, const AdvanceTarget& target) = 0;
};

}  // namespace coatkmc
