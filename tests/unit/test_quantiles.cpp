#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
