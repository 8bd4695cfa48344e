// `coatkmc sweep`: expands --vary lists and --replicas into DIR/tasks.csv and
// runs the tasks: here as child processes a few at a time (one per GPU when
// the runs use CUDA), over MPI ranks when started by mpirun, or as a Slurm
// job array (DIR/job.sbatch, submitted with --submit).
#include <cxxopts.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "host/cli/CommandLine.hpp"
#include "host/cli/SweepCommands.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/config/TomlOverride.hpp"
#include "host/config/TomlWriter.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/OptionalFiles.hpp"
#include "host/sweep/LocalRunner.hpp"
#include "host/sweep/MpiRanks.hpp"
#include "host/sweep/SlurmScript.hpp"
#include "host/sweep/Subprocess.hpp"
#include "host/sweep/TaskTable.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace fs = std::filesystem;

namespace {
int parse_count(const std::string& option, const std::string& text, int lo, int hi) {
  size_t used = 0;
  long v = lo - 1;
  try {
    v = std::stol(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || v < lo || v > hi)
    throw InputError(option, "'" + text + "' is not a whole number in [" + std::to_string(lo) +
                                 ", " + std::to_string(hi) + "]");
  return static_cast<int>(v);
}

// What `coatkmc sweep` was asked to do.
struct SweepRequest {
  std::string config, out;
  std::vector<std::string> sets, varies, sbatch;
  bool slurm = false, submit = false;
  int replicas = 1, threads = 1, jobs = 0;  // jobs 0: cores / threads
  std::string checkpoint_every;             // "" when not asked for
};

// The options after --help, in the order their problems are reported.
void read_sweep_options(const cxxopts::ParseResult& res, bool under_mpi, SweepRequest& q) {
  if (!res.count("config")) throw InputError("command line", "sweep needs a CONFIG.toml");
  if (!res.unmatched().empty())
    throw InputError("command line", "unexpected argument '" + res.unmatched().front() + "'");
  q.slurm = res.count("slurm") > 0;
  q.submit = res.count("submit") > 0;
  if (q.submit && !q.slurm)
    throw InputError("--submit", "submits the job array of --slurm; add --slurm");
  if (!q.sbatch.empty() && !q.slurm) throw InputError("--sbatch", "only with --slurm");
  if (q.slurm && under_mpi)
    throw InputError("--slurm", "writes a job array; do not start it under mpirun");
  q.replicas = parse_count("--replicas", res["replicas"].as<std::string>(), 1, 100000);
  q.threads = parse_count("--threads", res["threads"].as<std::string>(), 1, 4096);
  if (res.count("checkpoint-every")) {
    q.checkpoint_every = res["checkpoint-every"].as<std::string>();
    try {
      size_t used = 0;
      const double m = std::stod(q.checkpoint_every, &used);
      if (used != q.checkpoint_every.size() || !(m > 0) || m > 1e6) throw std::out_of_range("");
    } catch (const std::exception&) {
      throw InputError("--checkpoint-every",
                       "'" + q.checkpoint_every + "' is not a number of minutes in (0, 1e6]");
    }
  }
  if (res.count("backend")) {
    const std::string b = res["backend"].as<std::string>();
    if (b != "auto" && b != "cpu" && b != "cuda")
      throw InputError("--backend", "'" + b + "' is not one of: auto, cpu, cuda");
    q.sets.push_back("run.backend=\"" + b + "\"");
  }
  q.config = res["config"].as<std::string>();
  q.out = res["out"].as<std::string>();
  if (res.count("jobs")) q.jobs = parse_count("--jobs", res["jobs"].as<std::string>(), 1, 4096);
}

// The configuration every task starts from. Sweep tasks save no checkpoint
// unless asked: run.checkpoint = "none" is written into sweep.toml when the
// configuration does not name it and --checkpoint-every is not given (a
// cluster sweep's checkpoints would fill a quota nobody restarts from).
LoadedConfig sweep_base_config(SweepRequest& q) {
  LoadedConfig base = load_config(q.config, q.sets);
  if (!q.checkpoint_every.empty() && base.settings.checkpoint == "none")
    throw InputError("--checkpoint-every", "the tasks save no checkpoint (run.checkpoint = \"none\" at " +
                                               base.where("run.checkpoint") + ")");
  if (q.checkpoint_every.empty() && !base.origin.count("run.checkpoint")) {
    q.sets.push_back("run.checkpoint=\"none\"");
    base = load_config(q.config, q.sets);
  }
  return base;
}

// A --vary of a key that names a file, like a --set of it, names the file
// from the working directory; tasks.csv gets absolute paths, for a task may
// run elsewhere (a Slurm job array started from another folder). Values that
// are not strings are left for the configuration reader to refuse.
void make_paths_absolute(VaryAxis& axis) {
  const auto& keys = path_valued_keys();
  if (std::find(keys.begin(), keys.end(), axis.key) == keys.end()) return;
  for (std::string& value : axis.values) {
    toml::table t;
    const TomlAssignment a{axis.key, value, "--vary " + axis.key + "=" + value};
    toml::table& holder = apply_assignment(t, a);
    const toml::node* node = holder.get(axis.key.substr(axis.key.rfind('.') + 1));
    if (!node || !node->is_string() || node->value<std::string>()->empty()) continue;
    const fs::path file = fs::absolute(*node->value<std::string>()).lexically_normal();
    value = write_toml_inline(toml::value<std::string>(file.string()));
  }
}

// Every task is validated before anything is written.
TaskTable validated_tasks(const SweepRequest& q, const LoadedConfig& base) {
  std::vector<VaryAxis> axes;
  for (const std::string& v : q.varies) {
    axes.push_back(parse_vary(v));
    make_paths_absolute(axes.back());
  }
  TaskTable table = expand_tasks(axes, q.replicas, base.settings.seed);
  for (const SweepTask& t : table.tasks) {
    std::vector<std::string> o = q.sets;
    for (const std::string& x : table.overrides(t)) o.push_back(x);
    load_config(q.config, o);
  }
  return table;
}

// DIR/sweep.toml, DIR/job.sbatch with --slurm, and DIR/tasks.csv last: a
// folder with tasks.csv is a complete sweep folder.
void write_sweep_folder(const SweepRequest& q, const std::string& dir, const LoadedConfig& base,
                        const TaskTable& table) {
  try {
    make_directories(dir + "/logs");
    write_file_atomically(dir + "/sweep.toml", base.resolved_toml);
    if (q.slurm) {
      SlurmJob job;
      job.sweep_dir = dir;
      job.binary = own_executable();
      job.tasks = static_cast<int>(table.tasks.size());
      job.threads = q.threads;
      job.gpu = base.settings.backend == "cuda";
      job.checkpoint_minutes = q.checkpoint_every.empty() ? 0 : std::stod(q.checkpoint_every);
      job.extra = q.sbatch;
      write_file_atomically(dir + "/job.sbatch", slurm_job_script(job));
    }
    write_file_atomically(dir + "/tasks.csv", task_table_csv(table));
  } catch (const std::runtime_error& e) {
    throw InputError("--out", e.what());
  }
}

// Runs the tasks here: round-robin over the MPI ranks, each in this process,
// or as child processes a few at a time. Returns the failed ones (all ranks).
long long run_sweep_tasks(const SweepRequest& q, const std::string& dir, const TaskTable& table,
                          const LoadedConfig& base, MpiRanks& ranks) {
  const int n = static_cast<int>(table.tasks.size());
  std::vector<std::string> task_args = {"--threads", std::to_string(q.threads)};
  if (!q.checkpoint_every.empty())
    task_args.insert(task_args.end(), {"--checkpoint-every", q.checkpoint_every});
  long long failed = 0;
  if (ranks.active()) {
    for (int id = ranks.rank(); id < n; id += ranks.size()) {
      std::vector<std::string> a = {dir, std::to_string(id)};
      a.insert(a.end(), task_args.begin(), task_args.end());
      try {
        const int status = task_command(a);
        if (status != 0 && status != kExitOptionalFileFailed) ++failed;
      } catch (const std::exception& e) {
        ++failed;
        std::cerr << "coatkmc: rank " << ranks.rank() << ": task " << id << " failed: " << e.what()
                  << "\n";
      }
    }
    return ranks.sum(failed);
  }
  LocalRunOptions o;
  o.gpus = gpus_for_local_tasks(base.settings);
  o.jobs = q.jobs > 0 ? q.jobs
                      : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / q.threads);
  o.task_args = task_args;
  std::vector<int> ids(n);
  for (int i = 0; i < n; ++i) ids[i] = i;
  return run_tasks_locally(dir, table, ids, o);
}

}  // namespace

int sweep_command(const std::vector<std::string>& in) {
  // Values of --set, --vary and --sbatch may hold commas: take them out first.
  SweepRequest q;
  const std::vector<std::string> args = take_option_values(
      in, {{"--set", &q.sets}, {"--vary", &q.varies}, {"--sbatch", &q.sbatch}}, "a value");
  cxxopts::Options opts("coatkmc sweep",
                        "Run a configuration over the cartesian product of --vary lists, each "
                        "point --replicas times: here, over MPI ranks, or as a Slurm job array.");
  opts.custom_help("CONFIG.toml --vary KEY=V1,V2,... [--vary ...] [options]");
  opts.positional_help("");
  // clang-format off
  opts.add_options()
      ("config", "configuration file", cxxopts::value<std::string>())
      ("vary", "KEY=V1,V2,...: values of one key, TOML (repeatable; tasks are the cartesian product)",
       cxxopts::value<std::vector<std::string>>())
      ("replicas", "independent runs of every point (own seed each)",
       cxxopts::value<std::string>()->default_value("1"))
      ("out", "sweep folder: tasks.csv, sweep.toml, one folder per task",
       cxxopts::value<std::string>()->default_value("sweep"))
      ("set", "override a key for every task: KEY=VALUE (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("backend", "auto | cpu | cuda", cxxopts::value<std::string>())
      ("threads", "threads per task", cxxopts::value<std::string>()->default_value("1"))
      ("jobs", "tasks at once on this machine (default: cores / threads; one per GPU with CUDA)",
       cxxopts::value<std::string>())
      ("checkpoint-every", "every task saves a checkpoint every M minutes",
       cxxopts::value<std::string>())
      ("slurm", "write DIR/job.sbatch (a job array, one task per row) instead of running here")
      ("submit", "with --slurm: submit it with sbatch")
      ("sbatch", "with --slurm: one more #SBATCH option, e.g. --sbatch=--time=02:00:00 (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  // clang-format on
  opts.parse_positional({"config"});
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc sweep", args);
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }

  // Under mpirun: before anything can start CUDA, keep one GPU for this rank.
  MpiRanks ranks;
  if (ranks.active()) pin_gpu_for_rank(ranks.local_rank());
  read_sweep_options(res, ranks.active(), q);

  const LoadedConfig base = sweep_base_config(q);
  const TaskTable table = validated_tasks(q, base);
  const std::string dir = fs::absolute(q.out).lexically_normal().string();
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "tasks.csv", ec))
    throw InputError("--out", dir +
                                  " already holds a sweep (tasks.csv); choose another folder, "
                                  "or run its missing tasks with: coatkmc collect " +
                                  dir + " --resubmit");
  if (ranks.rank() == 0) write_sweep_folder(q, dir, base, table);
  ranks.barrier();
  const int n = static_cast<int>(table.tasks.size());
  std::cout << "sweep " << dir << ": " << n << " task(s) in tasks.csv\n";

  if (q.slurm) {
    if (!q.submit) {
      std::cout << "submit the job array with: sbatch " << dir << "/job.sbatch\n";
      return 0;
    }
    const std::string id = submit_slurm_job(dir + "/job.sbatch");
    std::cout << "submitted Slurm job " << id << " (" << n << " array tasks); when it has ended: "
              << "coatkmc collect " << dir << "\n";
    return 0;
  }

  const long long failed = run_sweep_tasks(q, dir, table, base, ranks);
  if (ranks.rank() == 0)
    std::cout << n - failed << " of " << n << " task(s) done"
              << (failed ? ", " + std::to_string(failed) + " failed" : std::string())
              << "; collect with: coatkmc collect " << dir << "\n";
  if (failed && ranks.rank() != 0) return 3;
  if (failed)
    throw CannotProceed(std::to_string(failed) + " of " + std::to_string(n) +
                        " sweep task(s) failed (coatkmc collect " + dir + " lists them)");
  return 0;
}

}  // namespace coatkmc
