#include "host/analysis/Quantiles.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace coatkmc {

namespace {
constexpr double kTiny = 1e-300;
constexpr double kEps = 1e-15;

// Continued fraction of the incomplete beta function (modified Lentz).
double beta_fraction(double x, double a, double b) {
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m < 10000; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

// Inverts a continuous increasing CDF on [lo, hi] by bisection (monotone and
// robust; 200 halvings reach double precision from any bracket used here).
template <class F>
double invert(F cdf, double p, double lo, double hi) {
  for (int i = 0; i < 200 && hi - lo > 1e-14 * std::fabs(hi) + kTiny; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}
}  // namespace

double gamma_p(double a, double x) {
  if (!(x > 0)) return 0.0;
  const double log_prefactor = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {  // series
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 100000 && std::fabs(term) > std::fabs(sum) * kEps; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return sum * std::exp(log_prefactor);
  }
  // continued fraction for Q(a, x) (modified Lentz)
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return 1.0 - h * std::exp(log_prefactor);
}

double beta_i(double x, double a, double b) {
  if (x <= 0) return 0.0;
  if (x >= 1) return 1.0;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
               b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(x, a, b) / a;
  return 1.0 - front * beta_fraction(1 - x, b, a) / b;
}

double chi_square_quantile(double p, double nu) {
  if (!(p > 0 && p < 1) || !(nu > 0))
    throw std::invalid_argument("chi_square_quantile: needs 0 < p < 1 and nu > 0");
  double hi = nu + 10 * std::sqrt(2 * nu) + 50;
  while (gamma_p(0.5 * nu, 0.5 * hi) < p) hi *= 2;
  return invert([&](double x) { return gamma_p(0.5 * nu, 0.5 * x); }, p, 0.0, hi);
}

double student_t_quantile(double p, double nu) {
  if (!(p > 0 && p < 1) || !(nu > 0))
    throw std::invalid_argument("student_t_quantile: needs 0 < p < 1 and nu > 0");
  if (std::isinf(nu)) {
    // Normal quantile: invert the CDF 0.5 erfc(-z / sqrt 2).
    return invert([](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }, p, -40.0, 40.0);
  }
  const auto cdf = [nu](double t) {
    const double tail = 0.5 * beta_i(nu / (nu + t * t), 0.5 * nu, 0.5);
    return t >= 0 ? 1.0 - tail : tail;
  };
  double hi = 10;
  while (cdf(hi) < p) hi *= 2;
  double lo = -10;
  while (cdf(lo) > p) lo *= 2;
  return invert(cdf, p, lo, hi);
}

}  // namespace coatkmc
