// The independent reference of the environment-model tests
// (EnvironmentReference.hpp) checked on its own: its energies against counts
// made by hand, and its Metropolis sampler against exact enumeration. The
// engine's tests (test_environment_*.cpp) lean on both.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "EnvironmentReference.hpp"

using namespace coatkmc::validation::envref;

namespace {

std::vector<ClusterShape> operator+(std::vector<ClusterShape> a, const std::vector<ClusterShape>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Two Li side by side along x and a La above the first, on a 4x4x4 box:
// one Li-Li pair at a, one Li-La pair at a, one Li-La pair at a sqrt(2).
// Then a third Li at x = 3, a neighbour of the first across the periodic
// boundary and a sqrt(2) neighbour of the La.
TEST(EnvironmentReference, EnergyCountsClustersByHand) {
  const Grid g{4, 4, 4};
  const Hamiltonian h(g, pair_shell(kLi, kLi, 1, 0.1) + pair_shell(kLi, kLa, 1, 0.01) +
                             pair_shell(kLi, kLa, 2, 0.001) + pair_shell(kLi, kLi, 2, 1.0));
  std::vector<uint8_t> occ(g.size(), kVacancy);
  occ[g.index(0, 0, 0)] = kLi;
  occ[g.index(1, 0, 0)] = kLi;
  occ[g.index(0, 0, 1)] = kLa;
  EXPECT_NEAR(h.energy(occ), 0.1 + 0.01 + 0.001, 1e-15);
  // Across the periodic boundary: Li at x = 3 is a neighbour of the Li at x = 0.
  occ[g.index(3, 0, 0)] = kLi;
  EXPECT_NEAR(h.energy(occ), 2 * 0.1 + 0.01 + 2 * 0.001, 1e-15);
  // The local energy difference of a swap equals the difference of totals.
  std::vector<uint8_t> moved = occ;
  std::swap(moved[g.index(1, 0, 0)], moved[g.index(1, 1, 0)]);
  EXPECT_NEAR(h.swap_delta(occ, g.index(1, 0, 0), g.index(1, 1, 0)), h.energy(moved) - h.energy(occ),
              1e-15);
  // Pair shells have 3, 6 and 4 bonds per site (half of 6, 12, 8) for like occupants.
  EXPECT_EQ(pair_shell(kLi, kLi, 1, 1).size(), 3u);
  EXPECT_EQ(pair_shell(kLi, kLi, 2, 1).size(), 6u);
  EXPECT_EQ(pair_shell(kLi, kLi, 3, 1).size(), 4u);
  EXPECT_EQ(pair_shell(kLi, kLa, 1, 1).size(), 6u);
  // The cube's orbits give the same bonds, and 12 right-angled triplets per
  // corner site (3 choices of plane x 4 quadrants), 24 when two of its
  // occupants differ from the third and the corner is not symmetric.
  EXPECT_EQ(cubic_orbit({{Offset{0, 0, 0}, Offset{1, 0, 0}}, {kLi, kLi}, 1}).size(), 3u);
  EXPECT_EQ(cubic_orbit({{Offset{0, 0, 0}, Offset{1, 0, 0}}, {kLi, kLa}, 1}).size(), 6u);
  EXPECT_EQ(cubic_orbit({{Offset{0, 0, 0}, Offset{1, 0, 0}, Offset{0, 1, 0}}, {kLi, kLi, kLi}, 1}).size(),
            12u);
  EXPECT_EQ(cubic_orbit({{Offset{0, 0, 0}, Offset{1, 0, 0}, Offset{0, 1, 0}}, {kLa, kLi, kLi}, 1}).size(),
            12u);
  EXPECT_EQ(cubic_orbit({{Offset{0, 0, 0}, Offset{1, 0, 0}, Offset{0, 1, 0}}, {kLi, kLa, kLi}, 1}).size(),
            24u);
}

// The sampler's canonical averages on a 3x3x4 box (10 La fixed, 6 Li on 26
// open sites: 230230 arrangements, enumerated) agree with the exact ones
// within 4.5 batch standard errors, and those errors are small enough (below
// 2% of the value) to tell a Li-La repulsion of 0.02 eV from none.
TEST(EnvironmentReference, MetropolisMatchesExactEnumeration) {
  const Grid g{3, 3, 4};
  const double kT = 0.025;
  const Hamiltonian h(g, pair_shell(kLi, kLa, 1, 0.02) + pair_shell(kLi, kLi, 1, 0.03) +
                             pair_shell(kLi, kLi, 2, -0.01));
  std::vector<uint8_t> frame(g.size(), kVacancy);
  std::vector<int> class_of(g.size(), -1);
  for (int i = 0; i < g.size(); ++i) {
    const Offset c = g.coords(i);
    // La on the even layers where x + y is even: a La-rich / La-poor stacking.
    if (c[2] % 2 == 0 && (c[0] + c[1]) % 2 == 0) frame[i] = kLa;
    if (frame[i] == kVacancy) class_of[i] = c[2] % 2;  // 0: open site of a La-rich layer, 1: La-poor
  }
  int open = 0;
  for (uint8_t o : frame) open += o == kVacancy;
  ASSERT_EQ(open, 26);
  const int ions = 6;
  const Observables exact = enumerate_exact(h, frame, ions, kT, class_of, 2);
  std::vector<uint8_t> start = frame;
  for (int i = 0, placed = 0; i < g.size() && placed < ions; ++i)
    if (start[i] == kVacancy) start[i] = kLi, ++placed;
  const ObservableBatches mc = metropolis(h, start, kT, class_of, 2, 7, 200, 40, 500);
  const double want[] = {exact.occupation[0], exact.occupation[1], exact.li_li_nn, exact.li_li_2nn};
  const char* names[] = {"Li per open La-rich site", "Li per La-poor site", "Li-Li pairs at a",
                         "Li-Li pairs at a sqrt2"};
  for (int k = 0; k < 4; ++k) {
    const BatchMean m = mc.component(k);
    std::printf("  %-26s Metropolis %.5f +- %.5f, exact %.5f (%+.2f sigma)\n", names[k], m.value,
                m.error, want[k], (m.value - want[k]) / m.error);
    EXPECT_LT(std::fabs(m.value - want[k]), 4.5 * m.error) << names[k];
  }
  // The repulsion matters: without it the La-rich open sites would hold
  // 6/26 Li each, like the La-poor ones.
  EXPECT_LT(mc.component(0).error, 0.02 * exact.occupation[0]);
  EXPECT_GT(std::fabs(exact.occupation[0] - 6.0 / 26), 20 * mc.component(0).error);
}

}  // namespace
