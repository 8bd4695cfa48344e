#pragma once
#include <string>
#include <vector>

namespace coatkmc {

// coatkmc sweep CONFIG.toml --vary KEY=V1,V2,... [--replicas N] [--out DIR] [--slurm [--submit]]
int sweep_command(const std::vector<std::string>& args);
// coatkmc task DIR ID: runs row ID of DIR/tasks.csv (what job.sbatch and the local runner call).
int task_command(const std::vector<std::string>& args);
// coatkmc collect DIR [--resubmit]
int collect_command(const std::vector<std::string>& args);

}  // namespace coatkmc
