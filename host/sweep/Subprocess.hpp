#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace coatkmc {

// This executable's own path (to start `coatkmc task` children).
std::string own_executable();

// Starts argv[0] (searched in PATH) with extra environment entries
// ("NAME=VALUE", replacing inherited ones), stdout and stderr appended to
// `log` (or inherited when empty), stdin from /dev/null. Returns the pid; -1
// when it cannot start.
pid_t spawn_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const std::string& log);

struct ProcessResult {
  int status = -1;  // exit status; -1 when it did not start or did not exit normally
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs a command to its end and captures what it prints.
ProcessResult run_process(const std::vector<std::string>& argv);

}  // namespace coatkmc
