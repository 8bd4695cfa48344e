#pragma once
#include <cstdint>
#include <limits>
#include <string>

#include "kmc/state/ObservableSums.hpp"
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

  // Milestone observables of windows (kmc/state/ObservableSums.hpp), reduced
  // where the solver keeps its state: the parallel solvers reduce in their
  // engine's memory (kernels/IonWindow.hpp; the GPU for cuda), so that only
  // the sums cross to the host; this default (bkl) runs the host reference
  // reduce_observables() on `state`. There are kWindowMarks marks; a window
  // runs from a mark to the state now. set_observable_layout() first (it
  // forgets the marks); `state` is the one passed to advance().
  static constexpr int kWindowMarks = 2;
  virtual void set_observable_layout(const ObservableLayout& layout);
  // Mark `slot` becomes the state now.
  virtual void mark_window(SystemState& state, int slot);
  // Mark `slot` from the host (a run resumed from a checkpoint): counters,
  // per-ion displacement and sites of `mark`.
  virtual void restore_mark(SystemState& state, int slot, const ObservableMark& mark);
  // The sums of the window from mark `slot` to the state now.
  virtual ObservableSums reduce_window(SystemState& state, int slot);
  // Mark `slot` with its per-ion part (displacement, sites): what a checkpoint keeps.
  virtual ObservableMark download_mark(SystemState& state, int slot);

  // Where the state lives between calls. By default advance() leaves every
  // field of `state` current. After keep_state_on_engine(true) a solver with
  // an engine (sublattice) leaves the ions in the engine's memory: after
  // advance() only the counters (time, hops, attempts, rng_step,
  // sum_hop_length_sq, hops_by_length) are current on the host, and sync()
  // brings the rest (positions, displacements, travel records, occupancy) up
  // to date: for a checkpoint, a site map or the final state.
  virtual void keep_state_on_engine(bool keep) { (void)keep; }
  virtual void sync(SystemState& state) { (void)state; }

 protected:
  static int checked_slot(int slot);
  ObservableLayout layout_;

 private:
  ObservableMark host_marks_[kWindowMarks];
  bool host_marked_[kWindowMarks] = {false, false};
};

}  // namespace coatkmc
