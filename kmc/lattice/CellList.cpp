#include "kmc/lattice/CellList.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace coatkmc {

double plane_spacing(const Vec3 a[3], int axis) {
  const double volume = std::fabs(dot(a[0], cross(a[1], a[2])));
  return volume / norm(cross(a[(axis + 1) % 3], a[(axis + 2) % 3]));
}

PeriodicCellList::PeriodicCellList(const Vec3 vectors[3], int dimension,
                                   const std::vector<Vec3>& fractional, double reach) {
  if (!(reach > 0) || !std::isfinite(reach))
    throw std::invalid_argument("cell list: the reach must be positive");
  const size_t n = fractional.size();
  dimension_ = dimension;
  for (const Vec3& f : fractional)
    for (double c : {f.x, f.y, f.z})
      if (!(std::fabs(c) < 1e6))
        throw std::invalid_argument("cell list: a fractional coordinate is not finite or too large");
  double spacing[3];
  for (int i = 0; i < 3; ++i) {
    spacing[i] = plane_spacing(vectors, i);
    if (i < dimension)
      bins_[i] = static_cast<int>(std::min(1024.0, std::max(1.0, std::floor(spacing[i] / reach))));
  }
  // More bins than points only costs empty visits: keep about one point per bin or more.
  const double most = std::max(27.0, 2.0 * double(n));
  while (double(bins_[0]) * bins_[1] * bins_[2] > most) {
    const int widest = int(std::max_element(bins_.begin(), bins_.end()) - bins_.begin());
    bins_[widest] = std::max(1, bins_[widest] / 2);
  }
  // A point within `reach` differs by at most reach/spacing in the fractional
  // coordinate, so by at most floor(reach * bins / spacing) + 1 bins.
  for (int i = 0; i < dimension && i < 3; ++i)
    range_[i] = static_cast<int>(std::floor(reach * bins_[i] / spacing[i])) + 1;

  const int total = bins_[0] * bins_[1] * bins_[2];
  std::vector<int> bin(n);
  shift_.resize(n);
  std::vector<int> count(total + 1, 0);
  for (size_t j = 0; j < n; ++j) {
    int b[3], s[3];
    place(fractional[j], b, s);
    shift_[j] = {s[0], s[1], s[2]};
    bin[j] = (b[2] * bins_[1] + b[1]) * bins_[0] + b[0];
    ++count[bin[j] + 1];
  }
  for (int t = 0; t < total; ++t) count[t + 1] += count[t];
  start_ = count;
  members_.resize(n);
  std::vector<int> fill(count.begin(), count.end() - 1);
  for (size_t j = 0; j < n; ++j) members_[fill[bin[j]]++] = static_cast<int>(j);
}

void PeriodicCellList::place(Vec3 f, int bin[3], int shift[3]) const {
  const double c[3] = {f.x, f.y, f.z};
  for (int i = 0; i < 3; ++i) {
    if (i >= dimension_) {
      // No images along this vector: one bin, the point where it is.
      bin[i] = 0;
      shift[i] = 0;
      continue;
    }
    double whole = std::floor(c[i]);
    double folded = c[i] - whole;
    if (folded >= 1.0) {  // a tiny negative coordinate rounds to exactly 1 when folded
      whole += 1;
      folded = 0;
    }
    shift[i] = static_cast<int>(whole);
    bin[i] = std::min(bins_[i] - 1, static_cast<int>(std::floor(folded * bins_[i])));
  }
}

}  // namespace coatkmc
