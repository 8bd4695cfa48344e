#pragma once
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "kmc/core/Vec3.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

struct Estimate {
  double value = 0;
  double error = 0;  // standard error; NaN when it cannot be estimated
  // 95 % confidence interval (asymmetric where the estimator's distribution
  // is: chi-square for mean squares). NaN when it cannot be estimated.
  double ci95_low = std::numeric_limits<double>::quiet_NaN();
  double ci95_high = std::numeric_limits<double>::quiet_NaN();
  // The same construction at 68.27 %: value +- error is a 68 % interval only
  // for a Gaussian estimator; this one is for the skewed ones (not written to
  // result.json; the calibration suite checks it).
  double ci68_low = std::numeric_limits<double>::quiet_NaN();
  double ci68_high = std::numeric_limits<double>::quiet_NaN();
};

// The transport results of a run, in the units of SPEC (cm^2/s, S/cm, cm/s).
// Formulas and the error model are in docs/observables.md.
struct TransportEstimates {
  Estimate D_tracer, D_jump, haven_ratio, conductivity, correlation_factor;
  // The diagonal of the tensors along x, y, z, each normalised per axis
  // (<dx^2> / 2t). For a 2D lattice the z component is NaN (null in result.json).
  std::array<Estimate, 3> D_tracer_xyz, D_jump_xyz, conductivity_xyz;
  std::array<Estimate, 3> drift_velocity;
  std::optional<Estimate> conductivity_field;  // only with a field
  double simulated_time = 0;                   // s, mean observed window per replica
  double carrier_density = 0;                  // ions per cm^3
  int independent_blocks = 0;
  // Collective windows: "all time origins" (windows one block long starting
  // at every MSD row) or "blocks" (the blocks alone, when the MSD rows do not
  // fall on the block ends or lack the collective vector); and the effective
  // chi-square degrees of freedom of D_jump.
  std::string jump_windows;
  double jump_dof = 0;
  // Several species: the tracer D of each (same definition and error model
  // as D_tracer, over that species' ions) and its ions per replica. Empty
  // with one species or when a block lacks the per-species sums (a restart).
  struct Species {
    int64_t ions = 0;
    Estimate D_tracer;
  };
  std::vector<Species> species;
};

TransportEstimates estimate_transport(const SimulationOutcome& outcome, double temperature,
                                      Vec3 field);

// The error models of docs/observables.md, shared with the per-slab profiles.
// A mean square with `nu` effective chi-square degrees of freedom:
// error value sqrt(2/nu), interval value nu / chi2_nu(0.975 | 0.025).
Estimate chi_square_estimate(double value, double nu);
// A whole-window value whose relative spread is measured by independent
// hop-normalised block estimates (`blocks`, any count >= 2, `block_hops` hops
// each on average, 0: no granularity correction) and scaled to `replicas`
// whole windows, plus count_noise (relative variance per replica, exact); the
// interval is chi-square shaped, studentised for the spread's own noise.
// nu_ions: independent Gaussian degrees of freedom per replica (d N); below 8
// the spread is floored at 2 / nu_ions instead (docs/observables.md).
Estimate block_relative_estimate(double value, const std::vector<double>& blocks, double replicas,
                                 double nu_ions, double block_hops, double count_noise);
// The mean of independent estimates: standard error of the mean, Student-t interval.
Estimate mean_estimate(const std::vector<double>& samples);

}  // namespace coatkmc
