#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "kernels/CounterRng.hpp"
#include "kernels/PortableLog.hpp"

using coatkmc::CounterRng;
using coatkmc::PortableLog;

namespace {

// Distance in units in the last place between two positive-or-negative doubles
// of the same sign.
double ulps(double a, double b) {
  if (a == b) return 0;
  const double scale = std::fabs(std::nextafter(b, 2 * b) - b);
  return std::fabs(a - b) / scale;
}

// The walkers' clock uses PortableLog so that host and device agree bit for
// bit; it must still be as accurate as the C library (fdlibm: below 1 ulp).
TEST(PortableLog, WithinOneUlpOfLibmOnTheDrawsItServes) {
  double worst = 0;
  for (uint32_t i = 0; i < 500000; ++i) {
    const auto w = CounterRng::words(11, 99, 0, 0, i);
    const double u = CounterRng::uniform_open_zero(w[0], w[1]);
    worst = std::max(worst, ulps(PortableLog::log(u), std::log(u)));
  }
  EXPECT_LE(worst, 1.0);
}

TEST(PortableLog, WithinOneUlpAcrossExponentsNearOneAndSubnormals) {
  std::mt19937_64 g(5);
  double worst = 0;
  for (int i = 0; i < 300000; ++i) {
    const double mant = 1.0 + static_cast<double>(g() >> 11) * 0x1.0p-53;
    const int e = static_cast<int>(g() % 2100) - 1074;  // includes the subnormal range
    const double x = std::ldexp(mant, e);
    if (!(x > 0) || !std::isfinite(x)) continue;
    worst = std::max(worst, ulps(PortableLog::log(x), std::log(x)));
    const double near1 = 1.0 + (static_cast<double>(g() >> 11) * 0x1.0p-53 - 0.5) * 1e-6;
    worst = std::max(worst, ulps(PortableLog::log(near1), std::log(near1)));
  }
  EXPECT_LE(worst, 1.0);
}

TEST(PortableLog, ExactValues) {
  EXPECT_EQ(PortableLog::log(1.0), 0.0);
  EXPECT_EQ(PortableLog::log(2.0), std::log(2.0));
  EXPECT_EQ(PortableLog::log(0.5), -std::log(2.0));
  // The smallest open-zero draw, 2^-53: -53 ln 2.
  EXPECT_NEAR(PortableLog::log(0x1.0p-53), -53 * std::log(2.0), 1e-13);
}

}  // namespace
