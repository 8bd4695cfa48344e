#pragma once

namespace coatkmc::macro {

// Butler-Volmer charge-transfer kinetics at one interface,
//   i = i0 [exp(alpha_a f eta) - exp(-alpha_c f eta)],  f = F / (R T),
// i and i0 in A/cm^2 of that interface, eta in V. Positive i is anodic
// (oxidation, delithiation of a cathode on charge).
struct ButlerVolmer {
  double exchange_current = 1e-3;  // i0, A/cm^2
  double alpha_anodic = 0.5;
  double alpha_cathodic = 0.5;
  double temperature = 298.15;  // K

  // Current density at overpotential eta (V).
  double current(double eta) const;

  // Overpotential that carries current density i: the closed form
  // (2RT/F) asinh(i / 2 i0) when alpha_a = alpha_c = 1/2, Newton on the
  // monotone current(eta) otherwise.
  double overpotential(double i) const;

  // Small-signal charge-transfer resistance RT / (F i0 (alpha_a + alpha_c)), Ohm cm^2.
  double linear_resistance() const;

  bool symmetric() const { return alpha_anodic == 0.5 && alpha_cathodic == 0.5; }
};

}  // namespace coatkmc::macro
