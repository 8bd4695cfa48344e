#include "host/continuum/KmcDiffusivityTable.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <cmath>
#include <stdexcept>

#include "host/analysis/TransportEstimates.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/run/KmcRun.hpp"
#include "kernels/PhysicalConstants.hpp"

namespace coatkmc {

namespace {

std::string exact(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  std::string t = buf;
  // A TOML float needs a fraction or an exponent.
  if (t.find_first_of(".eEn") == std::string::npos) t += ".0";
  return t;
}

}  // namespace

std::string kmc_config_text(const KmcDiffusivitySettings& in, double temperature_K) {
  std::ostringstream t;
  t << "[lattice]\ntype = \"" << in.lattice << "\"\na = " << exact(in.a_angstrom)
    << "\ncells = [" << in.cells[0] << ", " << in.cells[1] << ", " << in.cells[2] << "]\n"
    << "[occupancy]\nvacancies = 1\n"
    << "[hop]\nbarrier = " << exact(in.barrier_eV)
    << "\nattempt_frequency = " << exact(in.attempt_frequency) << "\n"
    << "[run]\ntemperature = " << exact(temperature_K)
    << "\nhops_per_particle = " << exact(in.hops_per_particle) << "\nreplicas = " << in.replicas
    << "\nseed = " << in.seed << "\nsolver = \"bkl\"\nbackend = \"cpu\"\n";
  return t.str();
}

KmcDiffusivityTable tabulate_kmc_diffusivity(const KmcDiffusivitySettings& in) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<double> temps = in.temperatures_K;
  temps.push_back(in.anchor_K);
  std::sort(temps.begin(), temps.end());
  temps.erase(std::unique(temps.begin(), temps.end(),
                          [](double a, double b) { return std::abs(a - b) < 1e-9; }),
              temps.end());

  KmcDiffusivityTable table;
  double anchor_kmc = 0, f_sum = 0;
  for (double T : temps) {
    // Through the configuration reader and plan_run, as `coatkmc run` goes:
    // every value is checked as a configuration key would be.
    const LoadedConfig cfg = load_config_text(kmc_config_text(in, T), in.source, {});
    const KmcRun run = run_configured(cfg, 1, RunProvenance{});
    const SimulationOutcome& out = run.outcome;
    const TransportEstimates& e = run.estimates;
    table.sites = static_cast<int>(out.sites);
    KmcDiffusivityRow row;
    row.temperature_K = T;
    // Diffusion into the film runs along its normal: the z component by
    // default (on the cubic cation networks the same D, estimated from one
    // axis instead of three, docs/interdiffusion.md).
    const int axis = in.component == "x" ? 0 : in.component == "y" ? 1 : in.component == "z" ? 2 : -1;
    const Estimate& d = axis >= 0 ? e.D_tracer_xyz[axis] : e.D_tracer;
    row.D_kmc = d.value;
    row.D_kmc_err = d.error;
    f_sum += e.correlation_factor.value;
    if (std::abs(T - in.anchor_K) < 1e-9) anchor_kmc = row.D_kmc;
    table.rows.push_back(row);
  }
  if (!(anchor_kmc > 0)) throw std::runtime_error("kMC diffusivity at the anchor is not positive");
  std::vector<ArrheniusPoint> points;
  for (KmcDiffusivityRow& r : table.rows) {
    const double defects =
        std::exp(-in.vacancy_formation_eV / kBoltzmannEv * (1 / r.temperature_K - 1 / in.anchor_K));
    r.D = in.anchor_D_cm2_s * r.D_kmc / anchor_kmc * defects;
    r.D_err = in.anchor_D_cm2_s * r.D_kmc_err / anchor_kmc * defects;
    if (r.D_err > 0) points.push_back({r.temperature_K, r.D, r.D_err});
  }
  table.vacancy_fraction = in.anchor_D_cm2_s / anchor_kmc / table.sites;
  table.correlation_factor = f_sum / table.rows.size();
  if (points.size() >= 2) table.fit = fit_arrhenius(points);
  table.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return table;
}

}  // namespace coatkmc
