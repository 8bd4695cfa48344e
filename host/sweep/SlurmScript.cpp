#include "host/sweep/SlurmScript.hpp"

#include <filesystem>
#include <sstream>

#include "host/sweep/Subprocess.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {
// Single-quoted for bash.
std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}
}  // namespace

std::string slurm_job_script(const SlurmJob& job) {
  std::ostringstream os;
  const std::string name = std::filesystem::path(job.sweep_dir).filename().string();
  os << "#!/bin/bash\n"
     << "# Written by coatkmc sweep: one array task per row of tasks.csv.\n"
     << "# Resubmit failed or missing tasks with: coatkmc collect " << job.sweep_dir
     << " --resubmit\n"
     << "#SBATCH --job-name=coatkmc-" << (name.empty() ? "sweep" : name) << "\n"
     << "#SBATCH --array=0-" << job.tasks - 1 << "\n"
     << "#SBATCH --ntasks=1\n"
     << "#SBATCH --cpus-per-task=" << job.threads << "\n"
     << "#SBATCH --output=" << job.sweep_dir
     << "/logs/%a.log\n"
     // Two minutes before the time limit the task saves a checkpoint; the
     // SIGTERM at the limit saves another and stops. B: signals the batch
     // shell, which exec makes coatkmc itself.
     << "#SBATCH --signal=B:USR1@120\n";
  if (job.gpu) os << "#SBATCH --gres=gpu:1\n";
  for (const std::string& x : job.extra) os << "#SBATCH " << x << "\n";
  os << "\nexec " << quoted(job.binary) << " task " << quoted(job.sweep_dir)
     << " \"${SLURM_ARRAY_TASK_ID:?not a Slurm array task}\" --threads " << job.threads;
  if (job.checkpoint_minutes > 0) os << " --checkpoint-every " << job.checkpoint_minutes;
  os << "\n";
  return os.str();
}

std::string submit_slurm_job(const std::string& script, const std::string& array) {
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  if (!array.empty()) argv.push_back("--array=" + array);
  argv.push_back(script);
  const ProcessResult r = run_process(argv);
  if (r.status < 0) throw CannotProceed("cannot run sbatch (is Slurm installed here?)");
  std::string id = r.out;
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r' || id.back() == ' ')) id.pop_back();
  if (r.status != 0 || id.empty()) {
    std::string why = r.err.empty() ? r.out : r.err;
    while (!why.empty() && why.back() == '\n') why.pop_back();
    throw CannotProceed("sbatch refused " + script + " (exit " + std::to_string(r.status) +
                        "): " + why);
  }
  // --parsable prints "jobid[;cluster]".
  return id.substr(0, id.find(';'));
}

std::string array_list(const std::vector<int>& ids) {
  std::ostringstream os;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (i) os << ',';
    os << ids[i];
    if (j > i) os << '-' << ids[j];
    i = j + 1;
  }
  return os.str();
}

}  // namespace coatkmc
