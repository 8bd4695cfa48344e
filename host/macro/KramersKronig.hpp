#pragma once
#include <vector>

#include "host/macro/ImpedanceSpectrum.hpp"

namespace coatkmc::macro {

// Linear Kramers-Kronig test (Boukamp 1995; Schoenleber et al. 2014, "Lin-KK"):
// fit Z(w) with a series resistance, M Voigt elements R_k / (1 + j w tau_k) at
// fixed log-spaced tau_k spanning the measured range, and optionally a series
// capacitance (blocking spectra), by linear least squares on real and
// imaginary parts weighted by 1/|Z|. Every such circuit obeys the
// Kramers-Kronig relations, so a spectrum that does too is fitted to within
// its numerical noise, and one that does not leaves residuals.
struct KramersKronigResult {
  std::vector<double> residual_real;  // (Z'_data - Z'_fit) / |Z_data| per point
  std::vector<double> residual_imag;
  double max_residual = 0;  // largest |residual| over both parts
  double rms_residual = 0;
  int elements = 0;
};

struct KramersKronigOptions {
  int elements_per_decade = 6;      // Voigt elements per decade of tau
  double tau_extension = 1.0;       // decades beyond 1/w_max and 1/w_min on each side
  bool series_capacitance = false;  // add 1/(j w C) for blocking (capacitive) low-f tails
};

KramersKronigResult kramers_kronig_check(const std::vector<ImpedancePoint>& spectrum,
                                         const KramersKronigOptions& options = {});

}  // namespace coatkmc::macro
