#include "host/macro/ButlerVolmer.hpp"

#include <cmath>
#include <stdexcept>

#include "host/macro/PhysicalConstants.hpp"

namespace coatkmc::macro {

double ButlerVolmer::current(double eta) const {
  const double f = 1.0 / thermal_voltage(temperature);
  return exchange_current *
         (std::exp(alpha_anodic * f * eta) - std::exp(-alpha_cathodic * f * eta));
}

double ButlerVolmer::overpotential(double i) const {
  if (!(exchange_current > 0)) throw std::invalid_argument("exchange current must be > 0");
  const double vt = thermal_voltage(temperature);
  if (symmetric()) return 2.0 * vt * std::asinh(i / (2.0 * exchange_current));
  // Start from the Tafel branch or the linear regime, whichever is closer,
  // then Newton; current() is convex on each side of 0, so Newton from the
  // side away from zero converges monotonically. Bisection guards it.
  const double a = i > 0 ? alpha_anodic : alpha_cathodic;
  double eta = std::fabs(i) > exchange_current
                   ? (i > 0 ? 1.0 : -1.0) * vt / a * std::log(std::fabs(i) / exchange_current)
                   : i * linear_resistance();
  double lo = i > 0 ? 0.0 : -1e3, hi = i > 0 ? 1e3 : 0.0;
  for (int it = 0; it < 200; ++it) {
    const double g = current(eta) - i;
    if (std::fabs(g) <= 1e-14 * (std::fabs(i) + exchange_current)) break;
    if (g > 0)
      hi = eta;
    else
      lo = eta;
    const double f = 1.0 / vt;
    const double dg = exchange_current * (alpha_anodic * f * std::exp(alpha_anodic * f * eta) +
                                          alpha_cathodic * f * std::exp(-alpha_cathodic * f * eta));
    double next = eta - g / dg;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    eta = next;
  }
  return eta;
}

double ButlerVolmer::linear_resistance() const {
  return thermal_voltage(temperature) / (exchange_current * (alpha_anodic + alpha_cathodic));
}

}  // namespace coatkmc::macro
