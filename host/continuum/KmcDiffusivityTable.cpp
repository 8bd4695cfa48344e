#include "host/continuum/KmcDiffusivityTable.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "host/analysis/TransportEstimates.hpp"
#include "kernels/PhysicalConstants.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

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
    SimulationSettings s;
    s.lattice = make_textbook_lattice(in.lattice, in.a_angstrom);
    s.cells = in.cells;
    s.occupancy.by_vacancies = true;
    s.occupancy.vacancies = 1;
    s.hop.barrier = in.barrier_eV;
    s.hop.attempt_frequency = in.attempt_frequency;
    s.hop.temperature = T;
    s.hops_per_particle = in.hops_per_particle;
    s.replicas = in.replicas;
    s.threads = 1;
    s.seed = in.seed;
    s.solver = "bkl";
    s.backend = "cpu";
    const SimulationOutcome out = run_simulation(s);
    const TransportEstimates e = estimate_transport(out, T, Vec3{});
    table.sites = static_cast<int>(out.sites);
    KmcDiffusivityRow row;
    row.temperature_K = T;
    row.D_kmc = e.D_tracer.value;
    row.D_kmc_err = e.D_tracer.error;
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
