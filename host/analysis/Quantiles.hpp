#pragma once

namespace coatkmc {

// Quantiles of the two distributions the confidence intervals of
// docs/observables.md are built from. Degrees of freedom may be fractional
// (Satterthwaite's effective dof); they must be > 0.

// x with P(chi^2_nu <= x) = p, 0 < p < 1.
double chi_square_quantile(double p, double nu);

// t with P(T_nu <= t) = p, 0 < p < 1 (nu = infinity: the normal quantile).
double student_t_quantile(double p, double nu);

// Regularized lower incomplete gamma P(a, x) and incomplete beta I_x(a, b):
// the CDFs the quantiles invert.
double gamma_p(double a, double x);
double beta_i(double x, double a, double b);

}  // namespace coatkmc
