// `coatkmc collect DIR`: gathers a sweep's finished tasks into DIR/sweep.json
// and DIR/sweep.csv, fits Arrhenius where temperature varies, lists failed and
// missing tasks, and with --resubmit runs only those again (as a Slurm array
// when the sweep was one, here otherwise).
#include <algorithm>
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "host/cli/CommandLine.hpp"
#include "host/cli/SweepCommands.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/OptionalOutputs.hpp"
#include "host/sweep/LocalRunner.hpp"
#include "host/sweep/SlurmScript.hpp"
#include "host/sweep/SweepCollect.hpp"
#include "host/sweep/TaskTable.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace fs = std::filesystem;

int collect_command(const std::vector<std::string>& in) {
  cxxopts::Options opts("coatkmc collect",
                        "Gather a sweep (or one run) into DIR/sweep.json and DIR/sweep.csv.");
  opts.custom_help("DIR [--resubmit [--threads N] [--jobs J]]");
  opts.positional_help("");
  // clang-format off
  opts.add_options()
      ("dir", "sweep folder (or the folder of one run)", cxxopts::value<std::string>())
      ("resubmit", "run the failed and missing tasks again: sbatch when DIR/job.sbatch exists, "
                   "here otherwise (use it once the earlier job has ended)")
      ("threads", "threads per task when run here", cxxopts::value<std::string>()->default_value("1"))
      ("jobs", "tasks at once when run here", cxxopts::value<std::string>())
      ("no-plots", "draw no arrhenius.png")
      ("h,help", "show this help");
  // clang-format on
  opts.parse_positional({"dir"});
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc collect", in);
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  if (!res.count("dir")) throw InputError("command line", "collect needs a DIR");
  if (!res.unmatched().empty())
    throw InputError("command line", "unexpected argument '" + res.unmatched().front() + "'");
  const std::string dir = res["dir"].as<std::string>();
  int threads = 1;
  try {
    threads = std::stoi(res["threads"].as<std::string>());
  } catch (const std::exception&) {
    threads = 0;
  }
  if (threads < 1 || threads > 4096)
    throw InputError("--threads", "expected a whole number in [1, 4096]");

  const SweepCollection c = collect_sweep(dir);
  try {
    write_file_atomically(dir + "/sweep.csv", c.csv);
    write_file_atomically(dir + "/sweep.json", c.summary.dump(2) + "\n");
  } catch (const std::runtime_error& e) {
    throw CannotProceed(std::string("cannot write the collection: ") + e.what());
  }
  std::cout << format_collection(c, dir) << "  written: " << dir << "/sweep.json, " << dir
            << "/sweep.csv";
  // After the collection, an optional file: arrhenius.png where temperature
  // varies (host/io/OptionalOutputs; a failed plot: exit status 4).
  OptionalFiles optional;
  std::string notes;
  bool fitted = false;  // a fit that worked (not every point failed or is missing)
  for (const auto& fit : c.summary["arrhenius"]) fitted = fitted || !fit.contains("error");
  if (!res.count("no-plots") && fitted && draw_plot("arrhenius", dir, optional, notes))
    std::cout << ", " << dir << "/arrhenius.png";
  std::cout << "\n";
  std::cerr << notes;

  if (!res.count("resubmit")) return optional.exit_status();
  if (c.single_run) throw InputError("--resubmit", dir + " holds one run, not a sweep");
  std::vector<int> ids = c.failed;
  ids.insert(ids.end(), c.missing.begin(), c.missing.end());
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) {
    std::cout << "nothing to resubmit: every task is done\n";
    return 0;
  }
  // A failed task starts afresh unless it left a checkpoint; its old status goes.
  const TaskTable table = read_task_table(dir + "/tasks.csv");
  std::error_code ec;
  for (int id : ids) fs::remove(fs::path(dir) / table.tasks[id].dir / "task.json", ec);
  if (fs::exists(fs::path(dir) / "job.sbatch", ec)) {
    const std::string list = array_list(ids);
    const std::string job = submit_slurm_job(dir + "/job.sbatch", list);
    std::cout << "resubmitted " << ids.size() << " task(s) (" << list << ") as Slurm job " << job
              << "\n";
    return 0;
  }
  LocalRunOptions o;
  o.gpus = gpus_for_local_tasks(load_config(dir + "/sweep.toml", {}).settings);
  o.jobs = res.count("jobs")
               ? std::max(1, std::atoi(res["jobs"].as<std::string>().c_str()))
               : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / threads);
  o.task_args = {"--threads", std::to_string(threads)};
  std::cout << "running " << ids.size() << " task(s) here: " << array_list(ids) << "\n";
  const int failed = run_tasks_locally(dir, table, ids, o);
  if (failed) throw CannotProceed(std::to_string(failed) + " resubmitted task(s) failed again");
  std::cout << "collect again to include them: coatkmc collect " << dir << "\n";
  return 0;
}

}  // namespace coatkmc
