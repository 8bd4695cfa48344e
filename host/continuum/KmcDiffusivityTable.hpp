#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "host/analysis/ArrheniusFit.hpp"

namespace coatkmc {

// Vacancy-mediated exchange of one cation species on its sublattice, as a
// short kMC run: every site of the lattice holds a cation but one, whose
// vacancy carries the exchange; the tracer D of the cations (from the MSD) is
// f x_v Gamma a^2 with x_v = 1/N and the correlation factor f that the run
// itself produces. The real defect fraction is not known: one anchor
// (a measured or fitted D at one temperature) sets it, so
//   D(T) = D_anchor * D_kmc(T) / D_kmc(T_anchor),
// the kMC giving the temperature dependence and the correlated walk. A
// thermally created defect population adds its formation energy E_f:
//   D(T) = D_anchor * D_kmc(T) / D_kmc(T_anchor) * exp(-E_f/k (1/T - 1/T_anchor)),
// so the apparent activation energy is barrier + E_f.
struct KmcDiffusivitySettings {
  std::string lattice = "sc";
  double a_angstrom = 3.87;
  double barrier_eV = 1.0;
  double attempt_frequency = 1e13;
  std::array<int, 3> cells{8, 8, 8};
  double hops_per_particle = 100;
  int replicas = 4;
  uint64_t seed = 1;
  double anchor_K = 973.15;
  double anchor_D_cm2_s = 1e-16;
  double vacancy_formation_eV = 0;     // E_f of the defects that carry the exchange
  std::vector<double> temperatures_K;  // where to tabulate (the anchor is added)
  std::string source = "anneal study";  // what errors in the kMC runs are reported at
  // The tracer D taken from each run: "z", the film normal (default), "x",
  // "y", or "mean" (the isotropic average, as before issue 13).
  std::string component = "z";
};

struct KmcDiffusivityRow {
  double temperature_K = 0;
  double D_kmc = 0, D_kmc_err = 0;  // cm^2/s at x_v = 1/N
  double D = 0, D_err = 0;          // scaled to the anchor (cm^2/s); error from this row only
};

struct KmcDiffusivityTable {
  std::vector<KmcDiffusivityRow> rows;  // increasing temperature
  double vacancy_fraction = 0;          // the defect fraction the anchor implies, at T_anchor
  double correlation_factor = 0;        // mean over the rows (sc: 0.6531 expected)
  int sites = 0;
  ArrheniusFit fit;  // of the scaled rows: Ea should equal the barrier
  double wall_s = 0;
};

KmcDiffusivityTable tabulate_kmc_diffusivity(const KmcDiffusivitySettings& settings);

// The kMC configuration (TOML) of one temperature of the table: the engine
// reads it through load_config_text and runs it as `coatkmc run` would.
std::string kmc_config_text(const KmcDiffusivitySettings& settings, double temperature_K);

}  // namespace coatkmc
