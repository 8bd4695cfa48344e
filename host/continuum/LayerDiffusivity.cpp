#include "host/continuum/LayerDiffusivity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/PhysicalConstants.hpp"

namespace coatkmc {
namespace {

void require_increasing(const std::vector<double>& v, const char* what) {
  for (size_t i = 1; i < v.size(); ++i)
    if (!(v[i] > v[i - 1])) throw std::invalid_argument(std::string(what) + " must increase");
}
}  // namespace

LayerDiffusivity LayerDiffusivity::arrhenius(double D0, double Ea) {
  if (!(D0 > 0) || !(Ea >= 0)) throw std::invalid_argument("Arrhenius D needs D0 > 0, Ea >= 0");
  LayerDiffusivity d;
  d.D0_ = D0;
  d.Ea_ = Ea;
  return d;
}

LayerDiffusivity LayerDiffusivity::table(std::vector<double> T, std::vector<double> D) {
  return table({0.0}, std::move(T), {std::move(D)});
}

LayerDiffusivity LayerDiffusivity::table(std::vector<double> fractions, std::vector<double> T,
                                         std::vector<std::vector<double>> D) {
  if (T.empty() || fractions.empty() || D.size() != fractions.size())
    throw std::invalid_argument("D table: one row per fraction, at least one temperature");
  require_increasing(T, "D table temperatures");
  require_increasing(fractions, "D table fractions");
  LayerDiffusivity d;
  d.arrhenius_ = false;
  d.fractions_ = std::move(fractions);
  // Store in increasing 1/T, i.e. decreasing T.
  for (auto it = T.rbegin(); it != T.rend(); ++it) {
    if (!(*it > 0)) throw std::invalid_argument("D table temperatures must be > 0 K");
    d.inv_T_.push_back(1.0 / *it);
  }
  for (const auto& row : D) {
    if (row.size() != T.size()) throw std::invalid_argument("D table row of the wrong length");
    std::vector<double> ln;
    for (auto it = row.rbegin(); it != row.rend(); ++it) {
      if (!(*it > 0)) throw std::invalid_argument("D table values must be > 0");
      ln.push_back(std::log(*it));
    }
    d.ln_D_.push_back(std::move(ln));
  }
  return d;
}

double LayerDiffusivity::ln_at_row(const std::vector<double>& ln, double x) const {
  const size_t n = inv_T_.size();
  if (n == 1) return ln[0];
  size_t i = std::upper_bound(inv_T_.begin(), inv_T_.end(), x) - inv_T_.begin();
  i = std::clamp<size_t>(i, 1, n - 1);  // the interval [i-1, i], extended at the ends
  const double u = (x - inv_T_[i - 1]) / (inv_T_[i] - inv_T_[i - 1]);
  return ln[i - 1] + u * (ln[i] - ln[i - 1]);
}

double LayerDiffusivity::operator()(double c, double T) const {
  if (arrhenius_) return D0_ * std::exp(-Ea_ / (kBoltzmannEv * T));
  const double x = 1.0 / T;
  if (fractions_.size() == 1) return std::exp(ln_at_row(ln_D_[0], x));
  if (c <= fractions_.front()) return std::exp(ln_at_row(ln_D_.front(), x));
  if (c >= fractions_.back()) return std::exp(ln_at_row(ln_D_.back(), x));
  const size_t j = std::upper_bound(fractions_.begin(), fractions_.end(), c) - fractions_.begin();
  const double v = (c - fractions_[j - 1]) / (fractions_[j] - fractions_[j - 1]);
  return std::exp((1 - v) * ln_at_row(ln_D_[j - 1], x) + v * ln_at_row(ln_D_[j], x));
}

}  // namespace coatkmc
