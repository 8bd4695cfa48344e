#include "host/cli/AnnealCommand.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "host/cli/CommandLine.hpp"
#include "host/continuum/AnnealOutputs.hpp"
#include "host/continuum/AnnealStudy.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/BuildInfo.hpp"
#include "host/io/PythonScripts.hpp"
#include "kmc/core/Error.hpp"

#ifndef COATKMC_SOURCE_DIR
#define COATKMC_SOURCE_DIR "."
#endif

namespace coatkmc {
namespace {

struct AnnealArgs {
  std::string config, out = "macro-out";
  std::vector<std::string> sets;
  bool plots = true, help = false;
  std::string help_text;
};

AnnealArgs parse(const std::vector<std::string>& in) {
  AnnealArgs a;
  // --set values are TOML and may hold commas: taken out first, as run does.
  const std::vector<std::string> args = take_option_values(in, {{"--set", &a.sets}}, "KEY=VALUE");
  cxxopts::Options opts("coatkmc anneal",
                        "Anneal study: kMC-tabulated D(T), the continuum multilayer through "
                        "each furnace programme, fitted profiles.");
  opts.custom_help("STUDY.toml [options]");
  opts.positional_help("");
  opts.add_options()
      ("config", "anneal study file", cxxopts::value<std::string>())
      ("out", "output folder (summary.json, CSVs, plots)", cxxopts::value<std::string>()->default_value("macro-out"))
      ("set", "override a key: KEY=VALUE, the value in TOML (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("no-plots", "write CSV and JSON only")
      ("force", "accepted for symmetry with run (summary.json is replaced atomically)")
      ("h,help", "show this help");
  opts.parse_positional({"config"});
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc anneal", args);
  if (res.count("help")) {
    a.help = true;
    a.help_text = opts.help();
    return a;
  }
  if (!res.unmatched().empty())
    throw InputError(res.unmatched().front(), "more than one configuration file given");
  if (!res.count("config")) throw InputError("anneal", "no configuration file given");
  a.config = res["config"].as<std::string>();
  a.out = res["out"].as<std::string>();
  if (a.out.empty()) throw InputError("--out", "the output folder name is empty");
  a.plots = res.count("no-plots") == 0;
  return a;
}

// Plots: a small matplotlib script that reads summary.json and the CSVs, so
// summary.json is written first and again with the plots' outcome; skipped,
// with a note, without matplotlib. Returns the note ("" when plotted).
std::string make_anneal_plots(const AnnealArgs& a, bool evolving, nlohmann::json& j) {
  std::string note;
  if (a.plots) {
    const std::string python = python_with_matplotlib();
    const std::string script = std::string(COATKMC_SOURCE_DIR) + "/scripts/plot_anneal_profiles.py";
    const std::string cmd = "MPLBACKEND=Agg " + shell_quote(python) + " " + shell_quote(script) +
                            " " + shell_quote(a.out) + " > " + shell_quote(a.out + "/plots.log") +
                            " 2>&1";
    if (python.empty()) {
      note = "plots skipped: no python3 with matplotlib; profiles.csv holds the data";
    } else if (const int rc = std::system(cmd.c_str()); rc != 0) {
      note = "plots skipped: the plot script failed (exit " + std::to_string(rc) + ", see " +
             a.out + "/plots.log); profiles.csv holds the data";
    } else {
      j["plots"] = {"profiles.png"};
      if (evolving) j["plots"].push_back("microstructure.png");
    }
    if (!note.empty()) j["plots_note"] = note;
  } else {
    j["plots_note"] = "plots skipped (--no-plots)";
  }
  return note;
}

void print_anneal_summary(const AnnealStudySettings& s, const AnnealStudyResult& r,
                          const std::string& note, const std::string& out) {
  std::cout << s.name << " (" << s.species << "), detection limit " << s.detection_limit << "\n";
  for (const AnnealCase& c : r.cases) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "  %6.0f C %8.0f s: D = %.3g cm^2/s%s, depth %.3g nm, film keeps %.3g\n",
                  c.temperature_C, c.time_s, c.D_fit, c.D_resolved ? "" : " (unresolved)",
                  c.penetration_depth_nm, c.film_remaining_fraction);
    std::cout << line;
    for (const AnnealCase::EvolvingLayer& e : c.microstructure) {
      std::snprintf(line, sizeof line,
                    "           %s: crystallized %.3g, grains %.3g nm, D %.3g -> %.3g cm^2/s\n",
                    e.layer.c_str(), e.crystallized_fraction, e.grain_size_nm, e.D_initial_cm2_s,
                    e.D_final_cm2_s);
      std::cout << line;
    }
  }
  if (!note.empty()) std::cout << "  " << note << "\n";
  std::cout << "  summary: " << out << "/summary.json\n";
}

}  // namespace

bool is_anneal_command_line(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--out" || args[i] == "--set") {
      ++i;
      continue;
    }
    if (!args[i].empty() && args[i][0] != '-') return is_anneal_config(args[i]);
  }
  return false;
}

int anneal_command(const std::vector<std::string>& args) {
  const AnnealArgs a = parse(args);
  if (a.help) {
    std::cout << a.help_text << "\n";
    return 0;
  }
  const AnnealStudySettings s = load_anneal_config(a.config, a.sets);
  const auto t0 = std::chrono::steady_clock::now();
  const AnnealStudyResult r = run_anneal_study(s);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  try {
    make_directories(a.out);
  } catch (const std::exception& e) {
    throw InputError("--out", e.what());
  }
  write_file_atomically(a.out + "/profiles.csv", anneal_profiles_csv(r));
  write_file_atomically(a.out + "/profiles_time.csv", anneal_profiles_time_csv(r));
  const std::string micro = anneal_microstructure_csv(r);
  if (!micro.empty()) write_file_atomically(a.out + "/microstructure.csv", micro);
  if (r.kmc) write_file_atomically(a.out + "/kmc_D.csv", anneal_kmc_csv(r));
  nlohmann::json j = anneal_summary_json(s, r, a.config, wall);
  write_file_atomically(a.out + "/summary.json", j.dump(2) + "\n");
  const std::string note = make_anneal_plots(a, !micro.empty(), j);
  write_file_atomically(a.out + "/summary.json", j.dump(2) + "\n");
  print_anneal_summary(s, r, note, a.out);
  return 0;
}

}  // namespace coatkmc
