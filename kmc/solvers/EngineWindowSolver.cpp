#include "kmc/solvers/EngineWindowSolver.hpp"

namespace coatkmc {

void EngineWindowSolver::set_observable_layout(const ObservableLayout& layout) {
  Solver::set_observable_layout(layout);
  windows_.unbind();
}

void EngineWindowSolver::mark_window(SystemState& state, int slot) {
  bind_windows(state);
  windows_.mark(state, checked_slot(slot));
}

void EngineWindowSolver::restore_mark(SystemState& state, int slot, const ObservableMark& mark) {
  bind_windows(state);
  windows_.restore(state, checked_slot(slot), mark);
}

ObservableSums EngineWindowSolver::reduce_window(SystemState& state, int slot) {
  bind_windows(state);
  return windows_.reduce(state, checked_slot(slot), layout_);
}

ObservableMark EngineWindowSolver::download_mark(SystemState& state, int slot) {
  bind_windows(state);
  return windows_.download(checked_slot(slot));
}

}  // namespace coatkmc
