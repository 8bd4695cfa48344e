#pragma once
#include <string>

#include "kmc/backend/Backend.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

// Memory (bytes) a run allocates at least: on the host, and on the GPU when
// it runs there. Only the big arrays are counted, each as the engine sizes it
// (lattice neighbour table, hop model, landscape, each running replica's
// state, recorder and solver arrays, every replica's outcome, what a
// checkpointing run keeps), at moments when they are all held at once, so a
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

// `solver` and `backend` as the run resolves them (not "auto").
RunMemory minimum_run_memory(const SimulationSettings& settings, const std::string& solver,
                             BackendKind backend, const RunKeeping& keeping = {});

// Ions per replica from the settings alone: the occupancy of every host site
// (a microstructure may close some; plan_run counts those after building it).
int64_t ions_on_host_sites(const SimulationSettings& settings);

}  // namespace coatkmc
