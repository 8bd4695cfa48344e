// `coatkmc task DIR ID`: one row of a sweep's task table, run into DIR/<task>/.
// A task that left a checkpoint continues from it; a finished one is not run again.
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "host/cli/CommandLine.hpp"
#include "host/cli/Commands.hpp"
#include "host/cli/SweepCommands.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/Provenance.hpp"
#include "host/sweep/TaskTable.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace fs = std::filesystem;

namespace {
void write_status(const fs::path& folder, int task, int status, const std::string& error) {
  nlohmann::json s = {{"task", task}, {"status", status}, {"error", error}};
  for (const char* v : {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID"})
    if (const char* x = std::getenv(v)) s[v] = x;
  try {
    make_directories(folder.string());
    write_file_atomically((folder / "task.json").string(), s.dump(2) + "\n");
  } catch (const std::exception&) {
    // The exit status still tells; a status file is a convenience for collect.
  }
}
}  // namespace

int task_command(const std::vector<std::string>& in) {
  cxxopts::Options opts("coatkmc task", "Run one row of a sweep's task table (DIR/tasks.csv).");
  opts.custom_help("DIR ID [--threads N] [--checkpoint-every M]");
  opts.positional_help("");
  // clang-format off
  opts.add_options()
      ("dir", "sweep folder", cxxopts::value<std::string>())
      ("id", "task number (row of tasks.csv)", cxxopts::value<std::string>())
      ("threads", "threads", cxxopts::value<std::string>()->default_value("1"))
      ("checkpoint-every", "save a checkpoint every M minutes", cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
  opts.parse_positional({"dir", "id"});
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc task", in);
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  if (!res.count("dir") || !res.count("id"))
    throw InputError("command line", "task needs DIR and ID");
  if (!res.unmatched().empty())
    throw InputError("command line", "unexpected argument '" + res.unmatched().front() + "'");
  const std::string dir = res["dir"].as<std::string>();
  const TaskTable table = read_task_table(dir + "/tasks.csv");
  const std::string id_text = res["id"].as<std::string>();
  size_t used = 0;
  long id = -1;
  try {
    id = std::stol(id_text, &used);
  } catch (const std::exception&) {
  }
  if (used != id_text.size() || id < 0 || id >= static_cast<long>(table.tasks.size()))
    throw InputError("ID", "'" + id_text + "' is not a task of " + dir + " (0 to " +
                               std::to_string(table.tasks.size() - 1) + ")");
  const SweepTask& task = table.tasks[id];
  const fs::path folder = fs::path(dir) / task.dir;
  std::error_code ec;
  if (fs::exists(folder / "result.json", ec)) {
    std::cout << "task " << id << " is done already (" << (folder / "result.json").string()
              << ")\n";
    return 0;
  }

  std::vector<std::string> run;
  const fs::path checkpoint = folder / "checkpoint.ckpt";
  if (fs::exists(checkpoint, ec)) {
    // Its configuration already holds the task's values and seed.
    run = {"--restart", checkpoint.string()};
    std::cout << "task " << id << ": continuing from " << checkpoint.string() << "\n";
  } else {
    run = {dir + "/sweep.toml"};
    for (const std::string& o : table.overrides(task)) {
      run.push_back("--set");
      run.push_back(o);
    }
  }
  run.insert(run.end(), {"--out", folder.string(), "--threads", res["threads"].as<std::string>()});
  // A sweep's plot is collect's arrhenius.png; one msd.png per task would cost
  // a Python start per task for nothing.
  run.push_back("--no-plots");
  if (res.count("checkpoint-every"))
    run.insert(run.end(), {"--checkpoint-every", res["checkpoint-every"].as<std::string>()});
  // A run killed between msd.csv and result.json left a half; the rerun replaces it.
  if (fs::exists(folder / "msd.csv", ec)) run.push_back("--force");
  const nlohmann::json tags = {{"sweep", fs::absolute(dir).lexically_normal().string()},
                               {"sweep_task", id},
                               {"sweep_replica", task.replica}};

  try {
    const int status = run_command(run, tags);
    write_status(folder, static_cast<int>(id), status, "");
    return status;
  } catch (const InputError& e) {
    write_status(folder, static_cast<int>(id), 2, e.where() + ": " + e.what());
    throw;
  } catch (const CannotProceed& e) {
    write_status(folder, static_cast<int>(id), 3, e.what());
    throw;
  } catch (const std::exception& e) {
    write_status(folder, static_cast<int>(id), 1, e.what());
    throw;
  }
}

}  // namespace coatkmc
