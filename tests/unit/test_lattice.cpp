#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/TextbookLattices.hpp"

using namespace coatkmc;

namespace {

struct Expected {
  const char* type;
  int coordination;
  double hop_length;  // in units of a
  int basis;          // sites per conventional cell
  int dimension;
};

const Expected kExpected[] = {
    {"sc", 6, 1.0, 1, 3},
    {"bcc", 8, std::sqrt(3.0) / 2, 2, 3},
    {"fcc", 12, 1 / std::sqrt(2.0), 4, 3},
    {"diamond", 4, std::sqrt(3.0) / 4, 8, 3},
    {"square", 4, 1.0, 1, 2},
    {"triangular", 6, 1.0, 1, 2},
    {"honeycomb", 3, 1 / std::sqrt(3.0), 2, 2},
};

// Whether `d` is a whole number of supercell vectors (cells[i] * a_i). The
// fractional coordinates come from Cramer's rule on the cell vectors; for 2D
// lattices the third vector is the layer normal, so d has no part along it.
bool is_supercell_translation(const Lattice& lat, Vec3 d) {
  const Vec3* a = lat.description().vectors;
  const double det = dot(a[0], cross(a[1], a[2]));
  const double f[3] = {dot(d, cross(a[1], a[2])) / det, dot(a[0], cross(d, a[2])) / det,
                       dot(a[0], cross(a[1], d)) / det};
  for (int i = 0; i < 3; ++i) {
    const double m = f[i] / lat.cells()[i];
    if (std::fabs(m - std::round(m)) > 1e-9) return false;
  }
  return true;
}

class TextbookLattice : public ::testing::TestWithParam<Expected> {};

TEST_P(TextbookLattice, CoordinationHopLengthAndPeriodicImages) {
  const Expected e = GetParam();
  const double a = 3.7;
  const Lattice lat(make_textbook_lattice(e.type, a), {5, 4, 6});
  EXPECT_EQ(lat.dimension(), e.dimension);
  EXPECT_EQ(lat.basis_size(), e.basis);
  const int64_t cells = e.dimension == 3 ? 5 * 4 * 6 : 5 * 4;
  EXPECT_EQ(lat.num_sites(), cells * e.basis);
  EXPECT_EQ(lat.max_coordination(), e.coordination);
  for (int64_t s = 0; s < lat.num_sites(); ++s) {
    std::set<int32_t> targets;
    for (int k = 0; k < lat.max_coordination(); ++k) {
      const int32_t t = lat.neighbor(s, k);
      ASSERT_GE(t, 0);
      ASSERT_NE(t, s);
      targets.insert(t);
      const HopTemplate& h = lat.hop(s, k);
      EXPECT_NEAR(h.length, e.hop_length * a, 1e-9);
      EXPECT_NEAR(norm(h.displacement), h.length, 1e-12);
      // The target sits where the hop vector leads, up to a supercell
      // translation: the wrapped image when the hop crosses the boundary.
      const Vec3 d = lat.position(t) - lat.position(s) - h.displacement;
      EXPECT_TRUE(is_supercell_translation(lat, d)) << "site " << s << " hop " << k;
      // The reverse hop leads back.
      const int back = lat.reverse_direction(lat.basis_of(s), k);
      ASSERT_GE(back, 0);
      EXPECT_EQ(lat.neighbor(t, back), s);
    }
    EXPECT_EQ(static_cast<int>(targets.size()), e.coordination) << "site " << s;
  }
}

INSTANTIATE_TEST_SUITE_P(All, TextbookLattice, ::testing::ValuesIn(kExpected),
                         [](const auto& info) { return std::string(info.param.type); });

}  // namespace

namespace {

TEST(LatticeWrapping, HopsAcrossTheBoundaryReachTheWrappedImage) {
  // Simple cubic 5 x 4 x 3: from the last cell along a vector the hop
  // outwards lands in the first cell of the same row, and from the first cell
  // the hop backwards lands in the last one.
  const double a = 2.0;
  const Lattice lat(make_textbook_lattice("sc", a), {5, 4, 3});
  auto site = [&](int i, int j, int k) { return (int64_t(k) * 4 + j) * 5 + i; };
  auto direction = [&](Vec3 v) {
    for (int k = 0; k < lat.max_coordination(); ++k)
      if (norm(lat.hop(0, k).displacement - v) < 1e-12) return k;
    return -1;
  };
  const int px = direction({a, 0, 0}), mx = direction({-a, 0, 0});
  const int py = direction({0, a, 0}), mz = direction({0, 0, -a});
  ASSERT_GE(std::min({px, mx, py, mz}), 0);
  EXPECT_EQ(lat.neighbor(site(4, 2, 1), px), site(0, 2, 1));
  EXPECT_EQ(lat.neighbor(site(0, 2, 1), mx), site(4, 2, 1));
  EXPECT_EQ(lat.neighbor(site(3, 3, 2), py), site(3, 0, 2));
  EXPECT_EQ(lat.neighbor(site(3, 3, 0), mz), site(3, 3, 2));
  // Inside the supercell nothing wraps.
  EXPECT_EQ(lat.neighbor(site(2, 2, 1), px), site(3, 2, 1));
  // The wrapped image differs from the hop by exactly one supercell vector.
  const Vec3 d = lat.position(site(0, 2, 1)) - lat.position(site(4, 2, 1)) - Vec3{a, 0, 0};
  EXPECT_NEAR(d.x, -5 * a, 1e-12);
  EXPECT_NEAR(d.y, 0, 1e-12);
  EXPECT_NEAR(d.z, 0, 1e-12);
}

TEST(LatticeWrapping, SmallestSupercellsKeepImagesDistinct) {
  // Three cells are the fewest along a vector that a nearest-neighbour hop
  // crosses in both directions; two would make +x and -x one site and Lattice refuses.
  EXPECT_NO_THROW(Lattice(make_textbook_lattice("sc", 3.0), {3, 3, 3}));
  EXPECT_THROW(Lattice(make_textbook_lattice("sc", 3.0), {2, 3, 3}), std::invalid_argument);
  EXPECT_THROW(Lattice(make_textbook_lattice("sc", 3.0), {3, 3, 1}), std::invalid_argument);
  EXPECT_NO_THROW(Lattice(make_textbook_lattice("square", 3.0), {3, 3, 1}));
}

}  // namespace
