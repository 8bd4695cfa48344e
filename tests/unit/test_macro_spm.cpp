// The single-particle model: the implicit sphere-diffusion solver against
// Crank's constant-flux solution, charge balance, and the model's limits.
#include <gtest/gtest.h>

#include <cmath>

#include "host/macro/OcvTable.hpp"
#include "host/macro/PhysicalConstants.hpp"
#include "host/macro/SingleParticleModel.hpp"
#include "host/macro/SphereDiffusion.hpp"

using namespace coatkmc::macro;

namespace {

// Crank, The Mathematics of Diffusion (2nd ed.), eq. 6.45 (Carslaw & Jaeger
// 9.3): a sphere of radius a, initially at 0, with constant flux F into it,
//   c = (F a / D) [3 D t / a^2 + r^2 / (2 a^2) - 3/10
//        - (2 a / r) sum_n sin(l_n r / a) exp(-l_n^2 D t / a^2) / (l_n^2 sin l_n)],
// l_n the positive roots of l cot l = 1 (tan l = l).
double crank_sphere(double r, double t, double a, double d, double flux) {
  double sum = 0;
  for (int n = 1; n <= 400; ++n) {
    // Root of tan l = l in (n pi, n pi + pi/2), by Newton from the upper end.
    double l = (n + 0.5) * kPi - 1.0 / ((n + 0.5) * kPi);
    for (int it = 0; it < 50; ++it) {
      const double g = std::tan(l) - l;
      const double dg = 1.0 / (std::cos(l) * std::cos(l)) - 1.0;
      const double step = g / dg;
      l -= step;
      if (std::fabs(step) < 1e-15 * l) break;
    }
    const double e = std::exp(-l * l * d * t / (a * a));
    const double term = (r > 0 ? (a / r) * std::sin(l * r / a) : l) * e / (l * l * std::sin(l));
    sum += term;
    if (e < 1e-30) break;
  }
  return flux * a / d * (3 * d * t / (a * a) + r * r / (2 * a * a) - 0.3 - 2 * sum);
}

double surface_error(int shells, int steps, double t_end, bool euler) {
  const double a = 2e-4, d = 1e-10, flux = 1e-9;
  SphereDiffusion s(a, d, shells, 0.0);
  const double dt = t_end / steps;
  for (int k = 0; k < steps; ++k) {
    if (euler) {
      s.euler_response(dt);
      s.euler_commit(flux);
    } else {
      s.step(dt, flux);
    }
  }
  return std::fabs(s.surface_value() - crank_sphere(a, t_end, a, d, flux));
}

SpmCell test_cell() {
  SpmCell c;
  c.ocv = OcvTable::builtin("NMC532");
  c.radius_cm = 2e-4;
  c.diffusivity_cm2_s = 5e-10;
  c.density_g_cm3 = 4.75;
  c.kinetics.exchange_current = 1e-3;
  c.loading_g_cm2 = 8e-3;
  return c;
}

CycleProtocol test_protocol(double rate) {
  CycleProtocol p;
  p.c_rate = rate;
  p.one_c_mAh_g = 160;
  p.v_min = 3.0;
  p.v_max = 4.3;
  return p;
}

}  // namespace

TEST(MacroSphereDiffusion, AnalyticSolutionItself) {
  // The series above conserves mass: mean = 3 F t / a exactly.
  const double a = 2e-4, d = 1e-10, f = 1e-9, t = 200;
  double mean = 0;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    const double r = (i + 0.5) * a / n;
    mean += crank_sphere(r, t, a, d, f) * 3 * r * r / (a * a * a) * (a / n);
  }
  EXPECT_NEAR(mean / (3 * f * t / a), 1.0, 1e-5);
}

TEST(MacroSphereDiffusion, ConvergesToCrankSolutionAtSecondOrder) {
  // t = 0.1 a^2/D: the surface has risen well above the mean; BDF2 in time and
  // cell-centred volumes in space are both second order, so halving dr and dt
  // together divides the error by ~4. Measured ratios 4.00; require > 3.
  const double t = 0.1 * 4e-8 / 1e-10;
  const double e1 = surface_error(20, 50, t, false);
  const double e2 = surface_error(40, 100, t, false);
  const double e3 = surface_error(80, 200, t, false);
  EXPECT_GT(e1 / e2, 3.0);
  EXPECT_GT(e2 / e3, 3.0);
  // ... and the finest is accurate to 1.1e-4 of the surface value (allow 1e-3).
  EXPECT_LT(e3 / crank_sphere(2e-4, t, 2e-4, 1e-10, 1e-9), 1e-3);
}

TEST(MacroSphereDiffusion, BackwardEulerPathConvergesAtFirstOrderInTime) {
  // The parallel-particle path takes backward-Euler steps: first order in dt.
  // With fine shells, halving dt halves the error (measured 2.02-2.05; require > 1.7).
  const double t = 0.1 * 4e-8 / 1e-10;
  const double e1 = surface_error(160, 25, t, true);
  const double e2 = surface_error(160, 50, t, true);
  const double e3 = surface_error(160, 100, t, true);
  EXPECT_GT(e1 / e2, 1.7);
  EXPECT_GT(e2 / e3, 1.7);
}

TEST(MacroSphereDiffusion, ContentChangesExactlyByTheSurfaceFlux) {
  const double a = 2e-4, d = 3e-10;
  SphereDiffusion s(a, d, 25, 0.4);
  const double volume = 4.0 / 3.0 * kPi * a * a * a, area = 4 * kPi * a * a;
  double expected = 0.4 * volume;
  // Flux changes (BDF2 restarts), both solver paths.
  const double fluxes[] = {2e-9, 2e-9, -1e-9, 5e-9, 5e-9, 5e-9};
  for (int k = 0; k < 6; ++k) {
    if (k == 3) {
      s.euler_response(7.0);
      s.euler_commit(fluxes[k]);
    } else {
      s.step(7.0, fluxes[k]);
    }
    expected += fluxes[k] * area * 7.0;
  }
  EXPECT_NEAR(s.mean() * volume / expected, 1.0, 1e-13);
}

TEST(MacroSpm, ZeroResistanceAndFastDiffusionGiveTheFullCapacity) {
  SpmCell c = test_cell();
  c.diffusivity_cm2_s = 1e-4;       // tau = a^2/D = 4e-4 s: diffusion is instant
  c.kinetics.exchange_current = 0;  // no kinetic loss
  for (bool charge_first : {true, false}) {
    CycleProtocol p = test_protocol(1.0);
    p.charge_first = charge_first;
    const CycleResult r = run_cycle(c, p);
    const double full = equilibrium_capacity(c, p);
    // Left: the cut-off interpolation within one step, at most one step
    // (160/2000 = 0.08 mAh/g); measured 0.027 and 0.001 mAh/g.
    EXPECT_NEAR(r.discharge.capacity_mAh_g, full, 0.08);
    EXPECT_GT(full, 160.0);  // 3.0-4.3 V of the NMC532 table holds ~165 mAh/g
    if (charge_first) EXPECT_NEAR(r.charge.capacity_mAh_g, full, 0.08);
  }
}

TEST(MacroSpm, ChargeBalanceHolds) {
  for (int classes : {1, 5}) {
    SpmCell c = test_cell();
    c.surface_resistance = 2000;
    if (classes > 1) c.classes = lognormal_classes(1.0, classes);
    const CycleResult r = run_cycle(c, test_protocol(2.0));
    // Lithium in the particles against charge counted from the current: exact
    // to round-off in both solver paths (a few thousand steps of ~1e-16).
    EXPECT_LT(std::fabs(r.charge_balance_error_mAh_g), 1e-9) << classes << " classes";
    EXPECT_GT(r.discharge.capacity_mAh_g, 0.0);
  }
}

TEST(MacroSpm, OhmicDropShiftsTheCutOffAsExpected) {
  // Fast diffusion, no kinetics, a surface resistance R: V = U(x) - i R, so a
  // discharge from full charge ends where U(x) = v_min + i R.
  SpmCell c = test_cell();
  c.diffusivity_cm2_s = 1e-4;
  c.kinetics.exchange_current = 0;
  c.surface_resistance = 3000;  // Ohm cm^2 of particle surface
  CycleProtocol p = test_protocol(1.0);
  p.charge_first = false;
  const CycleResult r = run_cycle(c, p);
  const double drop = r.surface_current_A_cm2 * c.surface_resistance;
  EXPECT_NEAR(-r.eta_ohmic_surface, drop, 1e-15);
  const double x0 = c.ocv.stoichiometry(p.v_max);
  const double x1 = c.ocv.stoichiometry(p.v_min + drop);
  // Measured 1e-5 mAh/g (the cut-off interpolation on a nearly linear curve).
  EXPECT_NEAR(r.discharge.capacity_mAh_g, c.ocv.capacity_mAh_g() * (x1 - x0), 0.01);
}

TEST(MacroSpm, ParallelClassesShareTheCurrentLikeResistors) {
  // Two equal-mass classes with R and 3R, no kinetics: at the start (uniform
  // particles) they act as one particle with 1 / (0.5/R + 0.5/(3R)) = 1.5 R.
  SpmCell two = test_cell();
  two.kinetics.exchange_current = 0;
  two.surface_resistance = 1000;
  two.classes = {{0.5, 1.0}, {0.5, 3.0}};
  SpmCell one = two;
  one.classes.clear();
  one.surface_resistance = 1500;
  CycleProtocol p = test_protocol(1.0);
  p.charge_first = false;
  const CycleResult a = run_cycle(two, p), b = run_cycle(one, p);
  EXPECT_NEAR(a.discharge.curve.front().voltage, b.discharge.curve.front().voltage, 1e-9);
  // Identical classes are one particle. The two solver paths (backward Euler
  // for parallel classes, BDF2 for one) differ only in the start-up
  // transient: once the profile rises linearly in time both integrate it
  // exactly. Measured 1e-10 mAh/g; allow 1e-6.
  SpmCell same = one;
  same.classes = {{0.25, 1.0}, {0.75, 1.0}};
  EXPECT_NEAR(run_cycle(same, p).discharge.capacity_mAh_g, b.discharge.capacity_mAh_g, 1e-6);
  // lognormal_classes: equal mass, normalized to a parallel resistance of 1.
  const auto cl = lognormal_classes(1.5, 16);
  double w = 0, inv = 0;
  for (const auto& k : cl) w += k.weight, inv += k.weight / k.resistance_factor;
  EXPECT_NEAR(w, 1.0, 1e-12);
  EXPECT_NEAR(inv, 1.0, 1e-12);
}

TEST(MacroSpm, SlowDiffusionCostsCapacityAtHighRate) {
  // With D so low that a^2/D is ten times the 1C discharge time, the surface
  // saturates early: far below the full capacity at 1C, close to it at 0.02C.
  SpmCell c = test_cell();
  c.diffusivity_cm2_s = 4e-8 / 36000.0;
  c.kinetics.exchange_current = 0;
  CycleProtocol fast = test_protocol(1.0), slow = test_protocol(0.02);
  fast.charge_first = slow.charge_first = false;
  const double full = equilibrium_capacity(c, fast);
  EXPECT_LT(run_cycle(c, fast).discharge.capacity_mAh_g, 0.5 * full);
  EXPECT_GT(run_cycle(c, slow).discharge.capacity_mAh_g, 0.9 * full);
}

TEST(MacroOcvTable, BuiltInTablesAreMonotoneAndInvertible) {
  for (const auto& name : OcvTable::builtin_names()) {
    const OcvTable t = OcvTable::builtin(name);
    for (double x = t.x_min(); x <= t.x_max(); x += 0.013)
      EXPECT_NEAR(t.stoichiometry(t.voltage(x)), x, 1e-9) << name;
  }
  EXPECT_THROW(OcvTable("bad", {0, 0.5, 1}, {4.0, 4.1, 3.0}, 100, "test"), std::invalid_argument);
}
