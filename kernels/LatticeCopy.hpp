#pragma once
// An engine's own copy of the step table a LatticeView points to (host code:
// the CPU and replay engines). The view an engine is set up with points into
// its caller's memory (the solver's HopSteps); the engine keeps the table
// itself and a view of that copy, built once here.
#include <cstdint>
#include <vector>

#include "kernels/LatticeView.hpp"

namespace coatkmc {

class LatticeCopy {
 public:
  explicit LatticeCopy(const LatticeView& lattice)
      : steps_(lattice.steps, lattice.steps + int64_t(lattice.nbasis) * lattice.zmax),
        view_(lattice) {
    view_.steps = steps_.data();
  }
  // The view points into this object's own table: not copied.
  LatticeCopy(const LatticeCopy&) = delete;
  LatticeCopy& operator=(const LatticeCopy&) = delete;

  // The caller's view with steps pointing at the copy.
  const LatticeView& view() const { return view_; }

 private:
  std::vector<HopStep> steps_;
  LatticeView view_;
};

}  // namespace coatkmc
