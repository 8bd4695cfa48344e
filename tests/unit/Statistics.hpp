#pragma once
// Small statistics helpers for tests that compare observed frequencies with
// probabilities: the chi-square statistic and its upper-tail p-value.
//
// gamma_q is written again here on purpose, independently of the production
// host/analysis/Quantiles.cpp (gamma_p, the CDF its chi-square quantiles
// invert): the p-values that judge the samplers (test_rng, test_bkl_solver,
// test_sum_tree) must not depend on the code of the result's error bars, and
// the two implementations check each other (test_quantiles.cpp,
// IndependentGammaFunctionsAgree: Q + P = 1).
#include <cmath>
#include <limits>
#include <vector>

namespace coatkmc_test {

// Regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a):
// a series below x = a + 1, a continued fraction (modified Lentz) above it.
inline double gamma_q(double a, double x) {
  if (x <= 0) return 1.0;
  const double log_prefactor = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 10000 && std::fabs(term) > std::fabs(sum) * 1e-16; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return 1.0 - sum * std::exp(log_prefactor);
  }
  const double tiny = std::numeric_limits<double>::min() / std::numeric_limits<double>::epsilon();
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-16) break;
  }
  return h * std::exp(log_prefactor);
}

// P(X >= chi2) for X chi-square distributed with `dof` degrees of freedom.
inline double chi_square_p_value(double chi2, double dof) {
  return gamma_q(0.5 * dof, 0.5 * chi2);
}

// Pearson's statistic sum (observed - expected)^2 / expected over the cells with expected > 0.
inline double chi_square(const std::vector<double>& observed, const std::vector<double>& expected) {
  double chi2 = 0;
  for (size_t i = 0; i < observed.size(); ++i)
    if (expected[i] > 0)
      chi2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  return chi2;
}

// The p-value below which a frequency test fails. With a fixed seed each test
// is deterministic; a correct sampler passes a given seed with probability
// 1 - 1e-4, a biased one fails as soon as its bias exceeds the noise.
constexpr double kMinPValue = 1e-4;

}  // namespace coatkmc_test
