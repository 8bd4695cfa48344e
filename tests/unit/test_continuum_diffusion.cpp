// The 1D finite-volume diffusion solver against Crank's analytic solutions,
// and its mass balance to round-off.
#include <gtest/gtest.h>

#include <cmath>

#include "host/continuum/MultilayerDiffusion.hpp"

namespace coatkmc {
namespace {

constexpr double kNm = 1e-7;  // cm

double max_abs_error(const MultilayerDiffusion& s, const std::function<double(double)>& exact,
                     double x_max) {
  double err = 0;
  for (size_t i = 0; i < s.centres_cm().size(); ++i)
    if (s.centres_cm()[i] < x_max)
      err = std::max(err, std::abs(s.concentration()[i] - exact(s.centres_cm()[i])));
  return err;
}

// A 10 nm film at a closed surface spreading into a half space with the same
// D: the exact solution is the finite-film profile of Crank (eq. 2.15, mirrored).
TEST(ContinuumDiffusion, FiniteFilmMatchesCrank) {
  const double D = 1e-15, t = 3600, h = 10 * kNm;
  MultilayerDiffusion s(
      {{"film", h, 40, 1.0, LayerDiffusivity::arrhenius(D, 0), 1.0},
       {"substrate", 1000 * kNm, 1000, 0.0, LayerDiffusivity::arrhenius(D, 0), 1.0}},
      {});
  s.hold(1000, t);
  const double w = 2 * std::sqrt(D * t);  // 38 nm
  auto exact = [&](double x) { return 0.5 * (std::erf((h - x) / w) + std::erf((h + x) / w)); };
  // Cells of 0.25 and 1 nm: second order in space gives errors ~ (dx/w)^2 ~ 1e-3.
  EXPECT_LT(max_abs_error(s, exact, 400 * kNm), 2e-3);
}

// Long after the film is thin against sqrt(Dt), the profile is the thin-film
// Gaussian M / sqrt(pi D t) exp(-x^2/4Dt) (the closed surface doubles it: M is the whole film).
TEST(ContinuumDiffusion, ThinFilmGaussianLimit) {
  const double D = 1e-14, t = 7200, h = 1 * kNm;
  MultilayerDiffusion s(
      {{"film", h, 4, 1.0, LayerDiffusivity::arrhenius(D, 0), 1.0},
       {"substrate", 3000 * kNm, 1500, 0.0, LayerDiffusivity::arrhenius(D, 0), 1.0}},
      {});
  s.hold(900, t);
  const double M = h;
  auto gauss = [&](double x) {
    return M / std::sqrt(M_PI * D * t) * std::exp(-x * x / (4 * D * t));
  };
  const double peak = gauss(0);  // 0.0105
  // The film's finite width shifts the profile by ~ (h/sqrt(Dt))^2 / 12 relative = 1e-4.
  EXPECT_LT(max_abs_error(s, gauss, 2000 * kNm) / peak, 2e-3);
}

// Constant surface concentration (fixed top boundary): c_s erfc(x / 2 sqrt(Dt)).
TEST(ContinuumDiffusion, ConstantSourceErfc) {
  const double D = 2e-15, t = 1800;
  DiffusionSettings set;
  set.top = {true, 0.8};
  MultilayerDiffusion s(
      {{"substrate", 500 * kNm, 1000, 0.0, LayerDiffusivity::arrhenius(D, 0), 1.0}}, set);
  s.hold(800, t);
  auto exact = [&](double x) { return 0.8 * std::erfc(x / (2 * std::sqrt(D * t))); };
  EXPECT_LT(max_abs_error(s, exact, 300 * kNm), 2e-3);
}

// Two half spaces with different D and a partition coefficient K at the
// interface, initially c0 on the left: the interface value on the left is
// c0 / (1 + K sqrt(D2/D1)) at all times (Crank 2.5 generalised), and both sides are erf profiles.
TEST(ContinuumDiffusion, InterfaceWithPartitionAndDiffusivityContrast) {
  const double D1 = 4e-15, D2 = 1e-15, K = 2.0, t = 3600, c0 = 1.0;
  MultilayerDiffusion s({{"left", 800 * kNm, 1600, c0, LayerDiffusivity::arrhenius(D1, 0), K},
                         {"right", 800 * kNm, 1600, 0.0, LayerDiffusivity::arrhenius(D2, 0), 1.0}},
                        {});
  s.hold(700, t);
  const double A = c0 / (1 + K * std::sqrt(D2 / D1));  // c at the interface, left side
  const double xi = 800 * kNm;
  auto exact = [&](double x) {
    if (x < xi)
      return A - K * A * std::sqrt(D2 / D1) * std::erf((x - xi) / (2 * std::sqrt(D1 * t)));
    return K * A * (1 - std::erf((x - xi) / (2 * std::sqrt(D2 * t))));
  };
  EXPECT_LT(max_abs_error(s, exact, 1600 * kNm), 3e-3);
}

// Closed stack, c-dependent D from a table, three layers with partition
// coefficients, a ramp-hold-cool schedule: the amount changes only by round-off.
TEST(ContinuumDiffusion, MassConservedToRoundOff) {
  const auto Dc = LayerDiffusivity::table(
      {0.0, 0.5, 1.0}, {500, 800, 1100},
      {{1e-20, 1e-16, 1e-14}, {1e-19, 1e-15, 1e-13}, {1e-18, 1e-14, 1e-12}});
  MultilayerDiffusion s({{"coat", 20 * kNm, 40, 1.0, Dc, 0.5},
                         {"mid", 50 * kNm, 50, 0.1, LayerDiffusivity::arrhenius(1e-3, 2.0), 3.0},
                         {"bulk", 500 * kNm, 250, 0.0, Dc, 1.0}},
                        {});
  const double before = s.total_amount();
  s.run(AnnealSchedule::ramp_hold_cool(300, 1000, 1800, 10.0 / 60));
  const double after = s.total_amount();
  // Each of ~1200 steps adds a few ulps of the amount; the profile has moved far.
  EXPECT_LT(std::abs(after - before) / before, 1e-12);
  EXPECT_LT(s.layer_amount(0) / s.layers()[0].thickness_cm, 0.9);
}

// A ramp carries the diffusion of int D(T(t)) dt: a linear ramp of an
// Arrhenius D gives the same profile as a hold of the equivalent duration.
TEST(ContinuumDiffusion, RampEquivalentToHoldOfSameIntegral) {
  const auto D = LayerDiffusivity::arrhenius(1e-2, 2.5);
  const double T0 = 600, T1 = 1000, rate = 10.0 / 60;
  const AnnealSchedule ramp({{(T1 - T0) / rate, T0, T1}});
  // int D dt by fine Simpson.
  const int n = 20000;
  const double dur = (T1 - T0) / rate;
  double I = 0;
  for (int k = 0; k <= n; ++k) {
    const double w = (k == 0 || k == n) ? 1 : (k % 2 ? 4 : 2);
    I += w * D(0, T0 + (T1 - T0) * k / n);
  }
  I *= dur / n / 3;
  auto stack = [&] {
    return MultilayerDiffusion(
        {{"film", 5 * kNm, 25, 1.0, D, 1.0}, {"bulk", 300 * kNm, 600, 0.0, D, 1.0}}, {});
  };
  MultilayerDiffusion a = stack(), b = stack();
  a.run(ramp);
  b.hold(T1, I / D(0, T1));
  double diff = 0;
  for (size_t i = 0; i < a.concentration().size(); ++i)
    diff = std::max(diff, std::abs(a.concentration()[i] - b.concentration()[i]));
  EXPECT_LT(diff, 2e-3);
}

// The tridiagonal sweep and Eigen's SparseLU solve the same systems.
TEST(ContinuumDiffusion, TridiagonalSweepAgreesWithSparseLU) {
  auto stack = [](bool lu) {
    DiffusionSettings set;
    set.sparse_lu = lu;
    set.steps_per_segment = 50;
    return MultilayerDiffusion(
        {{"coat", 10 * kNm, 20, 1.0, LayerDiffusivity::arrhenius(1e-3, 2.0), 0.3},
         {"bulk", 200 * kNm, 200, 0.0, LayerDiffusivity::arrhenius(1e-2, 2.2), 1.0}},
        set);
  };
  MultilayerDiffusion a = stack(false), b = stack(true);
  a.run(AnnealSchedule::ramp_hold_cool(300, 1000, 600, 1.0));
  b.run(AnnealSchedule::ramp_hold_cool(300, 1000, 600, 1.0));
  for (size_t i = 0; i < a.concentration().size(); ++i)
    EXPECT_NEAR(a.concentration()[i], b.concentration()[i], 1e-12);
}

}  // namespace
}  // namespace coatkmc
