#pragma once
#include <string>
#include <vector>

namespace coatkmc {

// DIR/job.sbatch: a Slurm job array with one array task per row of
// DIR/tasks.csv; SLURM_ARRAY_TASK_ID selects the row and `coatkmc task`
// runs it into DIR/<task>/ (continuing from its checkpoint when there is one).
struct SlurmJob {
  std::string sweep_dir;  // absolute
  std::string binary;     // absolute path of coatkmc
  int tasks = 0;
  int threads = 1;
  bool gpu = false;                // adds #SBATCH --gres=gpu:1
  double checkpoint_minutes = 0;   // passed on to every task (0: only at the end and on signals)
  std::vector<std::string> extra;  // more #SBATCH options, as given ("--time=02:00:00")
};

std::string slurm_job_script(const SlurmJob& job);

// `sbatch --parsable [--array=LIST] SCRIPT`; returns the job id. CannotProceed
// when sbatch is missing or refuses.
std::string submit_slurm_job(const std::string& script, const std::string& array = "");

// "0-3,7,9" style list of task ids.
std::string array_list(const std::vector<int>& ids);

}  // namespace coatkmc
