#pragma once
#include <string>
#include <vector>

#include "host/sweep/TaskTable.hpp"

namespace coatkmc {

struct LocalRunOptions {
  int jobs = 1;                    // tasks at once on the CPU
  std::vector<std::string> gpus;   // when not empty: one task per GPU at once, pinned to it
  std::vector<std::string> task_args;  // passed on to `coatkmc task` (--threads, --checkpoint-every)
};

// Runs `coatkmc task DIR ID` for each id as a child process, a few at a time,
// each logging to DIR/logs/ID.log; prints a line as each ends. Returns how
// many failed.
int run_tasks_locally(const std::string& sweep_dir, const TaskTable& table,
                      const std::vector<int>& ids, const LocalRunOptions& options);

}  // namespace coatkmc
