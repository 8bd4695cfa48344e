#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "host/analysis/ArrheniusFit.hpp"
#include "host/macro/MacroConfig.hpp"

namespace coatkmc::macro {

// The transport numbers of one [[kmc]] source, at each temperature it has,
// with an Arrhenius fit when it has two or more.
struct KmcPoint {
  double temperature = 0;                         // K
  double conductivity = 0, conductivity_err = 0;  // S/cm
  double d_tracer = 0, d_tracer_err = 0;          // cm^2/s
  double d_jump = 0, haven_ratio = 0;
  std::string result_file;
  // The tensor component the conductivity and D_tracer are ("x", "y", "z"),
  // or "mean" when they are the isotropic averages (asked for, or the result
  // has no components).
  std::string component = "mean";
};

struct KmcValue {
  std::string name, origin;
  std::vector<KmcPoint> points;
  std::optional<ArrheniusFit> conductivity_fit;  // of sigma T: sigma = A/T exp(-Ea / kT)
  std::optional<ArrheniusFit> tracer_fit;        // of D_tracer

  // At temperature T: the point measured there (within 0.5 K), else the
  // Arrhenius fit; std::invalid_argument when neither is available.
  double conductivity_at(double temperature) const;
  double conductivity_err_at(double temperature) const;  // relative error carried over
  double tracer_at(double temperature) const;
  nlohmann::json json() const;
};

using KmcValues = std::map<std::string, KmcValue>;

struct KmcRunOptions {
  std::string out_dir;  // runs write DIR/kmc/NAME[/T_K]/result.json
  int threads = 1;
  std::vector<std::string> extra_overrides;  // --kmc-set, applied to every inline run
  bool quiet = false;
};

// Runs or reads every source. Bad input in a source (its configuration, its
// result or sweep file) is InputError.
KmcValues resolve_kmc_sources(const MacroConfig& config, const KmcRunOptions& options);

// Reads one result.json (a coatkmc run's output) into a point.
// `component`: "z" (the film normal, default), "x", "y" or "mean" (the
// isotropic average); a result without that component gives the average.
KmcPoint read_result_json(const std::string& path, const std::string& component = "z");

// Reads a collected sweep (DIR/sweep.json of `coatkmc collect`): its
// "points" (replicas combined), or, without them, every finished task. When
// the sweep varies more than run.temperature, `select` (varied key -> value)
// picks the points to use.
std::vector<KmcPoint> read_sweep_json(const std::string& path,
                                      const nlohmann::json& select = nlohmann::json::object(),
                                      const std::string& component = "z");

}  // namespace coatkmc::macro
