#include "host/sweep/LocalRunner.hpp"

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>

#include "host/io/OptionalFiles.hpp"
#include "host/sweep/Subprocess.hpp"
#include "kmc/backend/Backend.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/solvers/SolverFactory.hpp"

namespace coatkmc {

std::vector<std::string> gpus_for_local_tasks(const SimulationSettings& s) {
  const bool wants = s.backend == "cuda" ||
                     (s.backend == "auto" && s.solver != "auto" && solver_has_cuda(s.solver));
  if (!wants || backend_info().cuda_devices == 0) return {};
  std::vector<std::string> gpus;
  if (const char* v = std::getenv("CUDA_VISIBLE_DEVICES"); v && *v) {
    std::string cur;
    for (const char* p = v;; ++p) {
      if (*p == ',' || *p == '\0') {
        if (!cur.empty()) gpus.push_back(cur);
        cur.clear();
        if (*p == '\0') break;
      } else {
        cur += *p;
      }
    }
  } else {
    for (int i = 0; i < backend_info().cuda_devices; ++i) gpus.push_back(std::to_string(i));
  }
  return gpus;
}

int run_tasks_locally(const std::string& dir, const TaskTable& table, const std::vector<int>& ids,
                      const LocalRunOptions& options) {
  const std::string binary = own_executable();
  const int slots =
      options.gpus.empty() ? std::max(1, options.jobs) : static_cast<int>(options.gpus.size());
  std::deque<int> queue(ids.begin(), ids.end());
  struct Running {
    int task, slot;
    std::chrono::steady_clock::time_point start;
  };
  std::map<pid_t, Running> running;
  std::vector<bool> busy(slots, false);
  int failed = 0, finished = 0;
  const int total = static_cast<int>(ids.size());
  while (!queue.empty() || !running.empty()) {
    while (!queue.empty() && static_cast<int>(running.size()) < slots) {
      int slot = 0;
      while (busy[slot]) ++slot;
      const int id = queue.front();
      queue.pop_front();
      std::vector<std::string> argv = {binary, "task", dir, std::to_string(id)};
      argv.insert(argv.end(), options.task_args.begin(), options.task_args.end());
      std::vector<std::string> env;
      if (!options.gpus.empty()) env.push_back("CUDA_VISIBLE_DEVICES=" + options.gpus[slot]);
      const pid_t pid = spawn_process(argv, env, dir + "/logs/" + std::to_string(id) + ".log");
      if (pid < 0)
        throw CannotProceed("cannot start " + binary + " for task " + std::to_string(id));
      busy[slot] = true;
      running[pid] = {id, slot, std::chrono::steady_clock::now()};
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw CannotProceed("lost track of the task processes");
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const Running r = it->second;
    running.erase(it);
    busy[r.slot] = false;
    ++finished;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
    // Exit status 4: the results are written, an optional file (its checkpoint) is not.
    const bool partial = WIFEXITED(status) && WEXITSTATUS(status) == kExitOptionalFileFailed;
    const bool ok = (WIFEXITED(status) && WEXITSTATUS(status) == 0) || partial;
    std::string what;
    for (size_t k = 0; k < table.keys.size(); ++k)
      what += (k ? ", " : "") + table.keys[k] + "=" + table.tasks[r.task].values[k];
    if (!what.empty()) what += ", ";
    what += "replica " + std::to_string(table.tasks[r.task].replica);
    if (ok) {
      std::printf("[%d/%d] task %d (%s) done in %.1f s%s\n", finished, total, r.task, what.c_str(),
                  seconds, partial ? " (an optional file is missing: see the log)" : "");
    } else {
      ++failed;
      const std::string how = WIFEXITED(status)
                                  ? "exit status " + std::to_string(WEXITSTATUS(status))
                                  : "signal " + std::to_string(WTERMSIG(status));
      std::printf("[%d/%d] task %d (%s) FAILED (%s; see %s/logs/%d.log)\n", finished, total, r.task,
                  what.c_str(), how.c_str(), dir.c_str(), r.task);
    }
    std::fflush(stdout);
  }
  return failed;
}

}  // namespace coatkmc
