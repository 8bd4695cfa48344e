#pragma once
#include <array>
#include <optional>
#include <vector>

#include "kmc/core/Vec3.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

struct Estimate {
  double value = 0;
  double error = 0;  // standard error; NaN when it cannot be estimated
};

// The transport results of a run, in the units of SPEC (cm^2/s, S/cm, cm/s).
// Formulas and the error model are in docs/observables.md.
struct TransportEstimates {
  Estimate D_tracer, D_jump, haven_ratio, conductivity, correlation_factor;
  std::array<Estimate, 3> drift_velocity;
  std::optional<Estimate> conductivity_field;  // only with a field
  double simulated_time = 0;                   // s, mean observed window per replica
  double carrier_density = 0;                  // ions per cm^3
  int independent_blocks = 0;
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

}  // namespace coatkmc
