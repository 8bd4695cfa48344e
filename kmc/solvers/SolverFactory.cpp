#include "kmc/solvers/SolverFactory.hpp"

#include "kmc/core/Error.hpp"
#include "kmc/solvers/BklSolver.hpp"
#include "kmc/solvers/SublatticeSolver.hpp"
#include "kmc/solvers/WalkersSolver.hpp"

namespace coatkmc {

namespace {

std::unique_ptr<Solver> make_bkl(BackendKind, const Lattice& lattice, const HopModel& model,
                                 uint64_t seed, const SolverOptions& options) {
  auto bkl = std::make_unique<BklSolver>(lattice, model, seed);
  if (options.species) bkl->set_species(*options.species);
  if (options.environment && options.bkl_environment)
    bkl->set_environment(*options.environment, *options.bkl_environment);
  else if (options.environment)
    bkl->set_environment(*options.environment);
  return bkl;
}

std::unique_ptr<Solver> make_walkers(BackendKind backend, const Lattice& lattice,
                                     const HopModel& model, uint64_t seed,
                                     const SolverOptions& options) {
  if (options.environment)
    throw CannotProceed("walkers do not see each other, so they take no [environment] (use "
                        "run.solver = \"bkl\" or \"sublattice\")");
  if (options.species)
    throw CannotProceed("walkers do not see each other, so they take no species (use run.solver = "
                        "\"bkl\" or \"sublattice\")");
  return std::make_unique<WalkersSolver>(lattice, model, seed, backend, options.threads);
}

std::unique_ptr<Solver> make_sublattice(BackendKind backend, const Lattice& lattice,
                                        const HopModel& model, uint64_t seed,
                                        const SolverOptions& options) {
  SublatticeOptions o;
  o.acceptance_ceiling = options.acceptance_ceiling;
  o.rule = sublattice_attempt_rule(options.sublattice_attempts);
  o.class_rule = sublattice_class_rule(options.sublattice_class_rule);
  o.threads = options.threads;
  o.species = options.species;
  if (!options.environment) return std::make_unique<SublatticeSolver>(lattice, model, seed, backend, o);
  // The [environment] model in the sublattice solver's form (its tables are
  // built by the constructor; the converted model is not kept).
  const SublatticeEnvironmentModel environment =
      sublattice_environment_model(*options.environment, options.species ? options.species->count() : 1);
  o.environment = &environment;
  return std::make_unique<SublatticeSolver>(lattice, model, seed, backend, o);
}

}  // namespace

const std::vector<SolverEntry>& solver_registry() {
  // exact, parallel, device_code, interaction, species, environment
  static const std::vector<SolverEntry> entries = {
      {"bkl", {true, false, false, true, true, true}, &make_bkl},
      {"walkers", {true, true, true, false, false, false}, &make_walkers},
      {"sublattice", {false, true, true, true, true, true}, &make_sublattice},
  };
  return entries;
}

const SolverEntry* find_solver(const std::string& name) {
  for (const SolverEntry& e : solver_registry())
    if (e.name == name) return &e;
  return nullptr;
}

const std::vector<std::string>& solver_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const SolverEntry& e : solver_registry()) n.push_back(e.name);
    return n;
  }();
  return names;
}

std::string auto_solver(const HopParameters&, int64_t ions) {
  return ions == 1 ? "walkers" : "bkl";
}

bool solver_has_cuda(const std::string& name) {
  const SolverEntry* e = find_solver(name);
  return e && e->capabilities.device_code && backend_info().cuda_compiled;
}

bool solver_is_parallel(const std::string& name) {
  const SolverEntry* e = find_solver(name);
  return e && e->capabilities.parallel;
}

std::unique_ptr<Solver> make_solver(const std::string& name, BackendKind backend,
                                    const Lattice& lattice, const HopModel& model, uint64_t seed,
                                    const SolverOptions& options) {
  const SolverEntry* e = find_solver(name);
  if (!e) throw CannotProceed("solver '" + name + "' is not available in this build");
  if (backend != BackendKind::Cpu && !e->capabilities.device_code)
    throw CannotProceed("solver '" + name + "' has no " + backend_name(backend) + " path");
  return e->make(backend, lattice, model, seed, options);
}

}  // namespace coatkmc
