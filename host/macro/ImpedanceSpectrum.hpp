#pragma once
#include <complex>
#include <string>
#include <vector>

namespace coatkmc::macro {

using Complex = std::complex<double>;

// One element of an equivalent circuit. Parameters are per unit area
// (Ohm cm^2, F/cm^2), so impedances come out in Ohm cm^2.
struct ImpedanceElement {
  enum class Kind {
    kResistor,           // Z = R
    kResistorCapacitor,  // R || C:   Z = R / (1 + j w R C)
    kResistorCpe,        // R || CPE: Z = R / (1 + R Q (j w)^alpha)
    kWarburgShort,       // finite (transmissive) Warburg: Z0 tanh(sqrt(j w tau)) / sqrt(j w tau)
    kWarburgOpen,  // finite-space (reflective) Warburg: Z0 coth(sqrt(j w tau)) / sqrt(j w tau)
    kSphericalDiffusion,  // diffusion into a sphere: Z0 tanh(s) / (s - tanh(s)), s = sqrt(j w tau)
  };
  Kind kind = Kind::kResistor;
  std::string label;
  double r = 0;      // R or Z0, Ohm cm^2
  double c = 0;      // C, F/cm^2
  double q = 0;      // CPE Q, F s^(alpha-1) / cm^2
  double alpha = 1;  // CPE exponent, (0, 1]
  double tau = 0;    // diffusion time L^2 / D or R_p^2 / D, s

  Complex impedance(double omega) const;

  // The low-frequency resistance (Z at w -> 0), or +inf for blocking elements.
  double dc_resistance() const;
  // The frequency (Hz) of the arc's apex (-Im Z maximal) for R||C and R||CPE:
  // 1 / (2 pi tau0) with tau0 = R C or (R Q)^(1/alpha); 0 for other elements.
  double apex_frequency() const;

  static ImpedanceElement resistor(std::string label, double r);
  static ImpedanceElement rc(std::string label, double r, double c);
  // R || CPE whose apex sits where R || C would: Q = (R C)^alpha / R.
  static ImpedanceElement rcpe(std::string label, double r, double c, double alpha);
  static ImpedanceElement warburg_short(std::string label, double z0, double tau);
  static ImpedanceElement warburg_open(std::string label, double z0, double tau);
  static ImpedanceElement spherical_diffusion(std::string label, double z0, double tau);
};

struct ImpedancePoint {
  double frequency = 0;  // Hz
  Complex z;             // Ohm cm^2
};

// Elements in series.
class ImpedanceSpectrum {
 public:
  void add(ImpedanceElement e) { elements_.push_back(std::move(e)); }
  const std::vector<ImpedanceElement>& elements() const { return elements_; }

  Complex impedance(double frequency) const;
  std::vector<ImpedancePoint> evaluate(const std::vector<double>& frequencies) const;
  // CSV: frequency_Hz, Z_real, Z_imag, |Z|, phase_deg, then each element's real and imaginary part.
  std::string csv(const std::vector<double>& frequencies) const;

 private:
  std::vector<ImpedanceElement> elements_;
};

// n points per decade from f_min to f_max (both included), ascending.
std::vector<double> log_frequencies(double f_min, double f_max, int per_decade);

}  // namespace coatkmc::macro
