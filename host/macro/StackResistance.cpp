#include "host/macro/StackResistance.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "host/macro/PhysicalConstants.hpp"

namespace coatkmc::macro {

double StackLayer::asr() const {
  if (!(ionic_conductivity > 0)) return std::numeric_limits<double>::infinity();
  return thickness_cm / (ionic_conductivity * coverage);
}

double StackLayer::capacitance() const {
  return epsilon_r * kVacuumPermittivity * coverage / thickness_cm;
}

namespace {
double log_interpolate(double a, double b, double c) {
  if (a <= 0 || b <= 0) return a + (b - a) * c;  // no log scale through zero
  return std::exp(std::log(a) + (std::log(b) - std::log(a)) * c);
}

double integrate_inverse(const ProfileZone& z, double (ProfileZone::*sigma)(double) const) {
  if (z.depth_cm.size() != z.composition.size() || z.depth_cm.size() < 2)
    throw std::invalid_argument("profile zone " + z.name + " needs matching depth and composition");
  double sum = 0;
  for (size_t i = 1; i < z.depth_cm.size(); ++i) {
    const double dx = z.depth_cm[i] - z.depth_cm[i - 1];
    if (!(dx > 0)) throw std::invalid_argument("profile zone depths must increase");
    const double s0 = (z.*sigma)(z.composition[i - 1]), s1 = (z.*sigma)(z.composition[i]);
    if (!(s0 > 0) || !(s1 > 0)) return std::numeric_limits<double>::infinity();
    sum += 0.5 * dx * (1.0 / s0 + 1.0 / s1);
  }
  return sum;
}
}  // namespace

double ProfileZone::ionic_conductivity(double c) const {
  return log_interpolate(ionic_at_0, ionic_at_1, c);
}
double ProfileZone::electronic_conductivity(double c) const {
  return log_interpolate(electronic_at_0, electronic_at_1, c);
}
double ProfileZone::ionic_asr() const {
  return integrate_inverse(*this, &ProfileZone::ionic_conductivity);
}
double ProfileZone::electronic_asr() const {
  return integrate_inverse(*this, &ProfileZone::electronic_conductivity);
}

double series_resistance(const std::vector<StackLayer>& layers, std::vector<double>* inc) {
  double r = 0;
  if (inc) inc->assign(layers.size(), 0.0);
  for (size_t i = 0; i < layers.size(); ++i)
    if (!(layers[i].patch_fraction > 0)) {
      r += layers[i].asr();
      if (inc) (*inc)[i] = layers[i].asr();
    }
  for (size_t i = 0; i < layers.size(); ++i) {
    const double f = layers[i].patch_fraction;
    if (!(f > 0)) continue;
    const double through = r + layers[i].asr();
    const double conductance =
        (std::isinf(through) ? 0.0 : f / through) + (f < 1 ? (1 - f) / r : 0.0);
    const double next = 1.0 / conductance;
    if (inc) (*inc)[i] = next - r;
    r = next;
  }
  return r;
}

double StackResistance::total(const std::string& basis) const {
  double s = 0;
  for (const auto& t : terms)
    if (t.basis == basis) s += t.asr;
  return s;
}

}  // namespace coatkmc::macro
