#include "host/continuum/ProfileFits.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/PhysicalConstants.hpp"

namespace coatkmc {

LeastSquaresResult least_squares(
    const std::function<double(double, const std::vector<double>&)>& model,
    const std::vector<double>& x, const std::vector<double>& y, std::vector<double> p) {
  const int n = static_cast<int>(x.size()), m = static_cast<int>(p.size());
  if (n <= m) throw std::invalid_argument("least squares: more points than parameters needed");
  auto residuals = [&](const std::vector<double>& q) {
    Eigen::VectorXd r(n);
    for (int i = 0; i < n; ++i) r[i] = y[i] - model(x[i], q);
    return r;
  };
  auto jacobian = [&](const std::vector<double>& q) {
    Eigen::MatrixXd J(n, m);
    for (int k = 0; k < m; ++k) {
      const double h = 1e-7 * std::max(std::abs(q[k]), 1e-300);
      std::vector<double> up = q, dn = q;
      up[k] += h;
      dn[k] -= h;
      for (int i = 0; i < n; ++i) J(i, k) = (model(x[i], up) - model(x[i], dn)) / (2 * h);
    }
    return J;
  };
  Eigen::VectorXd r = residuals(p);
  double cost = r.squaredNorm(), lambda = 1e-3;
  for (int it = 0; it < 200; ++it) {
    const Eigen::MatrixXd J = jacobian(p);
    const Eigen::MatrixXd JtJ = J.transpose() * J;
    const Eigen::VectorXd g = J.transpose() * r;
    bool improved = false;
    for (int tries = 0; tries < 30 && !improved; ++tries) {
      Eigen::MatrixXd A = JtJ;
      for (int k = 0; k < m; ++k) A(k, k) *= (1 + lambda);
      const Eigen::VectorXd d = A.ldlt().solve(g);
      std::vector<double> q = p;
      for (int k = 0; k < m; ++k) q[k] += d[k];
      const Eigen::VectorXd rq = residuals(q);
      const double cq = rq.squaredNorm();
      if (std::isfinite(cq) && cq < cost) {
        const double rel = (cost - cq) / std::max(cost, 1e-300);
        p = q;
        r = rq;
        cost = cq;
        lambda = std::max(lambda * 0.3, 1e-12);
        improved = true;
        if (rel < 1e-14) it = 1000;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  const Eigen::MatrixXd J = jacobian(p);
  const double s2 = cost / (n - m);
  const Eigen::MatrixXd cov = (J.transpose() * J).inverse() * s2;
  LeastSquaresResult out;
  out.params = p;
  for (int k = 0; k < m; ++k) out.errors.push_back(std::sqrt(std::max(cov(k, k), 0.0)));
  out.rms_residual = std::sqrt(cost / n);
  return out;
}

ProfileFit fit_thin_film(const std::vector<double>& x, const std::vector<double>& c, double t,
                         double min_fraction, bool counting_noise) {
  if (x.size() != c.size() || !(t > 0)) throw std::invalid_argument("thin-film fit: bad input");
  const double peak = *std::max_element(c.begin(), c.end());
  double S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
  std::vector<double> u, v, w;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!(c[i] >= min_fraction * peak) || !(c[i] > 0)) continue;
    const double X = x[i] * x[i], Y = std::log(c[i]), W = counting_noise ? c[i] : c[i] * c[i];
    u.push_back(X);
    v.push_back(Y);
    w.push_back(W);
    S += W, Sx += W * X, Sy += W * Y, Sxx += W * X * X, Sxy += W * X * Y;
  }
  const int n = static_cast<int>(u.size());
  if (n < 3) throw std::invalid_argument("thin-film fit: fewer than 3 points above threshold");
  const double det = S * Sxx - Sx * Sx;
  const double slope = (S * Sxy - Sx * Sy) / det, icpt = (Sxx * Sy - Sx * Sxy) / det;
  double chi2 = 0;
  for (int i = 0; i < n; ++i) {
    const double res = v[i] - (icpt + slope * u[i]);
    chi2 += w[i] * res * res;
  }
  // Weights are relative: scale the covariance by the residual variance.
  const double s2 = chi2 / (n - 2);
  const double slope_err = std::sqrt(s2 * S / det), icpt_err = std::sqrt(s2 * Sxx / det);
  ProfileFit f;
  f.points = n;
  f.D = -1.0 / (4.0 * slope * t);
  f.D_err = std::abs(f.D) * slope_err / std::abs(slope);
  const double A = std::exp(icpt);
  const double M = A * std::sqrt(kPi * f.D * t);
  f.params = {M};
  f.errors = {M * std::hypot(icpt_err, 0.5 * slope_err / std::abs(slope))};
  double sq = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double r = c[i] - A * std::exp(slope * x[i] * x[i]);
    sq += r * r;
  }
  f.rms_residual = std::sqrt(sq / x.size());
  return f;
}

namespace {
ProfileFit from_sqrt_Dt(const LeastSquaresResult& r, double t, int points) {
  ProfileFit f;
  const double s = r.params[1], ds = r.errors[1];
  f.D = s * s / t;
  f.D_err = 2 * std::abs(s) * ds / t;
  f.params = r.params;
  f.errors = r.errors;
  f.rms_residual = r.rms_residual;
  f.points = points;
  return f;
}

// A first guess of sqrt(Dt): the depth where c falls to a fraction of its top value.
double width_guess(const std::vector<double>& x, const std::vector<double>& c, double from) {
  const double top = *std::max_element(c.begin(), c.end());
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i] > from && c[i] < 0.25 * top) return std::max(x[i] - from, 1e-12);
  return std::max(x.back() - from, 1e-12);
}
}  // namespace

ProfileFit fit_constant_source(const std::vector<double>& x, const std::vector<double>& c,
                               double t) {
  if (x.size() != c.size() || !(t > 0)) throw std::invalid_argument("erfc fit: bad input");
  auto model = [](double X, const std::vector<double>& p) {
    return p[0] * std::erfc(X / (2 * std::abs(p[1])));
  };
  const LeastSquaresResult r =
      least_squares(model, x, c, {*std::max_element(c.begin(), c.end()), width_guess(x, c, 0)});
  ProfileFit f = from_sqrt_Dt(r, t, static_cast<int>(x.size()));
  f.params[1] = std::abs(f.params[1]);
  return f;
}

ProfileFit fit_finite_film(const std::vector<double>& x, const std::vector<double>& c, double t,
                           double h) {
  if (x.size() != c.size() || !(t > 0) || !(h > 0))
    throw std::invalid_argument("finite-film fit: bad input");
  auto model = [h](double X, const std::vector<double>& p) {
    const double s2 = 2 * std::abs(p[1]);
    return 0.5 * p[0] * (std::erf((h - X) / s2) + std::erf((h + X) / s2));
  };
  // Start from the moments, which the model fixes exactly on an infinite
  // depth axis: M = c0 h and <x^2> = h^2/3 + 2 s^2.
  double M = 0, M2 = 0;
  for (size_t i = 0; i + 1 < x.size(); ++i) {
    const double w = 0.5 * (x[i + 1] - x[i]);
    M += w * (c[i] + c[i + 1]);
    M2 += w * (c[i] * x[i] * x[i] + c[i + 1] * x[i + 1] * x[i + 1]);
  }
  const double s2 = M > 0 ? 0.5 * (M2 / M - h * h / 3) : 0;
  const double s0 = s2 > 0 ? std::sqrt(s2) : width_guess(x, c, h);
  const LeastSquaresResult r = least_squares(model, x, c, {M > 0 ? M / h : 1.0, s0});
  ProfileFit f = from_sqrt_Dt(r, t, static_cast<int>(x.size()));
  f.params[1] = std::abs(f.params[1]);
  return f;
}

std::vector<MatanoPoint> boltzmann_matano(const std::vector<double>& x,
                                          const std::vector<double>& c, double t,
                                          const std::vector<double>& at_c) {
  const size_t n = x.size();
  if (n < 5 || c.size() != n || !(t > 0)) throw std::invalid_argument("Matano: bad input");
  const double cL = c.front(), cR = c.back();
  if (!(cL > cR)) throw std::invalid_argument("Matano: the profile must fall from left to right");
  // Matano plane: int (x - x_M) dc = 0 over the whole profile.
  double ixdc = 0;
  for (size_t i = 0; i + 1 < n; ++i) ixdc += 0.5 * (x[i] + x[i + 1]) * (c[i] - c[i + 1]);
  const double xM = ixdc / (cL - cR);
  std::vector<MatanoPoint> out;
  for (double cs : at_c) {
    if (!(cs < cL && cs > cR)) throw std::invalid_argument("Matano: c outside the profile");
    size_t k = 0;  // c[k] >= cs > c[k+1] searching from the right
    for (size_t i = n - 1; i-- > 0;)
      if (c[i] >= cs && c[i + 1] < cs) {
        k = i;
        break;
      }
    const double u = (c[k] - cs) / (c[k] - c[k + 1]);
    const double xs = x[k] + u * (x[k + 1] - x[k]);
    // int_{cR}^{cs} (x - xM) dc, from the right end up to the crossing.
    double I = 0;
    for (size_t i = n - 1; i > k + 1; --i) I += (0.5 * (x[i] + x[i - 1]) - xM) * (c[i - 1] - c[i]);
    I += (0.5 * (x[k + 1] + xs) - xM) * (cs - c[k + 1]);
    auto slope = [&](size_t w) {
      const size_t lo = k >= w - 1 ? k - (w - 1) : 0, hi = std::min(n - 1, k + 1 + (w - 1));
      return (x[hi] - x[lo]) / (c[hi] - c[lo]);
    };
    const double d1 = slope(1), d2 = slope(2);
    MatanoPoint p;
    p.c = cs;
    p.x_cm = xs;
    p.D = -d1 * I / (2 * t);
    p.D_err = std::abs(p.D - (-d2 * I / (2 * t)));
    out.push_back(p);
  }
  return out;
}

double penetration_depth(const std::vector<double>& x, const std::vector<double>& c, double origin,
                         double limit) {
  for (size_t i = x.size(); i-- > 0;) {
    if (x[i] <= origin) break;
    if (c[i] >= limit) {
      double xc = x[i];
      if (i + 1 < x.size() && c[i] > c[i + 1])
        xc = x[i] + (c[i] - limit) / (c[i] - c[i + 1]) * (x[i + 1] - x[i]);
      return std::max(0.0, xc - origin);
    }
  }
  return 0.0;
}

}  // namespace coatkmc
