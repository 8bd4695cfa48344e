#include "kmc/solvers/SolverFactory.hpp"

#include "kmc/core/Error.hpp"
#include "kmc/solvers/BklSolver.hpp"
#include "kmc/solvers/SublatticeSolver.hpp"
#include "kmc/solvers/WalkersSolver.hpp"

namespace coatkmc {

const std::vector<std::string>& solver_names() {
  static const std::vector<std::string> names = {"bkl", "walkers", "sublattice"};
  return names;
}

std::string auto_solver(const HopParameters&, int64_t ions) {
  return ions == 1 ? "walkers" : "bkl";
}

bool solver_has_cuda(const std::string& name) {
#if COATKMC_HAVE_CUDA
  return name == "walkers" || name == "sublattice";
#else
  (void)name;
  return false;
#endif
}

bool solver_is_parallel(const std::string& name) {
  return name == "walkers" || name == "sublattice";
}

std::unique_ptr<Solver> make_solver(const std::string& name, BackendKind backend,
                                    const Lattice& lattice, const HopModel& model, uint64_t seed,
                                    const SolverOptions& options) {
  if (backend == BackendKind::Cuda && !solver_has_cuda(name))
    throw CannotProceed("solver '" + name + "' has no CUDA path");
  if (name == "bkl") {
    auto bkl = std::make_unique<BklSolver>(lattice, model, seed);
    if (options.species) bkl->set_species(*options.species);
    return bkl;
  }
  if (name == "walkers" && options.species)
    throw CannotProceed("walkers do not see each other, so they take no species (use run.solver = "
                        "\"bkl\" or \"sublattice\")");
  if (name == "walkers")
    return std::make_unique<WalkersSolver>(lattice, model, seed, backend, options.threads);
  if (name == "sublattice") {
    SublatticeOptions o;
    o.acceptance_ceiling = options.acceptance_ceiling;
    o.rule = sublattice_attempt_rule(options.sublattice_attempts);
    o.threads = options.threads;
    o.species = options.species;
    return std::make_unique<SublatticeSolver>(lattice, model, seed, backend, o);
  }
  throw CannotProceed("solver '" + name + "' is not available in this build");
}

}  // namespace coatkmc
