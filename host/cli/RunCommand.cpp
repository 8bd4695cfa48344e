#include <cxxopts.hpp>
#include <iostream>
#include <stdexcept>

#include "host/analysis/TransportEstimates.hpp"
#include "host/cli/Commands.hpp"
#include "host/cli/ProgressLine.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/ResultWriter.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

namespace {
std::vector<char*> argv_of(const std::string& name, std::vector<std::string>& args) {
  std::vector<char*> v{const_cast<char*>(name.c_str())};
  for (auto& a : args) v.push_back(a.data());
  return v;
}
}  // namespace

int run_command(const std::vector<std::string>& in) {
  std::vector<std::string> args = in;
  cxxopts::Options opts("coatkmc run", "Run one kinetic Monte Carlo simulation from a TOML configuration.");
  opts.custom_help("CONFIG.toml [options]");
  opts.positional_help("");
  opts.add_options()
      ("config", "configuration file", cxxopts::value<std::string>())
      ("out", "output folder for result.json and msd.csv", cxxopts::value<std::string>()->default_value("."))
      ("set", "override a key: KEY=VALUE, the value in TOML (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("backend", "auto | cpu | cuda", cxxopts::value<std::string>())
      ("threads", "threads (replicas run side by side)", cxxopts::value<int>()->default_value("1"))
      ("seed", "random seed (overrides run.seed)", cxxopts::value<int64_t>())
      ("print-config", "print the resolved configuration and exit")
      ("h,help", "show this help");
  opts.parse_positional({"config"});
  auto argv = argv_of("coatkmc run", args);
  cxxopts::ParseResult res;
  try {
    res = opts.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    throw InputError("command line", e.what());
  }
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  if (!res.count("config")) throw InputError("command line", "run needs a CONFIG.toml");

  std::vector<std::string> overrides;
  if (res.count("set")) overrides = res["set"].as<std::vector<std::string>>();
  if (res.count("backend")) {
    const std::string b = res["backend"].as<std::string>();
    if (b != "auto" && b != "cpu" && b != "cuda")
      throw InputError("--backend", "'" + b + "' is not one of: auto, cpu, cuda");
    overrides.push_back("run.backend=\"" + b + "\"");
  }
  if (res.count("seed")) {
    const int64_t seed = res["seed"].as<int64_t>();
    if (seed < 0) throw InputError("--seed", "the seed must be >= 0");
    overrides.push_back("run.seed=" + std::to_string(seed));
  }
  const int threads = res["threads"].as<int>();
  if (threads < 1 || threads > 4096) throw InputError("--threads", "must lie in [1, 4096]");

  LoadedConfig cfg = load_config(res["config"].as<std::string>(), overrides);
  if (res.count("print-config")) {
    std::cout << cfg.resolved_toml << "\n";
    return 0;
  }
  cfg.settings.threads = threads;

  SimulationOutcome outcome;
  ProgressLine progress;
  try {
    outcome = run_simulation(cfg.settings, std::ref(progress));
  } catch (const std::invalid_argument& e) {
    // Geometry problems found while building the lattice belong to [lattice].
    throw InputError(cfg.where("lattice.cells"), std::string("lattice: ") + e.what());
  }
  const TransportEstimates est =
      estimate_transport(outcome, cfg.settings.hop.temperature, cfg.settings.hop.field);
  const nlohmann::json result = make_result_json(cfg, outcome, est);
  const std::string out = res["out"].as<std::string>();
  write_run_outputs(out, result, make_msd_csv(outcome));
  std::cout << format_summary(result) << "  results in " << out << "/result.json, "
            << out << "/msd.csv\n";
  return 0;
}

}  // namespace coatkmc
