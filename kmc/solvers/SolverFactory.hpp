#pragma once
#include <memory>
#include <string>
#include <vector>

#include "kmc/backend/Backend.hpp"
#include "kmc/model/EnvironmentModel.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/solvers/BklEnvironmentRates.hpp"
#include "kmc/solvers/Solver.hpp"
#include "kmc/solvers/SublatticeDefaults.hpp"

namespace coatkmc {

// What a solver may take besides lattice, model and seed.
struct SolverOptions {
  int threads = 1;  // OpenMP threads inside one solver (parallel solvers)
  double acceptance_ceiling = kDefaultAcceptanceCeiling;  // sublattice: max rate / gamma
  std::string sublattice_attempts = "poisson";            // sublattice attempt rule
  std::string sublattice_class_rule = "tiles";            // sublattice: tiles | auto | lattice
  // Several species ([[occupancy.species]]); nullptr: one species. Must
  // outlive the solver. bkl and sublattice take them, walkers refuse them.
  const SpeciesRates* species = nullptr;
  // The local-environment model ([environment]); nullptr: none. Must outlive
  // the solver. Solvers whose capabilities lack `environment` refuse it.
  const EnvironmentModel* environment = nullptr;
  // bkl with `environment`: its cache's tables as the run decided them
  // (RunWorld::bkl_environment); nullptr: bkl decides and makes them itself.
  const BklEnvironmentTables* bkl_environment = nullptr;
};

// What a registered solver is and can do (the registry below is the one
// place a solver's name is written).
struct SolverCapabilities {
  bool exact = false;         // statistically exact kinetics (bkl, walkers)
  bool parallel = false;      // parallelizes inside one replica (wants SolverOptions::threads)
  bool device_code = false;   // has kernels for the device backends (cuda, replay)
  bool interaction = false;   // takes hop.interaction
  bool species = false;       // takes [[occupancy.species]]
  bool environment = false;   // takes [environment] (the local-environment model)
};

using SolverMaker = std::unique_ptr<Solver> (*)(BackendKind backend, const Lattice& lattice,
                                                const HopModel& model, uint64_t seed,
                                                const SolverOptions& options);

struct SolverEntry {
  std::string name;
  SolverCapabilities capabilities;
  SolverMaker make;
};

// Every solver, in the order run.solver lists them. Names are registered
// once, in SolverFactory.cpp.
const std::vector<SolverEntry>& solver_registry();
// The entry named `name`; nullptr when there is none.
const SolverEntry* find_solver(const std::string& name);

// Conveniences over the registry.
// Names accepted by run.solver (besides "auto").
const std::vector<std::string>& solver_names();
// The solver `auto` picks: walkers for a single ion (both exact, walkers
// parallel and GPU-capable), bkl otherwise. sublattice is never picked
// automatically: it is approximate.
std::string auto_solver(const HopParameters& params, int64_t ions = 0);
// The solver has device code and this build has the CUDA backend.
bool solver_has_cuda(const std::string& name);
// Solvers that parallelize inside one replica (and want SolverOptions::threads).
bool solver_is_parallel(const std::string& name);
// Makes the solver `name` on `backend` (CannotProceed when unknown, or when
// the backend is a device one and the solver has no device code).
std::unique_ptr<Solver> make_solver(const std::string& name, BackendKind backend,
                                    const Lattice& lattice, const HopModel& model, uint64_t seed,
                                    const SolverOptions& options = {});

}  // namespace coatkmc
