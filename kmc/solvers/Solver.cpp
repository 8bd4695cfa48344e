#include "kmc/solvers/Solver.hpp"

#include <stdexcept>

namespace coatkmc {

int Solver::checked_slot(int slot) {
  if (slot < 0 || slot >= kWindowMarks) throw std::out_of_range("solver: window mark slot");
  return slot;
}

void Solver::set_observable_layout(const ObservableLayout& layout) {
  layout_ = layout;
  for (bool& m : host_marked_) m = false;
}

void Solver::mark_window(SystemState& state, int slot) {
  host_marks_[checked_slot(slot)] = ObservableMark::of(state);
  host_marked_[slot] = true;
}

void Solver::restore_mark(SystemState&, int slot, const ObservableMark& mark) {
  host_marks_[checked_slot(slot)] = mark;
  host_marked_[slot] = true;
}

ObservableSums Solver::reduce_window(SystemState& state, int slot) {
  if (!host_marked_[checked_slot(slot)]) throw std::logic_error("solver: window mark not set");
  return reduce_observables(state, host_marks_[slot], layout_);
}

ObservableMark Solver::download_mark(SystemState&, int slot) {
  if (!host_marked_[checked_slot(slot)]) throw std::logic_error("solver: window mark not set");
  return host_marks_[slot];
}

}  // namespace coatkmc
