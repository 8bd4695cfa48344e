#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace coatkmc {

// What `coatkmc collect DIR` finds in a sweep folder (or in the folder of a
// single run): every task's results, the parameter points with replicas
// combined, Arrhenius fits wherever run.temperature varies, and the tasks
// that failed or are missing.
struct SweepCollection {
  nlohmann::json summary;    // DIR/sweep.json
  std::string csv;           // DIR/sweep.csv, one row per task
  std::vector<int> failed;   // ran and ended with an error
  std::vector<int> missing;  // no results and no error: not run yet, running, or killed
  bool single_run = false;   // DIR held one run, not a sweep
};

SweepCollection collect_sweep(const std::string& dir);

// A few lines for the terminal.
std::string format_collection(const SweepCollection& c, const std::string& dir);

// The result.json fields a sweep gathers per task (and combines per point when marked).
const std::vector<std::string>& collected_fields();

}  // namespace coatkmc
