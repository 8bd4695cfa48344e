#pragma once
#include <atomic>
#include <string>
#include <vector>

namespace coatkmc {

// One run asked for from Python: the configuration as text (name: how errors
// call it, and the folder relative paths start from) or, with empty text, the
// file `name`; --set overrides; threads; the output folder ("" writes nothing).
struct RunRequestInProcess {
  std::string config_text, name;
  std::vector<std::string> overrides;
  int threads = 1;
  std::string out;
  bool force = false;
  bool plots = false;  // msd.png in `out`
};

// What the run produced, as the command line writes it.
struct RunFiles {
  std::string result_json, msd_csv, profile_csv, species_profile_csv;
  std::vector<std::string> written;  // files written into `out`
  std::string warnings;              // optional files not written, and why
  bool interrupted = false;
};

// `coatkmc run` in process: the same reading, planning, engine and writers.
// `stop` is polled at milestones (RunControl::stop_requested); a stopped run
// returns interrupted with nothing written.
RunFiles run_in_process(const RunRequestInProcess& request, std::atomic<bool>& stop);

}  // namespace coatkmc
