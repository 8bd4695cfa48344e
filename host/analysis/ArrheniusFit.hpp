#pragma once
#include <vector>

namespace coatkmc {

// One measured diffusivity (or any thermally activated rate) at one temperature.
struct ArrheniusPoint {
  double temperature = 0;  // K
  double value = 0;        // D, any positive unit (the prefactor comes out in the same unit)
  double error = 0;        // standard error of value, same unit, > 0
};

// Result of fitting ln D = ln D0 - Ea / (kB T).
struct ArrheniusFit {
  double activation_energy_eV = 0;
  double activation_energy_err = 0;  // eV, standard error
  double prefactor = 0;              // D0, unit of the input values
  double prefactor_err = 0;          // standard error of D0 (propagated from ln D0)
  double chi2 = 0;                   // weighted sum of squared residuals of ln D
  int dof = 0;                       // points - 2
  // 95 % intervals: Ea +- 1.96 err and D0 exp(+-1.96 sigma_lnD0) (asymmetric),
  // sigma_lnD0 = prefactor_err / prefactor.
  double activation_energy_ci95_low = 0, activation_energy_ci95_high = 0;
  double prefactor_ci95_low = 0, prefactor_ci95_high = 0;
};

// Weighted linear least squares of ln D against 1 / (kB T), with weights
// 1 / sigma_lnD^2, sigma_lnD = error / value. Needs at least two distinct
// temperatures, positive values and positive errors (std::invalid_argument
// otherwise).
ArrheniusFit fit_arrhenius(const std::vector<ArrheniusPoint>& points);

}  // namespace coatkmc
