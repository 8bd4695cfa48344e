#include "host/macro/ImpedanceSpectrum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "host/macro/PhysicalConstants.hpp"

namespace coatkmc::macro {

namespace {

const Complex kJ(0.0, 1.0);

// tanh(s) / (s - tanh(s)) without the cancellation near s = 0, where it is
// 3/s^2 + 1/5 - s^2/175 + O(s^4) (Taylor series of s coth s).
Complex spherical_kernel(Complex s) {
  if (std::abs(s) < 2e-2) {
    const Complex s2 = s * s;
    return 3.0 / s2 + 0.2 - s2 / 175.0;
  }
  // For large |s|, tanh(s) -> 1 and std::tanh stays finite.
  const Complex t = std::tanh(s);
  return t / (s - t);
}

}  // namespace

Complex ImpedanceElement::impedance(double omega) const {
  switch (kind) {
    case Kind::kResistor:
      return {r, 0.0};
    case Kind::kResistorCapacitor:
      return r / (1.0 + kJ * omega * r * c);
    case Kind::kResistorCpe:
      return r / (1.0 + r * q * std::pow(kJ * omega, alpha));
    case Kind::kWarburgShort: {
      const Complex s = std::sqrt(kJ * omega * tau);
      if (std::abs(s) < 1e-4) return r * (1.0 - s * s / 3.0);  // tanh(s)/s near 0
      return r * std::tanh(s) / s;
    }
    case Kind::kWarburgOpen: {
      const Complex s = std::sqrt(kJ * omega * tau);
      return r / (std::tanh(s) * s);
    }
    case Kind::kSphericalDiffusion:
      return r * spherical_kernel(std::sqrt(kJ * omega * tau));
  }
  return {0.0, 0.0};
}

double ImpedanceElement::dc_resistance() const {
  switch (kind) {
    case Kind::kResistor:
    case Kind::kResistorCapacitor:
    case Kind::kResistorCpe:
    case Kind::kWarburgShort:
      return r;
    default:
      return std::numeric_limits<double>::infinity();
  }
}

double ImpedanceElement::apex_frequency() const {
  if (kind == Kind::kResistorCapacitor) return 1.0 / (2 * kPi * r * c);
  if (kind == Kind::kResistorCpe) return 1.0 / (2 * kPi * std::pow(r * q, 1.0 / alpha));
  return 0.0;
}

ImpedanceElement ImpedanceElement::resistor(std::string label, double r) {
  ImpedanceElement e;
  e.kind = Kind::kResistor;
  e.label = std::move(label);
  e.r = r;
  return e;
}

ImpedanceElement ImpedanceElement::rc(std::string label, double r, double c) {
  ImpedanceElement e = resistor(std::move(label), r);
  e.kind = Kind::kResistorCapacitor;
  e.c = c;
  return e;
}

ImpedanceElement ImpedanceElement::rcpe(std::string label, double r, double c, double alpha) {
  if (!(alpha > 0 && alpha <= 1)) throw std::invalid_argument("CPE exponent must be in (0, 1]");
  ImpedanceElement e = rc(std::move(label), r, c);
  e.kind = Kind::kResistorCpe;
  e.alpha = alpha;
  e.q = std::pow(r * c, alpha) / r;
  return e;
}

ImpedanceElement ImpedanceElement::warburg_short(std::string label, double z0, double tau) {
  ImpedanceElement e = resistor(std::move(label), z0);
  e.kind = Kind::kWarburgShort;
  e.tau = tau;
  return e;
}

ImpedanceElement ImpedanceElement::warburg_open(std::string label, double z0, double tau) {
  ImpedanceElement e = warburg_short(std::move(label), z0, tau);
  e.kind = Kind::kWarburgOpen;
  return e;
}

ImpedanceElement ImpedanceElement::spherical_diffusion(std::string label, double z0, double tau) {
  ImpedanceElement e = warburg_short(std::move(label), z0, tau);
  e.kind = Kind::kSphericalDiffusion;
  return e;
}

Complex ImpedanceSpectrum::impedance(double frequency) const {
  const double omega = 2 * kPi * frequency;
  Complex z(0.0, 0.0);
  for (const auto& e : elements_) z += e.impedance(omega);
  return z;
}

std::vector<ImpedancePoint> ImpedanceSpectrum::evaluate(const std::vector<double>& f) const {
  std::vector<ImpedancePoint> out;
  out.reserve(f.size());
  for (double v : f) out.push_back({v, impedance(v)});
  return out;
}

std::string ImpedanceSpectrum::csv(const std::vector<double>& frequencies) const {
  std::ostringstream os;
  os.precision(10);
  os << "frequency_Hz,Z_real_ohm_cm2,Z_imag_ohm_cm2,Z_abs_ohm_cm2,phase_deg";
  for (const auto& e : elements_) os << ",re[" << e.label << "],im[" << e.label << "]";
  os << "\n";
  for (double f : frequencies) {
    const Complex z = impedance(f);
    os << f << "," << z.real() << "," << z.imag() << "," << std::abs(z) << ","
       << std::arg(z) * 180.0 / kPi;
    for (const auto& e : elements_) {
      const Complex ze = e.impedance(2 * kPi * f);
      os << "," << ze.real() << "," << ze.imag();
    }
    os << "\n";
  }
  return os.str();
}

std::vector<double> log_frequencies(double f_min, double f_max, int per_decade) {
  if (!(f_min > 0 && f_max > f_min && per_decade >= 1))
    throw std::invalid_argument(
        "frequency range needs 0 < f_min < f_max and >= 1 point per decade");
  const double decades = std::log10(f_max / f_min);
  const int n = std::max(2, static_cast<int>(std::ceil(decades * per_decade)) + 1);
  std::vector<double> f(n);
  for (int i = 0; i < n; ++i) f[i] = f_min * std::pow(10.0, decades * i / (n - 1));
  return f;
}

}  // namespace coatkmc::macro
