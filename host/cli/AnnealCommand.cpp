#include "host/cli/AnnealCommand.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

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
  bool plots = true;
};

AnnealArgs parse(const std::vector<std::string>& args) {
  AnnealArgs a;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    auto value = [&](const std::string& opt) -> std::string {
      if (i + 1 >= args.size()) throw InputError(opt, "needs a value");
      return args[++i];
    };
    if (s == "--out") {
      a.out = value("--out");
      if (a.out.empty()) throw InputError("--out", "the output folder name is empty");
    } else if (s.rfind("--out=", 0) == 0) {
      a.out = s.substr(6);
      if (a.out.empty()) throw InputError("--out", "the output folder name is empty");
    } else if (s == "--set") {
      a.sets.push_back(value("--set"));
    } else if (s.rfind("--set=", 0) == 0) {
      a.sets.push_back(s.substr(6));
    } else if (s == "--no-plots") {
      a.plots = false;
    } else if (s == "--force") {
      // Accepted for symmetry with `run`: summary.json is replaced atomically.
    } else if (!s.empty() && s[0] == '-') {
      throw InputError(s, "unknown option for macro (anneal study)");
    } else if (a.config.empty()) {
      a.config = s;
    } else {
      throw InputError(s, "more than one configuration file given");
    }
  }
  if (a.config.empty()) throw InputError("macro", "no configuration file given");
  return a;
}

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
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
  const AnnealStudySettings s = load_anneal_config(a.config, a.sets);
  const auto t0 = std::chrono::steady_clock::now();
  const AnnealStudyResult r = run_anneal_study(s);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  try {
    make_directories(a.out);
  } catch (const std::exception& e) {
    throw InputError("--out", e.what());
  }

  // profiles.csv: depth and one column per anneal temperature.
  std::ostringstream csv;
  csv << std::setprecision(10) << "depth_nm";
  for (const AnnealCase& c : r.cases) csv << ",c_" << c.temperature_C << "C";
  csv << "\n";
  for (size_t i = 0; i < r.cases.front().depth_nm.size(); ++i) {
    csv << r.cases.front().depth_nm[i];
    for (const AnnealCase& c : r.cases) csv << "," << c.c[i];
    csv << "\n";
  }
  write_file_atomically(a.out + "/profiles.csv", csv.str());

  // profiles_time.csv: the profiles against time (segment ends, profile_times_s).
  std::ostringstream tcsv;
  tcsv << std::setprecision(10) << "case_C,time_s,temperature_C,depth_nm,c\n";
  for (const AnnealCase& c : r.cases)
    for (const AnnealCase::Snapshot& p : c.snapshots)
      for (size_t i = 0; i < p.c.size(); ++i)
        tcsv << c.temperature_C << "," << p.time_s << "," << p.temperature_C << "," << c.depth_nm[i]
             << "," << p.c[i] << "\n";
  write_file_atomically(a.out + "/profiles_time.csv", tcsv.str());

  // microstructure.csv: the evolving layers' state at the end of every step.
  bool evolving = false;
  std::ostringstream mcsv;
  mcsv << std::setprecision(10)
       << "case_C,layer,time_s,temperature_C,crystallized_fraction,grain_size_nm,"
          "boundary_fraction,D_cm2_s\n";
  for (const AnnealCase& c : r.cases)
    for (const AnnealCase::EvolvingLayer& e : c.microstructure) {
      evolving = true;
      for (const MicrostructurePoint& p : e.history)
        mcsv << c.temperature_C << ",\"" << e.layer << "\"," << p.time_s << ","
             << p.temperature_K - 273.15 << "," << p.crystallized_fraction << "," << p.grain_size_nm
             << "," << p.boundary_fraction << "," << p.D_cm2_s << "\n";
    }
  if (evolving) write_file_atomically(a.out + "/microstructure.csv", mcsv.str());

  nlohmann::json j;
  j["study"] = s.name;
  j["species"] = s.species;
  j["config"] = a.config;
  j["version"] = build_info().version;
  j["detection_limit"] = s.detection_limit;
  j["film"] = s.film;
  j["film_thickness_nm"] = r.film_thickness_nm;
  j["interface_depth_nm"] = r.film_bottom_nm;
  j["hold_s"] = s.hold_s;
  j["ramp_C_per_min"] = s.ramp_C_per_min;
  for (const AnnealProgramStep& p : s.program) {
    if (p.is_hold)
      j["segments"].push_back({{"hold_s", p.hold_s}});
    else if (p.rate_C_per_min > 0)
      j["segments"].push_back({{"to_C", p.to_case ? nlohmann::json("T") : nlohmann::json(p.to_C)},
                               {"rate_C_per_min", p.rate_C_per_min}});
    else
      j["segments"].push_back({{"to_C", p.to_case ? nlohmann::json("T") : nlohmann::json(p.to_C)},
                               {"duration_s", p.duration_s}});
  }
  if (s.reference_D_cm2_s) j["reference_D_cm2_s"] = *s.reference_D_cm2_s;
  if (r.kmc) {
    nlohmann::json k;
    const KmcDiffusivitySettings& ks = *s.kmc;
    k["lattice"] = ks.lattice;
    k["a_angstrom"] = ks.a_angstrom;
    k["barrier_eV"] = ks.barrier_eV;
    k["attempt_frequency"] = ks.attempt_frequency;
    k["sites"] = r.kmc->sites;
    k["anchor_temperature_C"] = ks.anchor_K - 273.15;
    k["anchor_D_cm2_s"] = ks.anchor_D_cm2_s;
    k["vacancy_formation_eV"] = ks.vacancy_formation_eV;
    k["vacancy_fraction_at_anchor"] = r.kmc->vacancy_fraction;
    k["correlation_factor"] = r.kmc->correlation_factor;
    k["activation_energy_eV"] = number(r.kmc->fit.activation_energy_eV);
    k["activation_energy_err"] = number(r.kmc->fit.activation_energy_err);
    k["wall_time"] = r.kmc->wall_s;
    std::ostringstream kc;
    kc << std::setprecision(10) << "temperature_K,D_kmc_cm2_s,D_kmc_err,D_cm2_s,D_err\n";
    for (const KmcDiffusivityRow& row : r.kmc->rows) {
      k["table"].push_back({{"temperature_K", row.temperature_K},
                            {"D_kmc_cm2_s", row.D_kmc},
                            {"D_kmc_err", number(row.D_kmc_err)},
                            {"D_cm2_s", row.D},
                            {"D_err", number(row.D_err)}});
      kc << row.temperature_K << "," << row.D_kmc << "," << row.D_kmc_err << "," << row.D << ","
         << row.D_err << "\n";
    }
    write_file_atomically(a.out + "/kmc_D.csv", kc.str());
    j["kmc"] = k;
  }
  for (const AnnealCase& c : r.cases) {
    nlohmann::json cj;
    cj["temperature_C"] = c.temperature_C;
    cj["time_s"] = c.time_s;
    cj["schedule_s"] = c.schedule_s;
    cj["D_cm2_s"] = number(c.D_fit);
    cj["D_err_cm2_s"] = number(c.D_fit_err);
    cj["D_fit_rms_residual"] = number(c.fit_rms);
    cj["D_fit_sqrt_Dt_nm"] = number(c.fit_sqrt_Dt_nm);
    // Below one cell of spreading the fitted D says only "too small to resolve".
    cj["D_resolved"] = c.D_resolved;
    cj["D_model_cm2_s"] = c.D_model_cm2_s;
    cj["penetration_depth_nm"] = c.penetration_depth_nm;
    cj["film_remaining_fraction"] = c.film_remaining_fraction;
    if (!s.species_name.empty())
      cj[s.species_name + "_remaining_fraction"] = c.film_remaining_fraction;
    for (const AnnealCase::Snapshot& p : c.snapshots)
      cj["snapshots"].push_back({{"time_s", p.time_s},
                                 {"temperature_C", p.temperature_C},
                                 {"film_remaining_fraction", p.film_remaining_fraction},
                                 {"penetration_depth_nm", p.penetration_depth_nm}});
    cj["mass_balance_rel_error"] = c.mass_balance_rel_error;
    cj["steps"] = c.steps;
    for (const AnnealCase::EvolvingLayer& e : c.microstructure)
      cj["microstructure"].push_back({{"layer", e.layer},
                                      {"crystallized_fraction", e.crystallized_fraction},
                                      {"grain_size_nm", e.grain_size_nm},
                                      {"boundary_fraction", e.boundary_fraction},
                                      {"D_initial_cm2_s", e.D_initial_cm2_s},
                                      {"D_final_cm2_s", e.D_final_cm2_s}});
    j["cases"].push_back(cj);
  }
  j["wall_time"] = wall;

  // Plots: a small matplotlib script that reads summary.json and the CSVs,
  // so summary.json is written first and again with the plots' outcome;
  // skipped, with a note, without matplotlib.
  write_file_atomically(a.out + "/summary.json", j.dump(2) + "\n");
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
  write_file_atomically(a.out + "/summary.json", j.dump(2) + "\n");

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
  std::cout << "  summary: " << a.out << "/summary.json\n";
  return 0;
}

}  // namespace coatkmc
