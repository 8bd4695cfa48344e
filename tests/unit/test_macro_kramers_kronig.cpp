// The Lin-KK check passes spectra the model computes and fails one that
// breaks the Kramers-Kronig relations.
#include <gtest/gtest.h>

#include "host/macro/ImpedanceSpectrum.hpp"
#include "host/macro/KramersKronig.hpp"
#include "host/macro/PhysicalConstants.hpp"

using namespace coatkmc::macro;

namespace {
ImpedanceSpectrum stack(bool blocking) {
  ImpedanceSpectrum z;
  z.add(ImpedanceElement::resistor("separator", 18));
  z.add(ImpedanceElement::rcpe("coating", 250, 4e-9, 0.9));
  z.add(ImpedanceElement::rc("charge transfer", 60, 2e-4));
  if (blocking)
    z.add(ImpedanceElement::spherical_diffusion("solid diffusion", 30, 90));
  else
    z.add(ImpedanceElement::warburg_short("diffusion", 30, 90));
  return z;
}
}  // namespace

// Computed spectra are noiseless, so the fit is limited only by how well
// 6 Voigt elements per decade represent them: the largest residual measured
// here is 5e-7 of |Z|; 1e-4 leaves a factor 200 and is still 6000x below the
// 0.65 that the violation below produces.
TEST(MacroKramersKronig, ComputedSpectraAreConsistent) {
  const auto f = log_frequencies(1e-3, 1e7, 10);
  const auto r1 = kramers_kronig_check(stack(false).evaluate(f));
  EXPECT_LT(r1.max_residual, 1e-4);
  KramersKronigOptions cap;
  cap.series_capacitance = true;
  const auto r2 = kramers_kronig_check(stack(true).evaluate(f), cap);
  EXPECT_LT(r2.max_residual, 1e-4);
}

TEST(MacroKramersKronig, ViolationIsDetected) {
  // Real part of an RC arc with tau, imaginary part of one with 3 tau: each
  // half is fine alone, together they violate the KK relations.
  const auto f = log_frequencies(1e-2, 1e5, 10);
  const ImpedanceElement a = ImpedanceElement::rc("a", 100, 1e-3);
  const ImpedanceElement b = ImpedanceElement::rc("b", 100, 3e-3);
  std::vector<ImpedancePoint> pts;
  for (double v : f) {
    const double w = 2 * kPi * v;
    pts.push_back({v, Complex(a.impedance(w).real(), b.impedance(w).imag())});
  }
  EXPECT_GT(kramers_kronig_check(pts).max_residual, 5e-2);
}
