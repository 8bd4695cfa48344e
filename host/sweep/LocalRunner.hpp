#pragma once
#include <string>
#include <vector>

#include "host/sweep/TaskTable.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

struct LocalRunOptions {
  int jobs = 1;                   // tasks at once on the CPU
  std::vector<std::string> gpus;  // when not empty: one task per GPU at once, pinned to it
  std::vector<std::string>
      task_args;  // passed on to `coatkmc task` (--threads, --checkpoint-every)
};

// The GPUs tasks of these settings may use here, one task per GPU: none
// unless they would run on CUDA (run.backend = "cuda", or "auto" with a solver
// that has a CUDA path and a GPU present); CUDA_VISIBLE_DEVICES, else every device.
std::vector<std::string> gpus_for_local_tasks(const SimulationSettings& settings);

// Runs `coatkmc task DIR ID` for each id as a child process, a few at a time,
// each logging to DIR/logs/ID.log; prints a line as each ends. Returns how
// many failed.
int run_tasks_locally(const std::string& sweep_dir, const TaskTable& table,
                      const std::vector<int>& ids, const LocalRunOptions& options);

}  // namespace coatkmc
