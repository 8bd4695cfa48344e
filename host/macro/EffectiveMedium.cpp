#include "host/macro/EffectiveMedium.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace coatkmc::macro {

double bruggeman_conductivity(const std::vector<Phase>& phases) {
  if (phases.empty()) throw std::invalid_argument("effective medium needs at least one phase");
  double total = 0, s_min = INFINITY, s_max = 0;
  for (const auto& p : phases) {
    if (!(p.fraction >= 0) || !(p.conductivity >= 0))
      throw std::invalid_argument("phase fractions and conductivities must be >= 0");
    total += p.fraction;
    if (p.fraction > 0) {
      s_min = std::min(s_min, p.conductivity);
      s_max = std::max(s_max, p.conductivity);
    }
  }
  if (std::fabs(total - 1.0) > 1e-9) throw std::invalid_argument("phase fractions must sum to 1");
  if (s_max == 0) return 0;
  if (s_max == s_min) return s_max;
  // g(s) = sum f_i (s_i - s)/(s_i + 2 s) falls monotonically from > 0 to < 0
  // on (s_min, s_max): bisect in log s (a zero-conductivity phase is allowed).
  auto g = [&](double s) {
    double sum = 0;
    for (const auto& p : phases)
      sum += p.fraction * (p.conductivity - s) / (p.conductivity + 2 * s);
    return sum;
  };
  double lo = std::log(std::max(s_min, s_max * 1e-300)), hi = std::log(s_max);
  if (g(std::exp(lo)) <= 0) return 0;  // below percolation of the conducting phases
  for (int it = 0; it < 200 && hi - lo > 1e-14; ++it) {
    const double mid = 0.5 * (lo + hi);
    (g(std::exp(mid)) > 0 ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

}  // namespace coatkmc::macro
