#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kmc/backend/Backend.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/model/EnvironmentModel.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/simulation/RunMemory.hpp"
#include "kmc/simulation/SimulationSettings.hpp"
#include "kmc/solvers/BklEnvironmentRates.hpp"

namespace coatkmc {

// Something that keeps a run from going ahead, and the configuration key it
// belongs to, so the host can point at the line (or the --set) that set it
// without reading the message.
struct PlanProblem {
  std::string key;      // e.g. "run.replicas", "lattice.cells", "occupancy.species"
  std::string message;  // one line, as the error prints after FILE:LINE:
};

// What every replica computes with, built once: the periodic lattice, the
// sites a microstructure closes, the layer of every site, the hop model and,
// with several species, their rate tables and counts.
struct RunWorld {
  RunWorld(const LatticeDescription& description, const std::array<int, 3>& cells,
           const HopTable* hops = nullptr)
      : lattice(description, cells, hops) {}
  Lattice lattice;
  std::vector<uint8_t> blocked;     // sites a microstructure closes to ions (empty: none)
  int64_t open_sites = 0;           // host sites not blocked
  std::vector<uint8_t> site_layer;  // layer of every site of a multilayer (empty: none)
  std::vector<std::string> layer_names;
  std::unique_ptr<HopModel> model;
  std::unique_ptr<SpeciesRates> species;  // null with one species
  std::vector<int64_t> species_counts;
  Occupancy occupancy;  // with species: the vacancies their counts leave
  // The local-environment model (null without [environment]); its immobile
  // species on mobile sites are in `blocked` too.
  std::unique_ptr<EnvironmentModel> environment;
  // bkl with [environment]: its cache's tables, made once for every replica
  // (make_bkl_environment_tables; null for the other solvers).
  std::shared_ptr<const BklEnvironmentTables> bkl_environment;
};

// One run, decided once (run_simulation only carries it out): the solver and
// backend, the sites and ions, the memory it needs, and what stands in its
// way. Without problems `world` is built and the run can start.
struct RunPlan {
  SimulationSettings settings;
  std::string solver;  // never "auto"
  BackendKind backend = BackendKind::Cpu;
  int64_t host_sites = 0;  // mobile-ion sites per replica
  int64_t open_sites = 0;  // of them, those a microstructure leaves open
  int64_t ions = 0;        // per replica
  RunMemory memory;
  // bkl with [environment]: its cache of the model's rates per replica
  // (bkl_environment_cache_bytes), counted in `memory`; 0 otherwise.
  double bkl_cache_bytes = 0;
  std::vector<PlanProblem> problems;
  std::shared_ptr<const RunWorld> world;
  double world_build_s = 0;  // wall time spent building it (part of the run's wall time)
  bool ok() const { return problems.empty(); }
};

// Plans a run of `settings` (validated by the host's configuration reader, or
// built directly by a test): resolves solver "auto" (bkl with several species,
// else by the ions) and backend "auto", checks the memory it needs against
// `available` (0: unchecked) before anything big is allocated, then builds
// the world and checks that the species fit the open sites. A backend that
// cannot be had throws CannotProceed (exit status 3), as the run would.
RunPlan plan_run(SimulationSettings settings, const MemoryBudget& available = {},
                 const RunKeeping& keeping = {});

// The memory part of plan_run for a given solver and backend: the problem
// (run.replicas when one replica alone would fit, else lattice.cells) when
// the run needs more than `available` (0: unknown) on the host or its GPU.
std::optional<PlanProblem> memory_problem(const SimulationSettings& settings,
                                          const std::string& solver, BackendKind backend,
                                          const MemoryBudget& available,
                                          const RunKeeping& keeping = {},
                                          double bkl_cache_bytes = 0);

}  // namespace coatkmc
