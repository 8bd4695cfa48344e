// Impedance elements of the macro model against their closed forms.
#include <gtest/gtest.h>

#include <cmath>

#include "host/macro/ImpedanceSpectrum.hpp"
#include "host/macro/PhysicalConstants.hpp"
#include "host/macro/StackResistance.hpp"

using namespace coatkmc::macro;

namespace {

// The frequency of the largest -Im Z on a fine log grid, refined by a
// parabola through the three points around the maximum (in log f).
double apex_frequency(const ImpedanceSpectrum& z, double f_lo, double f_hi) {
  const auto f = log_frequencies(f_lo, f_hi, 200);
  size_t best = 1;
  for (size_t i = 1; i + 1 < f.size(); ++i)
    if (-z.impedance(f[i]).imag() > -z.impedance(f[best]).imag()) best = i;
  const double x0 = std::log(f[best - 1]), x1 = std::log(f[best]), x2 = std::log(f[best + 1]);
  const double y0 = -z.impedance(f[best - 1]).imag(), y1 = -z.impedance(f[best]).imag(),
               y2 = -z.impedance(f[best + 1]).imag();
  const double h = x1 - x0;
  return std::exp(x1 + 0.5 * h * (y0 - y2) / (y0 - 2 * y1 + y2));
}

}  // namespace

TEST(MacroImpedance, RcSemicircleApexAtOneOverTwoPiRC) {
  const double r = 120.0, c = 3.3e-7;  // Ohm cm^2, F/cm^2
  ImpedanceSpectrum z;
  z.add(ImpedanceElement::resistor("series", 15.0));
  z.add(ImpedanceElement::rc("arc", r, c));
  const double f0 = 1.0 / (2 * kPi * r * c);
  // At f0 exactly: Z = R_s + R/2 - j R/2 (to round-off).
  const Complex z0 = z.impedance(f0);
  EXPECT_NEAR(z0.real(), 15.0 + r / 2, 1e-10 * r);
  EXPECT_NEAR(z0.imag(), -r / 2, 1e-10 * r);
  // The apex found on a 200-per-decade grid: a parabola through three points
  // of a smooth peak is accurate to ~(grid step)^2 ~ 1e-4 in ln f; allow 1e-3.
  EXPECT_NEAR(apex_frequency(z, 1.0, 1e8) / f0, 1.0, 1e-3);
  EXPECT_NEAR(z.elements()[1].apex_frequency(), f0, 1e-12 * f0);
  // Every point lies on the semicircle centred at R_s + R/2 with radius R/2.
  for (double f : log_frequencies(1.0, 1e8, 5))
    EXPECT_NEAR(std::abs(z.impedance(f) - Complex(15.0 + r / 2, 0)), r / 2, 1e-10 * r);
}

TEST(MacroImpedance, RCpeArcApexAndDepressedHeight) {
  const double r = 500.0, c = 2e-6, alpha = 0.8;
  ImpedanceSpectrum z;
  z.add(ImpedanceElement::rcpe("cpe arc", r, c, alpha));
  // Q = (RC)^alpha / R puts the apex where R||C has it; its height is
  // (R/2) tan(alpha pi / 4) < R/2 (the depressed semicircle).
  const double f0 = 1.0 / (2 * kPi * r * c);
  EXPECT_NEAR(z.elements()[0].apex_frequency() / f0, 1.0, 1e-12);
  EXPECT_NEAR(apex_frequency(z, 1e-2, 1e7) / f0, 1.0, 1e-3);
  EXPECT_NEAR(-z.impedance(f0).imag(), 0.5 * r * std::tan(alpha * kPi / 4), 1e-10 * r);
  EXPECT_NEAR(z.impedance(1e-9).real(), r, 1e-6 * r);  // dc limit
}

TEST(MacroImpedance, WarburgElementsFollowThe45DegreeLineAtHighFrequency) {
  const double z0 = 40.0, tau = 2.5;  // Ohm cm^2, s
  for (auto e : {ImpedanceElement::warburg_short("short", z0, tau),
                 ImpedanceElement::warburg_open("open", z0, tau),
                 ImpedanceElement::spherical_diffusion("sphere", z0, tau)}) {
    SCOPED_TRACE(e.label);
    // omega tau = 1e4 (and 1e6): tanh and coth are 1 to 1e-40, and the sphere's
    // tanh(s)/(s - tanh s) is 1/s (1 + 1/s): phase -45 deg to within 1/|s| rad.
    for (double wt : {1e4, 1e6}) {
      const double w = wt / tau;
      const Complex zz = e.impedance(w);
      const double phase_deg = std::arg(zz) * 180 / kPi;
      const double allowed =
          (e.kind == ImpedanceElement::Kind::kSphericalDiffusion ? 1.0 / std::sqrt(wt) : 1e-9) *
          180 / kPi;
      EXPECT_NEAR(phase_deg, -45.0, allowed + 1e-9);
      // Magnitude of the semi-infinite Warburg Z0 / sqrt(omega tau).
      EXPECT_NEAR(std::abs(zz) * std::sqrt(wt) / z0, 1.0, 2.0 / std::sqrt(wt));
    }
  }
}

TEST(MacroImpedance, DiffusionElementsLowFrequencyLimits) {
  const double z0 = 40.0, tau = 2.5, w = 1e-6;
  // Transmissive: tanh(s)/s -> 1, a resistance Z0.
  EXPECT_NEAR(ImpedanceElement::warburg_short("s", z0, tau).impedance(w).real(), z0, 1e-9 * z0);
  // Reflective: coth(s)/s -> 1/s^2 + 1/3: Z0/3 in series with a capacitor tau/Z0.
  const Complex open = ImpedanceElement::warburg_open("o", z0, tau).impedance(w);
  EXPECT_NEAR(open.real(), z0 / 3, 1e-6 * z0);
  EXPECT_NEAR(open.imag() * w * tau / z0, -1.0, 1e-6);
  // Sphere: 3/s^2 + 1/5 -> Z0/5 in series with a capacitor tau/(3 Z0).
  const Complex sph = ImpedanceElement::spherical_diffusion("p", z0, tau).impedance(w);
  EXPECT_NEAR(sph.real(), z0 / 5, 1e-6 * z0);
  EXPECT_NEAR(sph.imag() * w * tau / (3 * z0), -1.0, 1e-6);
  // The series branch switch at |s| = 0.02 is seamless (both sides agree to 1e-9).
  const auto e = ImpedanceElement::spherical_diffusion("p", z0, tau);
  const double w_switch = 0.02 * 0.02 / tau;
  const Complex below = e.impedance(w_switch * 0.999999), above = e.impedance(w_switch * 1.000001);
  EXPECT_NEAR(std::abs(below - above) / std::abs(above), 0.0, 1e-5);
}

TEST(MacroImpedance, CoatingArcFrequencyIndependentOfThickness) {
  // f = 1 / (2 pi R C) = sigma / (2 pi eps_r eps0), whatever the thickness.
  for (double nm : {5.0, 10.0, 100.0}) {
    StackLayer l;
    l.thickness_cm = nm * 1e-7;
    l.ionic_conductivity = 38.7e-6;
    l.epsilon_r = 40;
    const double f = 1.0 / (2 * kPi * l.asr() * l.capacitance());
    EXPECT_NEAR(f / (38.7e-6 / (2 * kPi * 40 * kVacuumPermittivity)), 1.0, 1e-12);
  }
}
