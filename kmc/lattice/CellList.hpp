#pragma once
#include <array>
#include <vector>

#include "kmc/core/Vec3.hpp"

namespace coatkmc {

// A periodic cell list over points given in fractional coordinates of a cell:
// finds, for any position, every point and periodic image that may lie within
// `reach` (Å) of it, without comparing against all points. The cell is cut
// into bins at least `reach` wide (perpendicular to each pair of cell
// vectors), so the candidates lie in the 3 x 3 x 3 neighbouring bins, or in a
// few more images when the cell is thinner than `reach`. Along vectors at or
// beyond `dimension` there are no images (2D lattices).
//
// Every (point, image) pair is visited at most once, and every one within
// `reach` is visited: callers compute the distance themselves, with their own
// arithmetic, so results are those of the all-pairs search.
class PeriodicCellList {
 public:
  PeriodicCellList(const Vec3 vectors[3], int dimension, const std::vector<Vec3>& fractional,
                   double reach);

  // Calls visit(j, offset) for candidate point j in the image shifted by
  // `offset` whole cells: the candidate's position is fractional[j] + offset,
  // as seen from f itself (not from f folded into the cell).
  template <class Visit>
  void for_each_candidate(Vec3 f, Visit&& visit) const {
    int home[3], own[3];
    place(f, home, own);
    for (int a = -range_[0]; a <= range_[0]; ++a)
      for (int b = -range_[1]; b <= range_[1]; ++b)
        for (int c = -range_[2]; c <= range_[2]; ++c) {
          const int raw[3] = {home[0] + a, home[1] + b, home[2] + c};
          int wrapped[3], image[3];
          for (int i = 0; i < 3; ++i) {
            image[i] = floor_div(raw[i], bins_[i]);
            wrapped[i] = raw[i] - image[i] * bins_[i];
          }
          const int bin = (wrapped[2] * bins_[1] + wrapped[1]) * bins_[0] + wrapped[0];
          for (int q = start_[bin]; q < start_[bin + 1]; ++q) {
            const int j = members_[q];
            // The point sits shift_[j] cells away from its wrapped position.
            const std::array<int, 3> offset = {image[0] - shift_[j][0] + own[0],
                                               image[1] - shift_[j][1] + own[1],
                                               image[2] - shift_[j][2] + own[2]};
            visit(j, offset);
          }
        }
  }

  const std::array<int, 3>& bins() const { return bins_; }

 private:
  static int floor_div(int a, int n) { return a >= 0 ? a / n : -((-a + n - 1) / n); }
  // The bin of f folded into the cell, and how many cells f lies away from it.
  void place(Vec3 f, int bin[3], int shift[3]) const;

  std::array<int, 3> bins_{1, 1, 1};
  std::array<int, 3> range_{0, 0, 0};
  int dimension_ = 3;
  std::vector<int> start_, members_;
  std::vector<std::array<int, 3>> shift_;
};

// Perpendicular distance (Å) between the lattice planes spanned by the two
// cell vectors other than `axis`: how far apart successive cells are along it.
double plane_spacing(const Vec3 vectors[3], int axis);

}  // namespace coatkmc
