#include "kmc/lattice/MobilePairs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace coatkmc {

MobilePairs::MobilePairs(const LatticeDescription& d, double reach) : d_(d), reach_(reach) {
  std::vector<Vec3> points;
  for (int b = 0; b < static_cast<int>(d.basis.size()); ++b)
    if (d.basis[b].mobile) {
      basis_of_point_.push_back(b);
      points.push_back(d.basis[b].fractional);
    }
  list_ = std::make_unique<PeriodicCellList>(d.vectors, d.dimension, points, reach);
}

std::vector<HopTemplate> MobilePairs::within(int from, double cutoff) const {
  std::vector<HopTemplate> out;
  const Vec3 ff = d_.basis[from].fractional;
  list_->for_each_candidate(ff, [&](int j, const std::array<int, 3>& o) {
    const int to = basis_of_point_[j];
    const Vec3 t = d_.basis[to].fractional;
    const Vec3 df = {t.x - ff.x + o[0], t.y - ff.y + o[1], t.z - ff.z + o[2]};
    const Vec3 dr = df.x * d_.vectors[0] + df.y * d_.vectors[1] + df.z * d_.vectors[2];
    const double len = norm(dr);
    if (len < 1e-9 || len > cutoff) return;
    out.push_back({to, {o[0], o[1], o[2]}, dr, len, 0.0});
  });
  return out;
}

double nearest_mobile_distance(const LatticeDescription& d) {
  double longest = 0;
  for (int i = 0; i < d.dimension; ++i) longest = std::max(longest, norm(d.vectors[i]));
  const double limit = longest * 1.0001;
  int mobile = 0;
  for (const BasisSite& b : d.basis) mobile += b.mobile;
  if (mobile == 0) return std::numeric_limits<double>::infinity();
  // Start near the mean spacing of the mobile sites and widen until a pair turns up.
  double volume = std::fabs(dot(d.vectors[0], cross(d.vectors[1], d.vectors[2])));
  if (d.dimension == 2) volume = norm(cross(d.vectors[0], d.vectors[1]));
  double reach = std::min(limit, std::pow(volume / mobile, 1.0 / d.dimension));
  for (;;) {
    const MobilePairs pairs(d, reach);
    double best = std::numeric_limits<double>::infinity();
    for (int b = 0; b < static_cast<int>(d.basis.size()); ++b) {
      if (!d.basis[b].mobile) continue;
      for (const HopTemplate& h : pairs.within(b, reach)) best = std::min(best, h.length);
    }
    if (std::isfinite(best) || reach >= limit) return best;
    reach = std::min(limit, 2 * reach);
  }
}

}  // namespace coatkmc
