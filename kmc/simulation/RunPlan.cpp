#include "kmc/simulation/RunPlan.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "kmc/microstructure/Microstructure.hpp"
#include "kmc/model/EnvironmentCompiler.hpp"
#include "kmc/model/EnvironmentPlacement.hpp"
#include "kmc/model/Landscape.hpp"
#include "kmc/solvers/BklSolver.hpp"
#include "kmc/solvers/SolverFactory.hpp"

namespace coatkmc {

namespace {

std::string gib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1 << 30));
  return buf;
}

std::string solver_for(const SimulationSettings& s, int64_t ions) {
  if (s.solver != "auto") return s.solver;
  if (s.environment.active) {
    // The first exact solver of the registry that takes the model (bkl).
    for (const SolverEntry& e : solver_registry())
      if (e.capabilities.exact && e.capabilities.environment) return e.name;
  }
  if (!s.species.active()) return auto_solver(s.hop, ions);
  // Several species: the first exact solver of the registry that takes them (bkl).
  for (const SolverEntry& e : solver_registry())
    if (e.capabilities.exact && e.capabilities.species) return e.name;
  return auto_solver(s.hop, ions);
}

// The registry entry of the plan's solver; an unknown name is a problem of run.solver.
bool known_solver(RunPlan& plan) {
  if (find_solver(plan.solver)) return true;
  plan.problems.push_back({"run.solver", "run.solver: no solver named '" + plan.solver + "'"});
  return false;
}

// Adds plan_run's memory problem, if any, and records the memory.
void check_memory(RunPlan& plan, const MemoryBudget& available, const RunKeeping& keeping) {
  plan.memory =
      minimum_run_memory(plan.settings, plan.solver, plan.backend, keeping, plan.bkl_cache_bytes);
  if (auto problem = memory_problem(plan.settings, plan.solver, plan.backend, available, keeping,
                                    plan.bkl_cache_bytes))
    plan.problems.push_back(std::move(*problem));
}

// The lattice, the microstructure's landscape and closed sites, the hop model.
// Geometry a description cannot make is a problem of lattice.cells.
std::shared_ptr<RunWorld> build_world(const SimulationSettings& cfg, std::vector<PlanProblem>& problems) {
  try {
    auto world = std::make_shared<RunWorld>(cfg.lattice, cfg.cells,
                                            hops_if_known(cfg.lattice, cfg.hops.get()));
    const Lattice& lattice = world->lattice;
    world->open_sites = lattice.num_host_sites();
    Landscape landscape;
    if (!cfg.site_energy.empty()) {
      landscape.site_energy = cfg.site_energy;
    } else if (cfg.microstructure.active()) {
      SiteMap map = build_microstructure(lattice, cfg.microstructure, cfg.hop.barrier);
      landscape.site_energy = std::move(map.site_energy);
      landscape.bond_barrier = std::move(map.bond_barrier);
      world->blocked = std::move(map.blocked);
      world->open_sites = map.open_host_sites;
      if (!cfg.microstructure.layers.empty()) world->site_layer = std::move(map.layer);
    } else if (cfg.landscape.disordered()) {
      landscape = draw_landscape(lattice, cfg.landscape);
    }
    world->model = std::make_unique<HopModel>(lattice, cfg.hop, std::move(landscape.site_energy),
                                              std::move(landscape.bond_barrier));
    for (size_t i = 0; i < cfg.microstructure.layers.size(); ++i) {
      const std::string& name = cfg.microstructure.layers[i].name;
      world->layer_names.push_back(name.empty() ? "layer " + std::to_string(i + 1) : name);
    }
    world->occupancy = cfg.occupancy;
    return world;
  } catch (const std::invalid_argument& e) {
    problems.push_back({"lattice.cells", std::string("lattice: ") + e.what()});
    return nullptr;
  }
}

// The local-environment model: compiled tables, the immobile species' sites
// (closed to ions on mobile sublattices), and the rate bound.
void build_environment(const SimulationSettings& cfg, RunWorld& world,
                       std::vector<PlanProblem>& problems) {
  const Lattice& lattice = world.lattice;
  try {
    CompiledEnvironment tables = compile_environment(lattice, cfg.environment);
    std::vector<uint8_t> fixed = place_immobile(lattice, cfg.environment, cfg.seed);
    if (!fixed.empty()) {
      if (world.blocked.empty()) world.blocked.assign(lattice.num_sites(), 0);
      for (int64_t s = 0; s < lattice.num_sites(); ++s)
        if (fixed[s] && lattice.is_mobile(s)) world.blocked[s] = 1;
      world.open_sites = 0;
      for (int64_t s = 0; s < lattice.num_sites(); ++s)
        world.open_sites += lattice.is_host(s) && !world.blocked[s];
    }
    const double kT = world.model->kT();
    const double bound = world.model->max_rate() * std::exp(-tables.min_energy_eV / kT);
    if (!std::isfinite(bound) || bound > 1e300)
      throw EnvironmentError("environment.coefficients",
                             cfg.environment.coefficients.path +
                                 ": the coefficients make a rate overflow (E_env down to " +
                                 std::to_string(tables.min_energy_eV) + " eV at kT = " +
                                 std::to_string(kT) + " eV)");
    world.environment =
        std::make_unique<EnvironmentModel>(lattice, std::move(tables), std::move(fixed), kT);
  } catch (const EnvironmentError& e) {
    problems.push_back({e.key(), e.key() + ": " + e.what()});
  }
}

// Several species: their counts set the occupancy, and must fit the open sites.
void place_species_counts(const SimulationSettings& cfg, RunWorld& world, int64_t open_sites,
                          std::vector<PlanProblem>& problems) {
  try {
    world.species = std::make_unique<SpeciesRates>(world.lattice, cfg.hop, cfg.species);
    world.species_counts = cfg.species.counts(cfg.species.region_sites(world.lattice, world.blocked));
  } catch (const std::invalid_argument& e) {
    problems.push_back({"occupancy.species", e.what()});
    return;
  }
  const int64_t total =
      std::accumulate(world.species_counts.begin(), world.species_counts.end(), int64_t(0));
  // The configuration checked the counts against every host site; a
  // microstructure may close some of them.
  if (total > open_sites) {
    problems.push_back(
        {"occupancy.species",
         "occupancy.species: the species place " + std::to_string(total) + " ions on " +
             std::to_string(open_sites) + " open host sites (the microstructure blocks " +
             std::to_string(world.lattice.num_host_sites() - open_sites) + ")"});
    return;
  }
  world.occupancy.by_vacancies = true;
  world.occupancy.vacancies = open_sites - total;
}

}  // namespace

std::optional<PlanProblem> memory_problem(const SimulationSettings& s, const std::string& solver,
                                          BackendKind backend, const MemoryBudget& available,
                                          const RunKeeping& keeping, double bkl_cache_bytes) {
  const RunMemory need = minimum_run_memory(s, solver, backend, keeping, bkl_cache_bytes);
  for (const bool device : {false, true}) {
    if (device && backend != BackendKind::Cuda) continue;
    const double needed = device ? need.device : need.host;
    const double have = device ? available.device : available.host;
    if (!(have > 0) || needed <= have) continue;
    // The replicas are what is too many when one replica alone would fit.
    SimulationSettings one = s;
    one.replicas = 1;
    const RunMemory single = minimum_run_memory(one, solver, backend, keeping, bkl_cache_bytes);
    const bool replicas = s.replicas > 1 && (device ? single.device : single.host) <= have;
    const std::string key = replicas ? "run.replicas" : "lattice.cells";
    const std::string advice =
        replicas ? "(use fewer replicas, or fewer threads when replicas run side by side)"
                 : "(use fewer cells, or fewer threads when replicas run side by side)";
    return PlanProblem{key, key + ": this run needs at least " + gib(needed) +
                                (device ? " of GPU memory and the GPU has " + gib(have) + " free "
                                        : " of memory and this machine has " + gib(have) + " ") +
                                advice};
  }
  return std::nullopt;
}

RunPlan plan_run(SimulationSettings settings, const MemoryBudget& available,
                 const RunKeeping& keeping) {
  RunPlan plan;
  plan.settings = std::move(settings);
  const SimulationSettings& cfg = plan.settings;
  // Before anything big is allocated: the solver and memory as the settings
  // alone tell them (every host site open).
  plan.ions = ions_on_host_sites(cfg);
  plan.solver = solver_for(cfg, plan.ions);
  if (!known_solver(plan)) return plan;
  plan.backend = resolve_backend(cfg.backend, solver_has_cuda(plan.solver));
  check_memory(plan, available, keeping);
  if (!plan.ok()) return plan;

  const auto build_start = std::chrono::steady_clock::now();
  std::shared_ptr<RunWorld> world = build_world(cfg, plan.problems);
  if (!world) return plan;
  plan.host_sites = world->lattice.num_host_sites();
  if (cfg.environment.active) {
    if (!find_solver(plan.solver)->capabilities.environment) {
      plan.problems.push_back({"environment", "environment: the " + plan.solver +
                                                  " solver does not take the environment model "
                                                  "(use run.solver = \"bkl\" or \"sublattice\")"});
      return plan;
    }
    build_environment(cfg, *world, plan.problems);
    if (!plan.ok()) return plan;
  }
  plan.open_sites = world->open_sites;
  if (cfg.species.active()) {
    place_species_counts(cfg, *world, plan.open_sites, plan.problems);
    if (!plan.ok()) return plan;
  }
  // A microstructure may have closed sites: the ions, and with them an automatic
  // solver choice, follow the open ones.
  plan.ions = world->occupancy.basis_fraction.empty()
                  ? world->occupancy.ion_count(plan.open_sites)
                  : world->occupancy.ion_count(world->lattice, world->blocked);
  const std::string solver = solver_for(cfg, plan.ions);
  if (solver != plan.solver) {
    plan.solver = solver;
    plan.backend = resolve_backend(cfg.backend, solver_has_cuda(plan.solver));
    check_memory(plan, available, keeping);
    if (!plan.ok()) return plan;
  }
  // bkl's cache of the environment model's rates, per replica, now that the
  // model is compiled (before any replica allocates it).
  if (cfg.environment.active && plan.solver == "bkl") {
    world->bkl_environment = make_bkl_environment_tables(world->lattice, *world->environment,
                                                         BklSolver::kMaxEnvironmentCacheBytes);
    plan.bkl_cache_bytes = bkl_environment_cache_bytes(world->lattice, *world->bkl_environment);
    check_memory(plan, available, keeping);
    if (!plan.ok()) return plan;
  }
  plan.world = std::move(world);
  plan.world_build_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  return plan;
}

}  // namespace coatkmc
