#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "Statistics.hpp"
#include "host/analysis/Quantiles.hpp"

using namespace coatkmc;

// Table values (Abramowitz and Stegun, tables 26.7 and 26.8; 5 significant digits).
TEST(Quantiles, ChiSquareMatchesTables) {
  EXPECT_NEAR(chi_square_quantile(0.975, 10), 20.483, 1e-3);
  EXPECT_NEAR(chi_square_quantile(0.025, 10), 3.2470, 1e-4);
  EXPECT_NEAR(chi_square_quantile(0.975, 1), 5.0239, 1e-4);
  EXPECT_NEAR(chi_square_quantile(0.025, 30), 16.791, 1e-3);
  EXPECT_NEAR(chi_square_quantile(0.5, 2), 2 * std::log(2.0), 1e-10);  // exponential median
  // Fractional dof interpolate between integers.
  const double q = chi_square_quantile(0.975, 10.5);
  EXPECT_GT(q, 20.483);
  EXPECT_LT(q, 21.920);
}

TEST(Quantiles, StudentTMatchesTables) {
  EXPECT_NEAR(student_t_quantile(0.975, 9), 2.2622, 1e-4);
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.0423, 1e-4);
  EXPECT_NEAR(student_t_quantile(0.025, 9), -2.2622, 1e-4);
  EXPECT_NEAR(student_t_quantile(0.975, std::numeric_limits<double>::infinity()), 1.959964, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.84134, 1e6), 1.0, 1e-4);
}

TEST(Quantiles, RejectsBadArguments) {
  EXPECT_THROW(chi_square_quantile(0.0, 3), std::invalid_argument);
  EXPECT_THROW(chi_square_quantile(0.5, 0), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(1.0, 3), std::invalid_argument);
}

// The production regularized gamma P (Quantiles.cpp) and the tests' own
// independent Q (Statistics.hpp, which judges the samplers) are complements:
// series and continued-fraction branches of both, small and large a.
TEST(Quantiles, IndependentGammaFunctionsAgree) {
  for (double a : {0.5, 1.0, 2.5, 4.5, 10.0, 49.5, 200.0})
    for (double x_over_a : {0.05, 0.3, 0.9, 1.0, 1.2, 2.0, 4.0}) {
      const double x = a * x_over_a;
      EXPECT_NEAR(gamma_p(a, x) + coatkmc_test::gamma_q(a, x), 1.0, 1e-12)
          << "a " << a << " x " << x;
    }
  // Exact values: P(1, x) = 1 - exp(-x), Q(0.5, x) = erfc(sqrt(x)).
  EXPECT_NEAR(gamma_p(1.0, 2.0), 1 - std::exp(-2.0), 1e-14);
  EXPECT_NEAR(coatkmc_test::gamma_q(0.5, 3.0), std::erfc(std::sqrt(3.0)), 1e-14);
}
