#pragma once
#include <string>

#include "kmc/backend/Backend.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

struct BklEnvironmentTables;
class Lattice;

// Memory (bytes) a run allocates at least: on the host, and on the GPU when
// it runs there. Only the big arrays are counted, each as the engine sizes it
// (lattice neighbour table, hop model, landscape, each running replica's
// state, recorder and solver arrays (bkl's environment cache once known),
// every replica's outcome, what a checkpointing run keeps), at moments when they are all held at once, so a
// run refused for it could never have fitted.
struct RunMemory {
  double host = 0;
  double device = 0;
};

// What a run keeps besides what it computes with (kmc/simulation/RunState.hpp):
// `coatkmc run` checkpoints, so its recorders keep a displacement copy per
// block boundary, finished replicas keep their state, and the final
// checkpoint is encoded with every replica's state still held.
struct RunKeeping {
  bool marks = true;             // RunControl::keep_marks
  bool states = true;            // RunControl::keep_states
  bool final_checkpoint = true;  // the checkpoint written after the run
};

// What is available to a run; 0 means unknown (not checked).
struct MemoryBudget {
  double host = 0;
  double device = 0;
};

// `solver` and `backend` as the run resolves them (not "auto"). `bkl_cache_bytes`:
// bkl's cache of the environment model's rates per replica
// (bkl_environment_cache_bytes), known once the model is compiled; 0 before
// (plan_run counts it when it has compiled the model).
RunMemory minimum_run_memory(const SimulationSettings& settings, const std::string& solver,
                             BackendKind backend, const RunKeeping& keeping = {},
                             double bkl_cache_bytes = 0);

// What one bkl replica's cache of the environment model's hop rates
// (kmc/solvers/BklEnvironmentRates) allocates, as BklSolver::set_environment
// makes it for a run: per hop (site and slot) 4 bytes where the factors are
// tabulated, else (2 T + 9) bytes (T the most local terms of a slot); 5 bytes
// per site; the factor table and the index. 0 where the cache would pass
// BklSolver::kMaxEnvironmentCacheBytes and bkl recomputes the rates instead
// (`tables` made by make_bkl_environment_tables with that bound, as plan_run
// makes them once and hands them to every replica's solver).
double bkl_environment_cache_bytes(const Lattice& lattice, const BklEnvironmentTables& tables);

// Ions per replica from the settings alone: the occupancy of every host site
// (a microstructure may close some; plan_run counts those after building it).
int64_t ions_on_host_sites(const SimulationSettings& settings);

}  // namespace coatkmc
