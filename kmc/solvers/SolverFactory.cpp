#include "kmc/solvers/SolverFactory.hpp"

#include "kmc/core/Error.hpp"
#include "kmc/solvers/BklSolver.hpp"

namespace coatkmc {

const std::vector<std::string>& solver_names() {
  static const std::vector<std::string> names = {"bkl"};
  return names;
}

std::string auto_solver(const HopParameters&) { return "bkl"; }

bool solver_has_cuda(const std::string&) { return false; }

std::unique_ptr<Solver> make_solver(const std::string& name, BackendKind backend,
                                    const Lattice& lattice, const HopModel& model, uint64_t seed) {
  if (backend == BackendKind::Cuda) throw CannotProceed("solver '" + name + "' has no CUDA path");
  if (name == "bkl") return std::make_unique<BklSolver>(lattice, model, seed);
  throw CannotProceed("solver '" + name + "' is not available in this build");
}

}  // namespace coatkmc
