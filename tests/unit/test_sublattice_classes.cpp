#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"
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
  int modulus = -1;    // the linear rule's M expected (0: the box rule; -1: not checked)
};

// A textbook lattice (a = 3 Å) or a built-in oxide (its default parameters).
LatticeDescription description_of(const std::string& type) {
  for (const std::string& o : oxide_lattice_names())
    if (o == type) return make_oxide_lattice(type, OxideOptions{});
  return make_textbook_lattice(type, 3.0);
}

void PrintTo(const TilingCase& c, std::ostream* os) {
  *os << c.type << "_" << c.cells[0] << "x" << c.cells[1] << "x" << c.cells[2]
      << (c.interaction ? "_interacting" : "") << (c.read_reach ? "_environment" : "");
}

// Members of site class sigma in tile (p, u), as site indices (the rows of
// SublatticeTiling::class_rows, as the CPU sweep and the device scan walk them).
std::vector<int32_t> members(const Lattice& lat, const SublatticeTiling& t, int p, int u,
                             int sigma) {
  int32_t tile[3];
  t.tile_of(p, u, tile);
  ClassRows r;
  t.class_rows(tile, sigma, r);
  std::vector<int32_t> out;
  for (int z = 0; z < r.count2; ++z)
    for (int y = 0; y < r.count1; ++y)
      for (int e = t.row_start(r.phase, y, z); e < r.span0; e += r.step[0]) {
        const int64_t i = r.first[0] + e, j = r.first[1] + y * r.step[1],
                      k = r.first[2] + z * r.step[2];
        EXPECT_LT(i, lat.cells()[0]);
        EXPECT_LT(j, lat.cells()[1]);
        EXPECT_LT(k, lat.cells()[2]);
        out.push_back(static_cast<int32_t>(
            ((k * lat.cells()[1] + j) * lat.cells()[0] + i) * lat.basis_size() + r.b));
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
  if (read_reach == 0) return r;
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
  const Lattice lat(description_of(c.type), c.cells);
  const HopSteps hops = make_hop_steps(lat);
  const SublatticeTiling t = make_sublattice_tiling(lat, hops.reach, c.interaction,
                                                    {c.read_reach, c.read_reach, c.read_reach});
  if (c.modulus >= 0) EXPECT_EQ(t.code_modulus, c.modulus);
  bool tiled = true;
  for (int a = 0; a < 3; ++a) tiled = tiled && t.axis[a].tiles >= 2;
  if (!tiled) EXPECT_EQ(t.code_modulus, 0) << "an axis of one tile keeps the box rule";
  if (t.code_modulus > 0)
    EXPECT_LT(t.code_modulus, t.axis[0].spacing * t.axis[1].spacing * t.axis[2].spacing);
  std::vector<int> visits(lat.num_sites(), 0);
  // stamp[x] = the class instance that last wrote x, by member who[x].
  std::vector<int> stamp(lat.num_sites(), -1), who(lat.num_sites(), -1);
  int instance = 0;
  for (int p = 0; p < t.parity_classes; ++p) {
    // owner[site] = tile whose attempts may write the site in this parity class.
    std::vector<int> owner(lat.num_sites(), -1);
    std::vector<std::vector<int32_t>> tile_sites(t.tiles_per_parity);
    for (int u = 0; u < t.tiles_per_parity; ++u)
      for (int sigma = 0; sigma < t.site_classes; ++sigma) {
        const std::vector<int32_t> m = members(lat, t, p, u, sigma);
        // Within one class of one tile: no two members write one site, and
        // no member reads what another writes.
        ++instance;
        for (int32_t a : m) {
          ++visits[a];
          for (int32_t x : write_set(lat, a)) {
            ASSERT_FALSE(stamp[x] == instance && who[x] != a)
                << "class " << sigma << ": sites " << who[x] << " and " << a << " write " << x;
            stamp[x] = instance;
            who[x] = a;
          }
        }
        for (int32_t a : m)
          for (int32_t x : read_set(lat, a, c.interaction, c.read_reach))
            ASSERT_FALSE(stamp[x] == instance && who[x] != a)
                << "class " << sigma << ": site " << a << " reads " << x << ", which " << who[x]
                << " writes";
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
                      TilingCase{"bcc", {10, 5, 4}, false, 2},
                      // The linear rule: every axis cut into two or more tiles
                      // (M as the search finds it; the test checks the classes).
                      TilingCase{"sc", {16, 16, 16}, false, 0, 7},
                      TilingCase{"sc", {13, 6, 9}, false, 0, 7},  // uneven tiles
                      TilingCase{"sc", {16, 8, 8}, true, 0, 12},
                      TilingCase{"sc", {8, 8, 8}, false, 2},  // a box of reads
                      TilingCase{"bcc", {8, 6, 6}, false},
                      TilingCase{"bcc", {8, 8, 8}, true},
                      TilingCase{"fcc", {6, 6, 7}, false},
                      TilingCase{"fcc", {8, 8, 8}, true},
                      TilingCase{"diamond", {8, 8, 8}, false},
                      TilingCase{"diamond", {8, 8, 8}, true},
                      TilingCase{"perovskite", {6, 6, 6}, false, 0, 7},
                      TilingCase{"perovskite", {8, 8, 8}, true},
                      TilingCase{"perovskite", {8, 8, 8}, false, 1},
                      TilingCase{"spinel", {6, 6, 6}, false},
                      TilingCase{"spinel", {8, 8, 8}, true},
                      // No two octahedral (or tetrahedral) Li share a target: one class each.
                      TilingCase{"rocksalt", {6, 6, 6}, false, 0, 1},
                      TilingCase{"rocksalt", {8, 8, 8}, true},
                      TilingCase{"layered", {6, 6, 6}, false},
                      TilingCase{"layered", {8, 8, 8}, true},
                      TilingCase{"layered", {6, 6, 6}, false, 1}),
    [](const auto& info) {
      std::string n = std::string(info.param.type) + "_" + std::to_string(info.param.cells[0]) +
                      "x" + std::to_string(info.param.cells[1]) + "x" +
                      std::to_string(info.param.cells[2]);
      return n + (info.param.interaction ? "_J" : "") + (info.param.read_reach ? "_env" : "");
    });

// sc without an interaction: two attempts conflict when their sites are at
// most two hops apart (each writes its site and a neighbour and reads its
// neighbours), and (c0 + 2 c1 + 3 c2) mod 7, the perfect code of Z^3, keeps
// same-class sites three or more hops apart: 7 classes per tile, the fewest
// any rule can have (a site and its six neighbours conflict pairwise).
TEST(SublatticeLinearClasses, ScWithoutInteractionTakesSevenClasses) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {64, 64, 64});
  const SublatticeTiling t = make_sublattice_tiling(lat, make_hop_steps(lat).reach, false);
  EXPECT_EQ(t.code_modulus, 7);
  EXPECT_EQ(t.code_k[0], 2);
  EXPECT_EQ(t.code_k[1], 3);
  EXPECT_EQ(t.site_classes, 7);
  EXPECT_EQ(t.parity_classes, 8);
  // The conflicts: every displacement of at most two hops (25 with 0).
  const std::vector<std::array<int32_t, 3>> d =
      conflict_displacements(lat, make_hop_steps(lat), false, {0, 0, 0}, 0);
  EXPECT_EQ(d.size(), 25u);
  for (const auto& e : d) EXPECT_LE(std::abs(e[0]) + std::abs(e[1]) + std::abs(e[2]), 2);
  // No rule with fewer classes exists.
  EXPECT_EQ(search_linear_class_rule(d, 7).modulus, 0);
  // Each tile's 7 classes hold its 16^3 cells once each, in 585 or 586 members.
  int32_t tile[3] = {0, 0, 0};
  std::vector<int> seen(16 * 16 * 16, 0);
  for (int j = 0; j < 7; ++j) {
    ClassRows r;
    t.class_rows(tile, j, r);
    int members = 0;
    for (int z = 0; z < r.count2; ++z)
      for (int y = 0; y < r.count1; ++y)
        for (int e = t.row_start(r.phase, y, z); e < r.span0; e += r.step[0]) {
          EXPECT_EQ((e + 2 * y + 3 * z) % 7, j);
          ++seen[(z * 16 + y) * 16 + e];
          ++members;
        }
    EXPECT_GE(members, 585);
    EXPECT_LE(members, 586);
  }
  for (int v : seen) ASSERT_EQ(v, 1);
  // An axis of one tile (5 cells < twice the spacing 3) keeps the box rule.
  const Lattice thin(make_textbook_lattice("sc", 3.0), {64, 64, 5});
  const SublatticeTiling b = make_sublattice_tiling(thin, make_hop_steps(thin).reach, false);
  EXPECT_EQ(b.code_modulus, 0);
  EXPECT_EQ(b.site_classes, 3 * 3 * 5);
}

TEST(SublatticeClassOrders, ArePermutationsThatChangeEverySweepAndRepeatForTheSameKey) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {8, 8, 8});
  const SublatticeTiling t = make_sublattice_tiling(lat, make_hop_steps(lat).reach, true);
  ASSERT_EQ(t.parity_classes, 8);
  ASSERT_EQ(t.site_classes, 12);  // the linear rule: M = 12 (64 under the box rule)
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
