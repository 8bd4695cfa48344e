#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <cxxopts.hpp>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "host/analysis/TransportEstimates.hpp"
#include "host/cli/CommandLine.hpp"
#include "host/cli/Commands.hpp"
#include "host/cli/ProgressLine.hpp"
#include "host/cli/RestartConfig.hpp"
#include "host/cli/RunCheckpoints.hpp"
#include "host/run/KmcRun.hpp"
#include "host/run/RunMemory.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/CheckpointFile.hpp"
#include "host/io/Provenance.hpp"
#include "host/io/OptionalFiles.hpp"
#include "host/io/OptionalOutputs.hpp"
#include "host/io/OutputFolder.hpp"
#include "host/io/ProfileWriter.hpp"
#include "host/io/ResultWriter.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

namespace {
// A whole decimal number in [lo, hi] given to `option`; anything else is bad input.
int64_t parse_integer(const std::string& option, const std::string& text, int64_t lo, int64_t hi) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range))
    throw InputError(option, "'" + text + "' is not a whole number");
  if (ec == std::errc::result_out_of_range || value < lo || value > hi)
    throw InputError(
        option, text + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return value;
}

// What `coatkmc run` was asked to do, from its command line.
struct RunRequest {
  std::string config_path, restart_path, out;
  std::vector<std::string> overrides;  // --set, then --backend and --seed as keys
  int threads = 1;
  double checkpoint_minutes = 0;
  bool print_config = false, force = false, help = false, plots = true;
  std::string help_text;
  nlohmann::json tags = nlohmann::json::object();  // --tag KEY=VALUE
};

double parse_minutes(const std::string& text) {
  double minutes = 0;
  try {
    size_t used = 0;
    minutes = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw InputError("--checkpoint-every", "'" + text + "' is not a number of minutes");
  }
  if (!(minutes > 0) || minutes > 1e6)
    throw InputError("--checkpoint-every", text + " out of range (0, 1e6] minutes");
  return minutes;
}

RunRequest parse_run_command_line(const std::vector<std::string>& in) {
  RunRequest q;
  // --set values are TOML and may hold commas ("lattice.cells=[8,8,8]"), which
  // cxxopts would split as a list: take them out before it parses the rest.
  const std::vector<std::string> args = take_option_values(in, {{"--set", &q.overrides}}, "KEY=VALUE");
  cxxopts::Options opts("coatkmc run", "Run one kinetic Monte Carlo simulation from a TOML configuration.");
  opts.custom_help("CONFIG.toml [options] | --restart DIR/checkpoint.ckpt [options]");
  opts.positional_help("");
  opts.add_options()
      ("config", "configuration file", cxxopts::value<std::string>())
      ("out", "output folder for result.json and msd.csv", cxxopts::value<std::string>()->default_value("."))
      ("set", "override a key: KEY=VALUE, the value in TOML (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("backend", "auto | cpu | cuda", cxxopts::value<std::string>())
      ("threads", "threads (replicas run side by side)", cxxopts::value<std::string>()->default_value("1"))
      ("seed", "random seed (overrides run.seed)", cxxopts::value<std::string>())
      ("print-config", "print the resolved configuration and exit")
      ("restart", "continue the run saved in a checkpoint (give no CONFIG.toml; --set may change run.hops_per_particle, run.time, run.blocks, run.msd_samples, run.backend)", cxxopts::value<std::string>())
      ("checkpoint-every", "also save OUT/checkpoint.ckpt every M minutes (unless run.checkpoint = none it is saved after the results, on SIGUSR1, and on SIGTERM, which then stops the run)", cxxopts::value<std::string>())
      ("tag", "add KEY=VALUE to the provenance of result.json (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("force", "run into an output folder that already holds results (they are removed first)")
      ("no-plots", "draw no msd.png")
      ("h,help", "show this help");
  opts.parse_positional({"config"});
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc run", args);
  if (res.count("help")) {
    q.help = true;
    q.help_text = opts.help();
    return q;
  }
  if (res.count("restart")) {
    q.restart_path = res["restart"].as<std::string>();
    if (res.count("config"))
      throw InputError("--restart", "give a CONFIG.toml or --restart, not both (the checkpoint "
                                    "holds its configuration)");
  } else if (!res.count("config")) {
    throw InputError("command line", "run needs a CONFIG.toml");
  } else {
    q.config_path = res["config"].as<std::string>();
  }
  if (res.count("checkpoint-every"))
    q.checkpoint_minutes = parse_minutes(res["checkpoint-every"].as<std::string>());
  if (res.count("tag"))
    for (const std::string& t : res["tag"].as<std::vector<std::string>>()) {
      const auto eq = t.find('=');
      if (eq == std::string::npos || eq == 0)
        throw InputError("--tag", "expected KEY=VALUE, got '" + t + "'");
      const std::string value = t.substr(eq + 1);
      nlohmann::json v = nlohmann::json::parse(value, nullptr, false);
      q.tags[t.substr(0, eq)] = v.is_discarded() ? nlohmann::json(value) : v;
    }
  if (!res.unmatched().empty())
    throw InputError("command line", "unexpected argument '" + res.unmatched().front() +
                                         "' (run takes one CONFIG.toml)");
  if (res.count("backend")) {
    const std::string b = res["backend"].as<std::string>();
    if (b != "auto" && b != "cpu" && b != "cuda")
      throw InputError("--backend", "'" + b + "' is not one of: auto, cpu, cuda");
    q.overrides.push_back("run.backend=\"" + b + "\"");
  }
  if (res.count("seed")) {
    const int64_t seed = parse_integer("--seed", res["seed"].as<std::string>(), 0, INT64_MAX);
    q.overrides.push_back("run.seed=" + std::to_string(seed));
  }
  q.threads = static_cast<int>(parse_integer("--threads", res["threads"].as<std::string>(), 1, 4096));
  q.print_config = res.count("print-config") > 0;
  q.force = res.count("force") > 0;
  q.plots = res.count("no-plots") == 0;
  q.out = res["out"].as<std::string>();
  return q;
}

// A folder that cannot take the results is bad input; find out before the
// run, not after it. Results of two runs must never mix: an earlier run's
// results are kept unless --force, and then removed before this run starts.
void prepare_output_folder(const std::string& out, const std::string& restart_path, bool force) {
  if (out.empty()) throw InputError("--out", "the output folder name is empty");
  if (const auto found = run_outputs_in(out, restart_path); !found.empty()) {
    if (!force)
      throw InputError("--out", out + " already holds results (" + found.front() +
                                    "); choose another folder, or --force to replace them");
    try {
      remove_run_outputs(out, restart_path);
    } catch (const std::runtime_error& e) {
      throw InputError("--out", e.what());
    }
  }
  try {
    make_directories(out);
  } catch (const std::runtime_error& e) {
    throw InputError("--out", e.what());
  }
  if (::access(out.c_str(), W_OK | X_OK) != 0)
    throw InputError("--out", "cannot write into " + out + ": " + std::strerror(errno));
}

std::string bytes_text(double b) {
  char buf[32];
  if (b >= 1e9)
    std::snprintf(buf, sizeof buf, "%.1f GB", b / 1e9);
  else if (b >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.0f kB", std::max(1.0, b / 1e3));
  return buf;
}

// With the memory check, before anything is written: the checkpoint's size
// (said on stdout), and a run whose checkpoint cannot fit on the output
// filesystem is refused as a problem of run.checkpoint.
void check_checkpoint_fits(const LoadedConfig& cfg, const RunPlan& plan, CheckpointMode mode,
                           double every_minutes, const std::string& out) {
  const double need = estimated_checkpoint_bytes(plan.settings, plan.ions, plan.solver != "bkl");
  const double free = free_disk_bytes(out);
  const std::string name = mode == CheckpointMode::Periodic ? "periodic" : "end";
  if (free > 0 && need > free)
    throw InputError(cfg.where("run.checkpoint"),
                     "run.checkpoint: the checkpoint of this run needs about " + bytes_text(need) +
                         " and the filesystem of " + out + " has " + bytes_text(free) +
                         " free (set run.checkpoint = \"none\", or free some space)");
  char every[48] = "";
  if (every_minutes > 0) std::snprintf(every, sizeof every, ", every %g min", every_minutes);
  std::cout << "checkpoint: about " << bytes_text(need) << " (run.checkpoint = \"" << name
            << "\"" << every << "; " << (free > 0 ? bytes_text(free) + " free" : std::string("free space unknown"))
            << " where it goes)\n";
}

void write_results(const std::string& out, const RunPlan& plan, const SimulationOutcome& outcome,
                   const nlohmann::json& result) {
  try {
    write_run_outputs(out, result, make_msd_csv(outcome));
    if (!outcome.slabs.empty() || !outcome.layers.empty())
      write_file_atomically(out + "/profile.csv", make_profile_csv(outcome));
    if (!outcome.slab_snapshots.empty() || !outcome.layer_snapshots.empty()) {
      std::vector<std::string> names;
      for (const SpeciesSpec& sp : plan.settings.species.species) names.push_back(sp.name);
      write_file_atomically(out + "/species_profile.csv",
                            make_species_profile_csv(outcome, names));
    }
  } catch (const std::runtime_error& e) {
    throw CannotProceed(std::string("the run finished but its results could not be saved: ") +
                        e.what());
  }
}

}  // namespace

int run_command(const std::vector<std::string>& in, const nlohmann::json& tags) {
  // From here on SIGTERM and SIGUSR1 wait for the run's next milestone (and a checkpoint).
  CheckpointSignals signals;
  const RunRequest q = parse_run_command_line(in);
  if (q.help) {
    std::cout << q.help_text << "\n";
    return 0;
  }
  RunProvenance provenance;
  provenance.started_utc = now_utc();
  provenance.tags = tags.is_object() ? tags : nlohmann::json::object();
  for (auto it = q.tags.begin(); it != q.tags.end(); ++it) provenance.tags[it.key()] = it.value();
  std::optional<Checkpoint> restart;
  if (!q.restart_path.empty()) restart = read_checkpoint(q.restart_path);

  const LoadedConfig cfg = restart ? load_restart_config(*restart, q.restart_path, q.overrides)
                                   : load_config(q.config_path, q.overrides);
  for (const std::string& note : cfg.notes) std::cerr << "coatkmc: note: " << note << "\n";
  for (const std::string& w : cfg.warnings) std::cerr << "coatkmc: warning: " << w << "\n";
  if (q.print_config) {
    std::cout << cfg.resolved_toml << "\n";
    return 0;
  }
  // Decided once, before anything is written: solver, backend, sites, ions,
  // memory (a run far too big for this machine or its GPU is refused now).
  const CheckpointMode mode = checkpoint_mode(cfg.settings.checkpoint);
  if (mode == CheckpointMode::None && q.checkpoint_minutes > 0)
    throw InputError("--checkpoint-every", "the run saves no checkpoint (run.checkpoint = \"none\" at " +
                                               cfg.where("run.checkpoint") + ")");
  // run.checkpoint = "periodic" without --checkpoint-every: every 30 minutes.
  const double every_minutes =
      q.checkpoint_minutes > 0 ? q.checkpoint_minutes : mode == CheckpointMode::Periodic ? 30 : 0;
  const RunKeeping keeping = mode == CheckpointMode::None ? RunKeeping{false, false, false}
                                                          : RunKeeping{};
  const RunPlan plan = plan_configured_run(cfg, q.threads, keeping);
  if (mode != CheckpointMode::None) check_checkpoint_fits(cfg, plan, mode, every_minutes, q.out);
  prepare_output_folder(q.out, q.restart_path, q.force);

  SimulationOutcome outcome;
  ProgressLine progress;
  OptionalFiles optional;  // the checkpoint (after the results)
  std::optional<RunCheckpoints> checkpoints;
  RunState run;
  try {
    if (restart) {
      run = std::move(restart->run);
      provenance.tags["restarted_from"] = q.restart_path;
    }
    checkpoints.emplace(q.out + "/checkpoint.ckpt", cfg.resolved_toml, mode, every_minutes,
                        run.wall_before, &optional);
    outcome = run_simulation(plan, run, checkpoints->control(), std::ref(progress));
    if (outcome.interrupted && mode == CheckpointMode::None)
      throw CannotProceed("stopped by SIGTERM; nothing is saved (run.checkpoint = \"none\")");
    if (outcome.interrupted)
      throw CannotProceed("stopped by SIGTERM; the run is saved in " + checkpoints->path() +
                          " (continue it with: coatkmc run --restart " + checkpoints->path() +
                          " --out DIR)");
    provenance.tags["wall_time_total"] = run.wall_before + outcome.wall_time;
    if (outcome.profiles_lost)
      std::cerr << "coatkmc: note: " << q.restart_path
                << " holds no profiles that the new plan can go on from (a checkpoint before "
                   "format 6, or block boundaries moved: keep them, e.g. N/2 hops with B/2 "
                   "blocks to N with B); no profile.csv (nor species_profile.csv) is written (docs/checkpoints.md)\n";
  } catch (const ReplanError& e) {
    throw InputError(q.restart_path, std::string("cannot continue this checkpoint: ") + e.what());
  }
  const TransportEstimates est =
      estimate_transport(outcome, plan.settings.hop.temperature, plan.settings.hop.field);
  const nlohmann::json result = make_result_json(cfg, outcome, est, provenance);
  // Results first: a full disk then costs the checkpoint, never the results.
  write_results(q.out, plan, outcome, result);
  // Then the optional files, through `optional` (a failure: exit status 4):
  // the trajectory and msd.png, and last the checkpoint.
  OptionalOutputRequest extras;
  extras.plots = q.plots;
  std::string notes;
  const std::vector<std::string> extra_files = write_optional_outputs(
      q.out, plan.world->lattice, plan.settings, outcome, extras, optional, notes);
  std::cerr << notes;
  std::cout << format_summary(result) << "  results in " << q.out << "/result.json, "
            << q.out << "/msd.csv";
  for (const std::string& f : extra_files) std::cout << ", " << q.out << "/" << f;
  std::cout << "\n";
  checkpoints->save_final(run);
  return optional.exit_status();
}

}  // namespace coatkmc
