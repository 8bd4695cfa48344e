#pragma once
// The parallel solvers' side of the window reductions (Solver::mark_window,
// reduce_window): the per-ion arrays live in the engine (kernels/IonWindow.hpp:
// IonWindows), the counters of each mark (time, hops, attempts, hops per
// length) on the host, where the solver keeps them anyway. One object per
// solver; rebound whenever the solver (re)loads a state into an engine, which
// forgets the engine's marks.
#include <cstdint>

#include "kernels/IonWindow.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/solvers/HopSteps.hpp"
#include "kmc/state/ObservableSums.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

class EngineWindows {
 public:
  // What an engine needs to reduce windows of `state` under `layout`
  // (walker engines: the group's walkers start at first_walker).
  static IonWindowSetup setup(const SystemState& state, const ObservableLayout& layout,
                              const HopSteps& hops, const Lattice& lattice,
                              int64_t first_walker = 0);
  // The engine's windows (made from setup()); every mark is unset.
  void bind(IonWindows& windows, int64_t ions);
  void unbind() { windows_ = nullptr; }
  bool bound() const { return windows_ != nullptr; }
  void mark(const SystemState& state, int slot);
  void restore(const SystemState& state, int slot, const ObservableMark& mark);
  // Mark `slot` with its per-ion part (displacement, sites) from the engine.
  ObservableMark download(int slot) const;
  ObservableSums reduce(const SystemState& state, int slot, const ObservableLayout& layout);

 private:
  IonWindows* windows_ = nullptr;
  int64_t ions_ = 0;
  ObservableMark counters_[kIonWindowMarks];  // counters only (no per-ion vectors)
  bool marked_[kIonWindowMarks] = {false, false};
};

}  // namespace coatkmc
