#include "host/cli/AnnealCommand.hpp"
#include "host/cli/ClustersCommand.hpp"
#include "host/cli/Commands.hpp"
#include "host/cli/StructureCommand.hpp"
#include "host/cli/SweepCommands.hpp"

namespace coatkmc {

int run_command(const std::vector<std::string>& args) { return run_command(args, nullptr); }

const std::vector<Command>& command_table() {
  static const std::vector<Command> table = {
      {"run",
       "run CONFIG.toml [--out DIR] [--set KEY=VALUE]... [--backend auto|cpu|cuda]\n"
       "                  [--threads N] [--seed N] [--print-config]\n"
       "  run --restart DIR/checkpoint.ckpt [--set run.hops_per_particle=N] --out DIR2",
       static_cast<CommandFunction>(run_command)},
      {"sweep",
       "sweep CONFIG.toml --vary KEY=V1,V2,... [--vary ...] [--replicas N] [--out DIR]\n"
       "                  [--slurm [--submit]]   (also: mpirun -n K coatkmc sweep ...)",
       sweep_command},
      {"collect", "collect DIR [--resubmit]", collect_command},
      {"task", "task DIR ID      (one row of a sweep; what its job array runs)", task_command},
      {"structure",
       "structure CONFIG.toml [--out DIR] [--set KEY=VALUE]...   (site map, CIF, POSCAR)",
       structure_command},
      {"clusters",
       "clusters CONFIG.toml [--out DIR] [--set KEY=VALUE]...   (the environment model's\n"
       "                  generated cluster orbits and a coefficients template)",
       clusters_command},
      {"bench", "bench [--backend auto|cpu|cuda] [--out DIR] [--quick]", bench_command},
      {"macro",
       "macro MODEL.toml [--out DIR] [--threads N] [--kmc-set KEY=VALUE]... [--no-plots] [--force]",
       macro_command},
      {"anneal", "anneal STUDY.toml [--out DIR] [--set KEY=VALUE]... [--no-plots]", anneal_command},
  };
  return table;
}

}  // namespace coatkmc
