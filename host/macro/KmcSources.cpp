#include "host/macro/KmcSources.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "host/analysis/TransportEstimates.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/ResultWriter.hpp"
#include "host/run/KmcRun.hpp"
#include "host/macro/PhysicalConstants.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc::macro {

namespace {

double number_or(const nlohmann::json& j, const char* key, double fallback) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  return it->get<double>();
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("not valid JSON: ") + e.what());
  }
}

// Component `axis` (0-2) of the array `key`, when the result has it (results
// from before issue 13, and z of a 2D lattice, do not: NaN).
double component_of(const nlohmann::json& r, const std::string& key, int axis) {
  if (!r.contains(key) || !r[key].is_array() || r[key].size() != 3) return NAN;
  const nlohmann::json& v = r[key][axis];
  return v.is_number() ? v.get<double>() : NAN;
}

KmcPoint point_from(const nlohmann::json& r, const std::string& where,
                    const std::string& component) {
  KmcPoint p;
  p.temperature = number_or(r, "temperature", NAN);
  if (!std::isfinite(p.temperature) && r.contains("config") && r["config"].contains("run"))
    p.temperature = number_or(r["config"]["run"], "temperature", NAN);
  p.conductivity = number_or(r, "conductivity", NAN);
  p.conductivity_err = number_or(r, "conductivity_err", 0);
  p.d_tracer = number_or(r, "D_tracer", NAN);
  p.d_tracer_err = number_or(r, "D_tracer_err", 0);
  // A film conducts through its thickness: by default the component along the
  // film normal z (docs/observables.md), where the result has it; "mean" (or a
  // result without components) keeps the isotropic average.
  const int axis = component == "x" ? 0 : component == "y" ? 1 : component == "z" ? 2 : -1;
  if (axis >= 0 && std::isfinite(component_of(r, "conductivity_xyz", axis))) {
    p.conductivity = component_of(r, "conductivity_xyz", axis);
    const double e = component_of(r, "conductivity_xyz_err", axis);
    p.conductivity_err = std::isfinite(e) ? e : 0;
    p.component = component;
  }
  if (axis >= 0 && std::isfinite(component_of(r, "D_tracer_xyz", axis))) {
    p.d_tracer = component_of(r, "D_tracer_xyz", axis);
    const double e = component_of(r, "D_tracer_xyz_err", axis);
    p.d_tracer_err = std::isfinite(e) ? e : 0;
  }
  p.d_jump = number_or(r, "D_jump", NAN);
  p.haven_ratio = number_or(r, "haven_ratio", NAN);
  if (!(p.temperature > 0)) throw InputError(where, "no temperature in the result");
  if (!(p.conductivity > 0) && !(p.d_tracer > 0))
    throw InputError(where, "no positive conductivity or D_tracer in the result");
  return p;
}

// ln(value) against 1/kT, weighted; errors floored at 1 % so a run whose
// block error came out zero does not get infinite weight.
std::optional<ArrheniusFit> fit(const std::vector<KmcPoint>& pts, bool conductivity) {
  std::vector<ArrheniusPoint> a;
  for (const auto& p : pts) {
    const double v = conductivity ? p.conductivity * p.temperature : p.d_tracer;
    double e = conductivity ? p.conductivity_err * p.temperature : p.d_tracer_err;
    if (!(v > 0)) continue;
    if (!(e > 0.01 * v)) e = 0.01 * v;
    a.push_back({p.temperature, v, e});
  }
  if (a.size() < 2) return std::nullopt;
  try {
    return fit_arrhenius(a);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

std::string temperature_tag(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%g", t);
  return buf;
}

KmcPoint run_inline(const KmcSourceSpec& s, double temperature, const std::string& dir,
                    const KmcRunOptions& o) {
  std::vector<std::string> overrides = s.overrides;
  if (temperature > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "run.temperature=%.17g", temperature);
    overrides.push_back(buf);
  }
  for (const auto& e : o.extra_overrides) overrides.push_back(e);
  const LoadedConfig cfg = load_config(s.config, overrides);
  if (!o.quiet)
    std::cout << "  kmc " << s.name << ": " << s.config
              << " at T = " << cfg.settings.hop.temperature << " K ..." << std::flush;
  // The same validated path as `coatkmc run` (host/run/KmcRun.hpp).
  const KmcRun run = run_configured(cfg, o.threads, RunProvenance{});
  const SimulationOutcome& outcome = run.outcome;
  const nlohmann::json& result = run.result;
  write_run_outputs(dir, result, make_msd_csv(outcome));
  KmcPoint p = point_from(result, dir + "/result.json", s.component);
  p.result_file = dir + "/result.json";
  if (!o.quiet) {
    char buf[160];
    std::snprintf(buf, sizeof buf, " sigma = %.3g +- %.2g S/cm (%.1f s)\n", p.conductivity,
                  p.conductivity_err, outcome.wall_time);
    std::cout << buf;
  }
  return p;
}

}  // namespace

KmcPoint read_result_json(const std::string& path, const std::string& component) {
  KmcPoint p = point_from(read_json(path), path, component);
  p.result_file = path;
  return p;
}

namespace {
// A point's varied value against a selected one: numbers compare as numbers.
bool same_value(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number())
    return std::fabs(a.get<double>() - b.get<double>()) <= 1e-12 * std::fabs(b.get<double>());
  return a == b;
}
}  // namespace

std::vector<KmcPoint> read_sweep_json(const std::string& path, const nlohmann::json& select,
                                      const std::string& component) {
  const nlohmann::json j = read_json(path);
  std::vector<KmcPoint> pts;
  auto selected = [&](const nlohmann::json& entry) {
    if (select.empty()) return true;
    if (!entry.contains("values") || !entry["values"].is_object()) return false;
    for (const auto& [key, want] : select.items())
      if (!entry["values"].contains(key) || !same_value(entry["values"][key], want)) return false;
    return true;
  };
  if (j.contains("points") && j["points"].is_array() && !j["points"].empty()) {
    // Replicas already combined by `collect`.
    for (const auto& p : j["points"]) {
      if (!selected(p)) continue;
      try {
        KmcPoint k = point_from(p, path, component);
        k.result_file = path;
        pts.push_back(k);
      } catch (const InputError&) {
        continue;
      }
    }
  } else if (j.contains("tasks") && j["tasks"].is_array()) {
    for (const auto& t : j["tasks"]) {
      if (t.contains("status") && t["status"] != "done") continue;
      if (!selected(t)) continue;
      const nlohmann::json& r = t.contains("result") && t["result"].is_object() ? t["result"] : t;
      try {
        pts.push_back(point_from(r, path, component));
      } catch (const InputError&) {
        continue;  // a failed or unfinished task
      }
    }
  } else {
    throw InputError(path, "no points or tasks in the sweep (is this a collected sweep.json?)");
  }
  if (pts.empty()) throw InputError(path, "no finished point with transport results in the sweep");
  // Two points at one temperature would be two different models: refuse.
  for (size_t a = 0; a < pts.size(); ++a)
    for (size_t b = a + 1; b < pts.size(); ++b)
      if (std::fabs(pts[a].temperature - pts[b].temperature) < 0.5)
        throw InputError(path, "several points at " + std::to_string(pts[a].temperature) +
                                   " K: the sweep varies more than run.temperature (pick one "
                                   "with select = { KEY = VALUE })");
  return pts;
}

double KmcValue::conductivity_at(double t) const {
  for (const auto& p : points)
    if (std::fabs(p.temperature - t) < 0.5 && p.conductivity > 0) return p.conductivity;
  if (conductivity_fit)
    return conductivity_fit->prefactor *
           std::exp(-conductivity_fit->activation_energy_eV / (kBoltzmannEvPerK * t)) / t;
  throw std::invalid_argument("kMC source '" + name + "' has no conductivity at " +
                              std::to_string(t) + " K (give temperatures for an Arrhenius fit)");
}

double KmcValue::conductivity_err_at(double t) const {
  for (const auto& p : points)
    if (std::fabs(p.temperature - t) < 0.5 && p.conductivity > 0) return p.conductivity_err;
  if (conductivity_fit) {
    // ln sigma(T) = ln A - Ea/kT: errors of ln A and Ea, treated as independent
    // (an upper bound when they are positively correlated, as they usually are).
    const double x = 1.0 / (kBoltzmannEvPerK * t);
    const double rel_a = conductivity_fit->prefactor_err / conductivity_fit->prefactor;
    const double rel = std::hypot(rel_a, x * conductivity_fit->activation_energy_err);
    return rel * conductivity_at(t);
  }
  return NAN;
}

double KmcValue::tracer_at(double t) const {
  for (const auto& p : points)
    if (std::fabs(p.temperature - t) < 0.5 && p.d_tracer > 0) return p.d_tracer;
  if (tracer_fit)
    return tracer_fit->prefactor *
           std::exp(-tracer_fit->activation_energy_eV / (kBoltzmannEvPerK * t));
  throw std::invalid_argument("kMC source '" + name + "' has no D_tracer at " + std::to_string(t) +
                              " K (give temperatures for an Arrhenius fit)");
}

nlohmann::json KmcValue::json() const {
  nlohmann::json j;
  j["name"] = name;
  j["origin"] = origin;
  j["points"] = nlohmann::json::array();
  for (const auto& p : points)
    j["points"].push_back({{"temperature_K", p.temperature},
                           {"conductivity_S_cm", p.conductivity},
                           {"conductivity_err_S_cm", p.conductivity_err},
                           {"D_tracer_cm2_s", p.d_tracer},
                           {"D_tracer_err_cm2_s", p.d_tracer_err},
                           {"D_jump_cm2_s", p.d_jump},
                           {"haven_ratio", p.haven_ratio},
                           {"component", p.component},
                           {"result_json", p.result_file}});
  auto fit_json = [](const ArrheniusFit& f, const char* what) {
    return nlohmann::json{{"quantity", what},
                          {"activation_energy_eV", f.activation_energy_eV},
                          {"activation_energy_err_eV", f.activation_energy_err},
                          {"prefactor", f.prefactor},
                          {"prefactor_err", f.prefactor_err},
                          {"chi2", f.chi2},
                          {"dof", f.dof}};
  };
  if (conductivity_fit)
    j["arrhenius_conductivity"] = fit_json(*conductivity_fit, "sigma*T, S K/cm");
  if (tracer_fit) j["arrhenius_D_tracer"] = fit_json(*tracer_fit, "D_tracer, cm^2/s");
  return j;
}

KmcValues resolve_kmc_sources(const MacroConfig& m, const KmcRunOptions& o) {
  KmcValues out;
  for (const auto& s : m.kmc) {
    KmcValue v;
    v.name = s.name;
    if (!s.config.empty()) {
      std::string origin = "inline kMC run of " + s.config;
      for (const auto& e : s.overrides) origin += " --set " + e;
      for (const auto& e : o.extra_overrides) origin += " --set " + e;
      v.origin = origin;
      const std::string base = o.out_dir + "/kmc/" + s.name;
      if (s.temperatures.empty()) {
        v.points.push_back(run_inline(s, 0, base, o));
      } else {
        for (double t : s.temperatures)
          v.points.push_back(run_inline(s, t, base + "/" + temperature_tag(t), o));
      }
    } else if (!s.result.empty()) {
      v.origin = "result " + s.result;
      v.points.push_back(read_result_json(s.result, s.component));
    } else {
      v.origin = "sweep " + s.sweep + (s.select.empty() ? "" : " " + s.select.dump());
      v.points = read_sweep_json(s.sweep, s.select, s.component);
    }
    v.conductivity_fit = fit(v.points, true);
    v.tracer_fit = fit(v.points, false);
    out[s.name] = v;
  }
  return out;
}

}  // namespace coatkmc::macro
