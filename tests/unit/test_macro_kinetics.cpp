// Butler-Volmer kinetics, Bruggeman mixing, the Li-plating threshold and the
// mixed-conducting zone of the macro model, each in its limits.
#include <gtest/gtest.h>

#include <cmath>

#include "host/macro/ButlerVolmer.hpp"
#include "host/macro/EffectiveMedium.hpp"
#include "host/macro/LiPlatingThreshold.hpp"
#include "host/macro/MixedConductingZone.hpp"
#include "host/macro/PhysicalConstants.hpp"
#include "host/macro/StackResistance.hpp"

using namespace coatkmc::macro;

TEST(MacroButlerVolmer, SymmetricLimits) {
  ButlerVolmer bv;
  bv.exchange_current = 2e-4;
  bv.temperature = 298.15;
  const double vt = kGasConstant * 298.15 / kFaraday;
  // Closed form and round trip.
  for (double i : {-3e-2, -1e-4, -1e-9, 0.0, 5e-7, 2e-4, 0.7}) {
    const double eta = bv.overpotential(i);
    EXPECT_NEAR(eta, 2 * vt * std::asinh(i / (2 * bv.exchange_current)), 1e-15);
    EXPECT_NEAR(bv.current(eta), i, 1e-12 * (std::fabs(i) + bv.exchange_current));
    EXPECT_NEAR(bv.overpotential(-i), -eta, 1e-15);  // odd
  }
  // Linear regime: eta = i RT/(F i0) for i << i0 (relative error ~ (i/i0)^2 / 24).
  EXPECT_NEAR(bv.overpotential(1e-9) / (1e-9 * vt / bv.exchange_current), 1.0, 1e-9);
  EXPECT_NEAR(bv.linear_resistance(), vt / bv.exchange_current, 1e-12);
  // Tafel regime: eta = 2 RT/F ln(i/i0) for i >> i0 (error (i0/i)^2).
  EXPECT_NEAR(bv.overpotential(2e-4 * 1e6), 2 * vt * std::log(1e6), 1e-9);
}

TEST(MacroButlerVolmer, AsymmetricRoundTripAndSymmetricAgreement) {
  ButlerVolmer a;
  a.exchange_current = 1e-3;
  a.alpha_anodic = 0.3;
  a.alpha_cathodic = 0.7;
  for (double i : {-0.5, -1e-3, -1e-7, 1e-7, 1e-3, 0.5})
    EXPECT_NEAR(a.current(a.overpotential(i)), i, 1e-10 * (std::fabs(i) + 1e-3));
  // alpha_a + alpha_c = 1 still gives R_ct = RT / (F i0).
  EXPECT_NEAR(a.linear_resistance(), kGasConstant * a.temperature / (kFaraday * 1e-3), 1e-12);
  // The Newton path with alphas a hair off 1/2 matches the closed form.
  ButlerVolmer s, n;
  s.exchange_current = n.exchange_current = 1e-3;
  n.alpha_anodic = n.alpha_cathodic = 0.5 + 1e-12;
  for (double i : {-0.2, 3e-4, 0.2}) EXPECT_NEAR(n.overpotential(i), s.overpotential(i), 1e-9);
}

TEST(MacroEffectiveMedium, BruggemanClosedFormsAndPercolation) {
  // Two phases: s = [b + sqrt(b^2 + 8 s1 s2)] / 4, b = (3 f1 - 1) s1 + (3 f2 - 1) s2.
  for (double f : {0.1, 0.3, 0.5, 0.8}) {
    const double s1 = 3e-3, s2 = 2e-6;
    const double b = (3 * f - 1) * s1 + (3 * (1 - f) - 1) * s2;
    const double exact = (b + std::sqrt(b * b + 8 * s1 * s2)) / 4;
    EXPECT_NEAR(bruggeman_conductivity({{f, s1}, {1 - f, s2}}) / exact, 1.0, 1e-10);
  }
  // A conductor in an insulator percolates at 1/3: s = (3f - 1)/2 s1 above, 0 below.
  EXPECT_EQ(bruggeman_conductivity({{0.3, 1.0}, {0.7, 0.0}}), 0.0);
  EXPECT_NEAR(bruggeman_conductivity({{0.6, 1.0}, {0.4, 0.0}}), 0.4, 1e-10);
  EXPECT_THROW(bruggeman_conductivity({{0.6, 1.0}, {0.3, 0.0}}), std::invalid_argument);
}

TEST(MacroLiPlating, ThresholdFormula) {
  PlatingCoating c;
  c.diffusivity_cm2_s = 1.9e-7;  // Li22Sn5, seeds/002 Table 1
  c.li_concentration_mol_cm3 = 0.06;
  c.thickness_cm = 1e-4;  // 1 um
  c.nucleation_overpotential = 0.03;
  c.temperature = 298.15;
  // j* = F^2 D c eta / (R T L), written out here from the constants.
  const double expected =
      96485.33212 * 96485.33212 * 1.9e-7 * 0.06 * 0.03 / (8.314462618 * 298.15 * 1e-4) * 1e3;
  EXPECT_NEAR(c.threshold_mA_cm2() / expected, 1.0, 1e-12);
  // Scales as D / L; an explicit composition window replaces F eta / RT.
  PlatingCoating thick = c;
  thick.thickness_cm *= 10;
  EXPECT_NEAR(thick.threshold_mA_cm2() * 10 / c.threshold_mA_cm2(), 1.0, 1e-12);
  PlatingCoating window = c;
  window.delta_c_fraction = 0.02;
  EXPECT_NEAR(window.threshold_mA_cm2(), 1e3 * 96485.33212 * 1.9e-7 * 0.06 * 0.02 / 1e-4, 1e-9);
}

TEST(MacroLiPlating, OnsetTimeMatchesFiniteSlabAndSandLimits) {
  PlatingCoating c;
  c.diffusivity_cm2_s = 1e-9;
  c.li_concentration_mol_cm3 = 0.05;
  c.thickness_cm = 2e-4;
  c.nucleation_overpotential = 0.02;
  const double j_star = c.threshold_mA_cm2();
  EXPECT_TRUE(std::isinf(plating_onset_time(c, 0.999 * j_star)));
  const double d = c.diffusivity_cm2_s, l = c.thickness_cm, dc = c.supersaturation_mol_cm3();
  // Exact top excess of a slab with u(0) = 0 and flux J at x = L (Crank eq. 4.? by
  // separation of variables): u(L,t) = J L / D [1 - 8/pi^2 sum exp(-(2n+1)^2 pi^2 D t / 4L^2) /
  // (2n+1)^2].
  auto top = [&](double j, double t) {
    const double flux = j * 1e-3 / kFaraday;
    double s = 0;
    for (int n = 0; n < 2000; ++n) {
      const double k = 2 * n + 1;
      s += std::exp(-k * k * kPi * kPi * d * t / (4 * l * l)) / (k * k);
    }
    return flux * l / d * (1 - 8 / (kPi * kPi) * s);
  };
  for (double ratio : {1.5, 4.0}) {
    const double j = ratio * j_star;
    double lo = 0, hi = 100 * l * l / d;
    for (int it = 0; it < 200; ++it) ((top(j, 0.5 * (lo + hi)) < dc) ? lo : hi) = 0.5 * (lo + hi);
    const double exact = 0.5 * (lo + hi);
    // Backward Euler with >= 400 steps to the onset and 1000 cells: measured
    // 1.1e-3 and 6e-4 relative; allow 1e-2.
    EXPECT_NEAR(plating_onset_time(c, j, 1000) / exact, 1.0, 0.01) << ratio;
  }
  // Far above the threshold the coating looks semi-infinite: Sand's time
  // (the finite slab changes it by ~exp(-L^2/(D t)); measured 8e-4; allow 1e-2).
  const double j = 30 * j_star, flux = j * 1e-3 / kFaraday;
  const double sand = kPi * d * dc * dc / (4 * flux * flux);
  EXPECT_NEAR(plating_onset_time(c, j, 1000) / sand, 1.0, 0.01);
}

TEST(MacroMixedZone, TransmissionLineLimits) {
  const int n = 400;
  const double ell = 100e-7, si = 1e-3;
  MixedZoneLine z;
  for (int k = 0; k <= n; ++k) z.depth_cm.push_back(ell * k / n);
  z.ionic_conductivity.assign(n, si);
  z.planar_resistance = 2e4;
  // No transfer in the zone: the sharp interface plus the zone's ionic path.
  // The network mixes conductances from 5e-5 to 8e5 S/cm^2 (condition ~1e10),
  // so round-off leaves ~1e-8 relative: allow 1e-6.
  z.electronic_conductivity.assign(n, 1e-6);
  z.transfer_conductance.assign(n, 0.0);
  EXPECT_NEAR(z.resistance() / (2e4 + ell / si), 1.0, 1e-6);
  EXPECT_NEAR(z.planar_share(), 1.0, 1e-6);
  // Ideal electronic rail, blocked sharp interface: de Levie's
  // R = sqrt(r/g) coth(L sqrt(g r)), r = 1/sigma_i. Finite volumes, error
  // growing as (h / lambda)^2 with lambda = sqrt(sigma_i / g) the penetration
  // depth: measured 1e-4 for lambda = 32 nm (longer than the zone) and 8e-4
  // for 3.2 nm with h = 0.25 nm; allow 3e-3.
  z.electronic_conductivity.assign(n, 1e6);
  z.planar_resistance = 1e30;
  for (double g : {1e8, 1e10}) {
    z.transfer_conductance.assign(n, g);
    const double r = 1 / si, k = std::sqrt(g * r);
    const double exact = std::sqrt(r / g) / std::tanh(ell * k);
    EXPECT_NEAR(z.resistance() / exact, 1.0, 3e-3) << g;
  }
}

TEST(MacroMixedZone, FiniteFilmProfileConservesDopant) {
  const double h = 100e-7, d = 1e-14, t = 4 * 3600.0;
  const auto p = finite_film_profile(h, d, t, 2e-4, 4001);
  double in_substrate = 0;
  for (size_t i = 1; i < p.depth_cm.size(); ++i)
    in_substrate +=
        0.5 * (p.composition[i] + p.composition[i - 1]) * (p.depth_cm[i] - p.depth_cm[i - 1]);
  EXPECT_NEAR(p.film_fraction_left + in_substrate / h, 1.0, 1e-4);
  EXPECT_NEAR(p.diffusion_length_cm, 2 * std::sqrt(d * t), 1e-20);
}

TEST(MacroStack, SeriesLayersAndPatchyLayers) {
  StackLayer a, b, patch;
  a.thickness_cm = 10e-7, a.ionic_conductivity = 2e-6;         // 0.5 Ohm cm^2
  b.thickness_cm = 5e-7, b.ionic_conductivity = 1e-6;          // 0.5 Ohm cm^2
  b.coverage = 0.25;                                           // confined to a quarter: 2 Ohm cm^2
  patch.thickness_cm = 3e-7, patch.ionic_conductivity = 1e-7;  // 3 Ohm cm^2 where it lies
  std::vector<double> inc;
  EXPECT_NEAR(series_resistance({a, b}, &inc), 2.5, 1e-12);
  EXPECT_NEAR(inc[0], 0.5, 1e-12);
  // Patches on 40 %: 1 / (0.4 / (2.5 + 3) + 0.6 / 2.5).
  patch.patch_fraction = 0.4;
  const double r = series_resistance({a, patch, b}, &inc);
  EXPECT_NEAR(r, 1.0 / (0.4 / 5.5 + 0.6 / 2.5), 1e-12);
  EXPECT_NEAR(inc[0] + inc[1] + inc[2], r, 1e-12);
  // An insulating patch layer blocks its share of the area: R / (1 - f).
  patch.ionic_conductivity = 0;
  EXPECT_NEAR(series_resistance({a, b, patch}), 2.5 / 0.6, 1e-12);
  // Patches everywhere are a layer in series.
  patch.ionic_conductivity = 1e-7;
  patch.patch_fraction = 1.0;
  EXPECT_NEAR(series_resistance({a, b, patch}), 5.5, 1e-12);
}
