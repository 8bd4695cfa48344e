#include <gtest/gtest.h>

#include <cmath>
#include <set>

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
      // The minimum-image distance between the two sites equals the hop length.
      const Vec3 d = lat.position(t) - lat.position(s) - h.displacement;
      // d must be a lattice translation of the supercell (periodic wrap).
      (void)d;
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
