#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/solvers/HopSteps.hpp"
#include "kmc/solvers/SublatticeClasses.hpp"

using namespace coatkmc;

namespace {

struct TilingCase {
  const char* type;
  std::array<int, 3> cells;
  bool interaction;
  int read_reach = 0;  // an environment model reads every site this many cells away
};

void PrintTo(const TilingCase& c, std::ostream* os) {
  *os << c.type << "_" << c.cells[0] << "x" << c.cells[1] << "x" << c.cells[2]
      << (c.interaction ? "_interacting" : "") << (c.read_reach ? "_environment" : "");
}

// Members of site class sigma in tile (p, u), as site indices.
std::vector<int32_t> members(const Lattice& lat, const SublatticeTiling& t, int p, int u,
                             int sigma) {
  int32_t tile[3], c[3], b, first[3], count[3];
  t.tile_of(p, u, tile);
  t.site_class(sigma, c, b);
  for (int a = 0; a < 3; ++a) t.axis[a].members(tile[a], c[a], first[a], count[a]);
  std::vector<int32_t> out;
  for (int z = 0; z < count[2]; ++z)
    for (int y = 0; y < count[1]; ++y)
      for (int x = 0; x < count[0]; ++x) {
        const int64_t i = first[0] + x * t.axis[0].spacing, j = first[1] + y * t.axis[1].spacing,
                      k = first[2] + z * t.axis[2].spacing;
        EXPECT_LT(i, lat.cells()[0]);
        EXPECT_LT(j, lat.cells()[1]);
        EXPECT_LT(k, lat.cells()[2]);
        out.push_back(static_cast<int32_t>(
            ((k * lat.cells()[1] + j) * lat.cells()[0] + i) * lat.basis_size() + b));
      }
  return out;
}

// Sites an attempt from s may write (s and its targets) and read (also the
// targets' neighbours when there is an interaction).
std::set<int32_t> write_set(const Lattice& lat, int32_t s) {
  std::set<int32_t> w{s};
  for (int k = 0; k < lat.max_coordination(); ++k)
    if (lat.neighbor(s, k) >= 0) w.insert(lat.neighbor(s, k));
  return w;
}
std::set<int32_t> read_set(const Lattice& lat, int32_t s, bool interaction, int read_reach = 0) {
  std::set<int32_t> r = write_set(lat, s);
  if (interaction)
    for (int32_t t : write_set(lat, s))
      for (int32_t q : write_set(lat, t)) r.insert(q);
  // Every site of every cell within read_reach cells along each axis.
  const int nb = lat.basis_size();
  const int64_t cell = s / nb;
  const int c0 = int(cell % lat.cells()[0]), c1 = int(cell / lat.cells()[0] % lat.cells()[1]),
            c2 = int(cell / lat.cells()[0] / lat.cells()[1]);
  auto wrap = [](int x, int n) { return ((x % n) + n) % n; };
  for (int z = -read_reach; z <= read_reach; ++z)
    for (int y = -read_reach; y <= read_reach; ++y)
      for (int x = -read_reach; x <= read_reach; ++x)
        for (int b = 0; b < nb; ++b)
          r.insert(static_cast<int32_t>(
              ((int64_t(wrap(c2 + z, lat.cells()[2])) * lat.cells()[1] + wrap(c1 + y, lat.cells()[1])) *
                   lat.cells()[0] +
               wrap(c0 + x, lat.cells()[0])) *
                  nb +
              b));
  return r;
}

class SublatticeTilingTest : public ::testing::TestWithParam<TilingCase> {};

// The property the solver's determinism rests on: sites that run at the same
// time never touch what another reads or writes. Concurrent are the members of
// one site class of one tile, and any two sites of different tiles of one
// parity class (those tiles proceed through their site classes independently).
// And every mobile site is visited exactly once per sweep.
TEST_P(SublatticeTilingTest, ConcurrentSitesNeverConflictAndEverySiteIsVisitedOnce) {
  const TilingCase c = GetParam();
  const Lattice lat(make_textbook_lattice(c.type, 3.0), c.cells);
  const HopSteps hops = make_hop_steps(lat);
  const SublatticeTiling t = make_sublattice_tiling(lat, hops.reach, c.interaction,
                                                    {c.read_reach, c.read_reach, c.read_reach});
  std::vector<int> visits(lat.num_sites(), 0);
  for (int p = 0; p < t.parity_classes; ++p) {
    // owner[site] = tile whose attempts may write the site in this parity class.
    std::vector<int> owner(lat.num_sites(), -1);
    std::vector<std::vector<int32_t>> tile_sites(t.tiles_per_parity);
    for (int u = 0; u < t.tiles_per_parity; ++u)
      for (int sigma = 0; sigma < t.site_classes; ++sigma) {
        const std::vector<int32_t> m = members(lat, t, p, u, sigma);
        // Within one class of one tile: no member reads what another writes.
        for (size_t a = 0; a < m.size(); ++a) {
          ++visits[m[a]];
          const std::set<int32_t> ra = read_set(lat, m[a], c.interaction, c.read_reach);
          for (size_t bb = 0; bb < m.size(); ++bb)
            if (a != bb)
              for (int32_t x : write_set(lat, m[bb])) ASSERT_EQ(ra.count(x), 0u);
        }
        tile_sites[u].insert(tile_sites[u].end(), m.begin(), m.end());
      }
    for (int u = 0; u < t.tiles_per_parity; ++u)
      for (int32_t s : tile_sites[u])
        for (int32_t x : write_set(lat, s)) {
          ASSERT_TRUE(owner[x] == -1 || owner[x] == u) << "two tiles write site " << x;
          owner[x] = u;
        }
    for (int u = 0; u < t.tiles_per_parity; ++u)
      for (int32_t s : tile_sites[u])
        for (int32_t x : read_set(lat, s, c.interaction, c.read_reach))
          ASSERT_TRUE(owner[x] == -1 || owner[x] == u)
              << "tile " << u << " reads site " << x << " that tile " << owner[x] << " writes";
  }
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    EXPECT_EQ(visits[s], lat.is_mobile(s) ? 1 : 0) << "site " << s;
}

INSTANTIATE_TEST_SUITE_P(
    Lattices, SublatticeTilingTest,
    ::testing::Values(TilingCase{"sc", {8, 8, 8}, false}, TilingCase{"sc", {8, 8, 8}, true},
                      TilingCase{"sc", {7, 9, 5}, true},    // one wrapping tile per axis
                      TilingCase{"sc", {34, 6, 3}, false},  // several tiles along x
                      TilingCase{"sc", {35, 4, 4}, true},   // odd split, narrow axes
                      TilingCase{"bcc", {6, 5, 4}, true}, TilingCase{"fcc", {4, 5, 6}, false},
                      TilingCase{"fcc", {8, 4, 3}, true}, TilingCase{"diamond", {3, 4, 3}, true},
                      TilingCase{"square", {9, 10, 1}, true},
                      TilingCase{"triangular", {7, 6, 1}, false},
                      TilingCase{"honeycomb", {6, 7, 1}, true},
                      // The environment model: reads 2 cells away (spacing 1 + 2 + 1).
                      TilingCase{"sc", {17, 9, 8}, false, 2},
                      TilingCase{"bcc", {10, 5, 4}, false, 2}),
    [](const auto& info) {
      std::string n = std::string(info.param.type) + "_" + std::to_string(info.param.cells[0]) +
                      "x" + std::to_string(info.param.cells[1]) + "x" +
                      std::to_string(info.param.cells[2]);
      return n + (info.param.interaction ? "_J" : "") + (info.param.read_reach ? "_env" : "");
    });

TEST(SublatticeClassOrders, ArePermutationsThatChangeEverySweepAndRepeatForTheSameKey) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {8, 8, 8});
  const SublatticeTiling t = make_sublattice_tiling(lat, make_hop_steps(lat).reach, true);
  ASSERT_EQ(t.parity_classes, 8);
  ASSERT_EQ(t.site_classes, 64);  // spacing 4 along each axis
  auto draw = [&](uint64_t sweep) {
    std::vector<uint8_t> p(t.parity_classes);
    std::vector<uint16_t> s(static_cast<size_t>(t.parity_classes) * t.site_classes);
    draw_class_orders(t, 42, 3, sweep, p.data(), s.data());
    std::vector<int> all(p.begin(), p.end());
    all.insert(all.end(), s.begin(), s.end());
    return all;
  };
  const std::vector<int> a = draw(17), b = draw(17), c = draw(18);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (int p = 0; p < t.parity_classes; ++p) {
    std::vector<int> row(a.begin() + t.parity_classes + p * t.site_classes,
                         a.begin() + t.parity_classes + (p + 1) * t.site_classes);
    std::sort(row.begin(), row.end());
    for (int i = 0; i < t.site_classes; ++i) ASSERT_EQ(row[i], i);
  }
  std::vector<int> parity(a.begin(), a.begin() + t.parity_classes);
  std::sort(parity.begin(), parity.end());
  for (int i = 0; i < t.parity_classes; ++i) EXPECT_EQ(parity[i], i);
}

}  // namespace
