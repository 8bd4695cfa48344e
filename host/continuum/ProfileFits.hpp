#pragma once
#include <functional>
#include <vector>

namespace coatkmc {

// A diffusivity fitted to a depth profile c(x) after time t, with its
// standard error from the fit's covariance (residual variance times
// (J^T J)^-1, so a profile that the model describes exactly has a small
// error and a misfit shows up as a large one).
struct ProfileFit {
  double D = 0;                // cm^2/s
  double D_err = 0;            // cm^2/s
  std::vector<double> params;  // model parameters (see each fit)
  std::vector<double> errors;  // their standard errors
  double rms_residual = 0;     // in units of c
  int points = 0;
};

// Thin-film (instantaneous plane) source at x = 0 into a half space:
//   c = M / sqrt(pi D t) exp(-x^2 / 4 D t).
// Weighted linear fit of ln c against x^2 over the points with
// c >= min_fraction * max(c), weights c^2 (equal absolute errors in c) or,
// with counting_noise, c (counts of tracers: variance proportional to c).
// params = {M (c times cm)}.
ProfileFit fit_thin_film(const std::vector<double>& x_cm, const std::vector<double>& c, double t,
                         double min_fraction = 1e-3, bool counting_noise = false);

// Constant surface concentration at x = 0: c = c_s erfc(x / 2 sqrt(D t)).
// Least squares in (c_s, sqrt(Dt)). params = {c_s, sqrt(Dt) cm}.
ProfileFit fit_constant_source(const std::vector<double>& x_cm, const std::vector<double>& c,
                               double t);

// A film of thickness h (0 < x < h, concentration c0, closed surface at 0)
// spreading into the half space: c = c0/2 [erf((h-x)/2s) + erf((h+x)/2s)],
// s = sqrt(D t). Least squares in (c0, s) with h given. params = {c0, s cm}.
ProfileFit fit_finite_film(const std::vector<double>& x_cm, const std::vector<double>& c, double t,
                           double h_cm);

// Boltzmann-Matano interdiffusion coefficient of a profile that falls
// monotonically from c_left (x small) to c_right, from an initial step:
//   D(c*) = -1/(2t) (dx/dc)|c* int_{c_right}^{c*} (x - x_M) dc,
// x_M the Matano plane. D_err compares the slope from the nearest points
// with a wider stencil (the discretisation error of dx/dc).
struct MatanoPoint {
  double c = 0, D = 0, D_err = 0, x_cm = 0;
};
std::vector<MatanoPoint> boltzmann_matano(const std::vector<double>& x_cm,
                                          const std::vector<double>& c, double t,
                                          const std::vector<double>& at_c);

// Depth below `origin_cm` of the deepest point where c reaches `limit`
// (linear interpolation between points; 0 when nothing beyond the origin does).
double penetration_depth(const std::vector<double>& x_cm, const std::vector<double>& c,
                         double origin_cm, double limit);

// Levenberg-Marquardt least squares of a model with a few parameters
// (numerical Jacobian); returns the parameters and their standard errors.
struct LeastSquaresResult {
  std::vector<double> params, errors;
  double rms_residual = 0;
};
LeastSquaresResult least_squares(
    const std::function<double(double x, const std::vector<double>& p)>& model,
    const std::vector<double>& x, const std::vector<double>& y, std::vector<double> start);

}  // namespace coatkmc
