#pragma once
// The window calls of a solver whose state lives in an engine (the parallel
// solvers, WalkersSolver and SublatticeSolver): each call binds the state and
// the engine's windows, then leaves the work to EngineWindows
// (kmc/solvers/EngineWindows.hpp). Written once here because the two
// solvers differ only in how they bind (bind_windows()).
#include "kmc/solvers/EngineWindows.hpp"
#include "kmc/solvers/Solver.hpp"

namespace coatkmc {

class EngineWindowSolver : public Solver {
 public:
  // A new layout forgets the engine's windows and marks.
  void set_observable_layout(const ObservableLayout& layout) override;
  void mark_window(SystemState& state, int slot) override;
  void restore_mark(SystemState& state, int slot, const ObservableMark& mark) override;
  ObservableSums reduce_window(SystemState& state, int slot) override;
  ObservableMark download_mark(SystemState& state, int slot) override;

 protected:
  // Loads `state` into the engine unless it is there, and binds windows_ to
  // the engine's windows unless they are bound.
  virtual void bind_windows(SystemState& state) = 0;
  EngineWindows windows_;
};

}  // namespace coatkmc
