// Profile fits recover D from exact analytic profiles and from solver
// profiles, with errors that cover the misfit.
#include <gtest/gtest.h>

#include <cmath>

#include "host/continuum/MultilayerDiffusion.hpp"
#include "host/continuum/ProfileFits.hpp"

namespace coatkmc {
namespace {

constexpr double kNm = 1e-7;

std::vector<double> grid(double to, int n) {
  std::vector<double> x;
  for (int i = 0; i < n; ++i) x.push_back(to * (i + 0.5) / n);
  return x;
}

TEST(ProfileFits, ThinFilmGaussianExact) {
  const double D = 3e-15, t = 1000, M = 2 * kNm;
  const std::vector<double> x = grid(200 * kNm, 400);
  std::vector<double> c;
  for (double X : x) c.push_back(M / std::sqrt(M_PI * D * t) * std::exp(-X * X / (4 * D * t)));
  const ProfileFit f = fit_thin_film(x, c, t);
  EXPECT_NEAR(f.D / D, 1.0, 1e-9);
  EXPECT_NEAR(f.params[0] / M, 1.0, 1e-9);
}

TEST(ProfileFits, ConstantSourceAndFiniteFilmExact) {
  const double D = 5e-16, t = 3600, h = 4.5 * kNm, s = std::sqrt(D * t);
  const std::vector<double> x = grid(150 * kNm, 300);
  std::vector<double> ce, cf;
  for (double X : x) {
    ce.push_back(0.3 * std::erfc(X / (2 * s)));
    cf.push_back(0.5 * (std::erf((h - X) / (2 * s)) + std::erf((h + X) / (2 * s))));
  }
  const ProfileFit e = fit_constant_source(x, ce, t);
  EXPECT_NEAR(e.D / D, 1.0, 1e-6);
  EXPECT_NEAR(e.params[0], 0.3, 1e-6);
  const ProfileFit f = fit_finite_film(x, cf, t, h);
  EXPECT_NEAR(f.D / D, 1.0, 1e-6);
  EXPECT_NEAR(f.params[0], 1.0, 1e-6);
}

// Noise of known size: the fitted D lies within 4 of its standard errors of
// the truth, and the standard error is of the size the noise implies.
TEST(ProfileFits, ErfcFitErrorCoversNoise) {
  const double D = 1e-15, t = 1000, s = std::sqrt(D * t), sigma = 0.005;
  const std::vector<double> x = grid(60 * kNm, 200);
  std::vector<double> c;
  uint64_t state = 12345;  // fixed-seed LCG + Box-Muller: a deterministic noise draw
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((state >> 11) + 0.5) / 9007199254740992.0;
  };
  for (double X : x) {
    const double g = std::sqrt(-2 * std::log(uniform())) * std::cos(2 * M_PI * uniform());
    c.push_back(std::erfc(X / (2 * s)) + sigma * g);
  }
  const ProfileFit f = fit_constant_source(x, c, t);
  EXPECT_GT(f.D_err, 0);
  EXPECT_LT(std::abs(f.D - D), 4 * f.D_err);
  EXPECT_LT(f.D_err / D, 0.05);  // 200 points at 0.5% noise pin D to about 1%
  EXPECT_NEAR(f.rms_residual, sigma, 0.2 * sigma);
}

// Boltzmann-Matano recovers a constant D from a diffusion-couple profile and
// a concentration-dependent D(c) = D0 exp(3c) from a solver profile.
TEST(ProfileFits, BoltzmannMatanoConstantAndVariableD) {
  const double t = 3600;
  {
    const double D = 1e-15;
    MultilayerDiffusion s({{"A", 400 * kNm, 800, 1.0, LayerDiffusivity::arrhenius(D, 0), 1.0},
                           {"B", 400 * kNm, 800, 0.0, LayerDiffusivity::arrhenius(D, 0), 1.0}},
                          {});
    s.hold(800, t);
    for (const MatanoPoint& p :
         boltzmann_matano(s.centres_cm(), s.concentration(), t, {0.2, 0.5, 0.8}))
      EXPECT_NEAR(p.D / D, 1.0, 0.01) << "c = " << p.c;
  }
  {
    std::vector<double> cs, T = {700, 900};
    std::vector<std::vector<double>> rows;
    for (int j = 0; j <= 20; ++j) {
      const double c = j / 20.0;
      cs.push_back(c);
      rows.push_back({1e-16 * std::exp(3 * c), 1e-16 * std::exp(3 * c)});
    }
    const auto Dc = LayerDiffusivity::table(cs, T, rows);
    MultilayerDiffusion s(
        {{"A", 400 * kNm, 800, 1.0, Dc, 1.0}, {"B", 400 * kNm, 800, 0.0, Dc, 1.0}}, {});
    s.hold(800, t);
    for (const MatanoPoint& p :
         boltzmann_matano(s.centres_cm(), s.concentration(), t, {0.2, 0.4, 0.6, 0.8})) {
      const double exact = 1e-16 * std::exp(3 * p.c);
      // The table interpolates ln D linearly between c points 0.05 apart (exact for
      // an exponential); what remains is the discretisation of dx/dc and the integral.
      EXPECT_NEAR(p.D / exact, 1.0, 0.03) << "c = " << p.c;
    }
  }
}

TEST(ProfileFits, PenetrationDepthAtDetectionLimit) {
  const std::vector<double> x = {0.5, 1.5, 2.5, 3.5, 4.5};
  const std::vector<double> c = {1.0, 0.5, 0.1, 0.02, 0.0};
  // Crossing of 0.01 between 3.5 (0.02) and 4.5 (0): at 4.0; measured from 1.0.
  EXPECT_DOUBLE_EQ(penetration_depth(x, c, 1.0, 0.01), 3.0);
  EXPECT_DOUBLE_EQ(penetration_depth(x, c, 1.0, 2.0), 0.0);
}

}  // namespace
}  // namespace coatkmc
