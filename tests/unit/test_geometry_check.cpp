// check_lattice_geometry (host/config) agrees with what Lattice accepts, and
// finds the same problems cheaply on supercells too large to build.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>

#include "kmc/simulation/GeometryCheck.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/TextbookLattices.hpp"

using namespace coatkmc;

namespace {

bool lattice_accepts(const LatticeDescription& d, std::array<int, 3> cells) {
  try {
    Lattice lattice(d, cells);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

TEST(GeometryCheck, AgreesWithLatticeOnSmallSupercells) {
  // Every textbook lattice with 1 to 4 cells along each vector, with the
  // nearest-neighbour cutoff and (most of them) with one reaching further shells.
  int accepted = 0, refused = 0;
  for (const std::string& type : textbook_lattice_names())
    for (double cutoff : {0.0, 1.45}) {
      // (fcc and diamond reach 40 to 100 neighbours at 1.45 a: slow to build, nothing new.)
      if (cutoff > 0 && (type == "fcc" || type == "diamond")) continue;
      LatticeDescription d = make_textbook_lattice(type, 1.0);
      d.hop_cutoff = cutoff;
      const int n3 = d.dimension == 3 ? 4 : 1;
      for (int i = 1; i <= 4; ++i)
        for (int j = 1; j <= 4; ++j)
          for (int k = 1; k <= n3; ++k) {
            const std::array<int, 3> cells{i, j, k};
            const bool ok = lattice_accepts(d, cells);
            const auto problem = check_lattice_geometry(d, cells);
            EXPECT_EQ(!problem.has_value(), ok)
                << type << " cutoff " << cutoff << " cells " << i << " " << j << " " << k
                << (problem ? ": " + problem->what : std::string());
            if (problem) EXPECT_EQ(problem->cause, GeometryProblem::Cause::Cells) << type;
            (ok ? accepted : refused) += 1;
          }
    }
  // Both outcomes occur, so the agreement means something.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(refused, 100);
}

TEST(GeometryCheck, FindsCoincidingImagesWithoutBuildingAHugeSupercell) {
  // 2 x 3000 x 3000 simple cubic cells: 18 million sites, too many to build in a
  // check; the hop templates alone show that +x and -x reach one site.
  const LatticeDescription sc = make_textbook_lattice("sc", 3.9);
  const auto problem = check_lattice_geometry(sc, {2, 3000, 3000});
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->cause, GeometryProblem::Cause::Cells);
  EXPECT_FALSE(check_lattice_geometry(sc, {3, 3000, 3000}).has_value());
}

TEST(GeometryCheck, RejectsCutoffsThatReachNothingOrTooMuch) {
  LatticeDescription sc = make_textbook_lattice("sc", 3.9);
  sc.hop_cutoff = 3.0;  // below the nearest-neighbour distance
  auto problem = check_lattice_geometry(sc, {8, 8, 8});
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->cause, GeometryProblem::Cause::Cutoff);

  // 4 shells of sc reach 6 + 12 + 8 + 6 = 32 neighbours: fine. A cutoff of
  // 3.9 a reaches about 4/3 pi 3.9^3 ~ 250 sites, 4.2 a more than 300.
  sc.hop_cutoff = 2.0 * 3.9 * (1 + 1e-9);
  EXPECT_FALSE(check_lattice_geometry(sc, {8, 8, 8}).has_value());
  sc.hop_cutoff = 4.2 * 3.9;
  problem = check_lattice_geometry(sc, {20, 20, 20});
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->cause, GeometryProblem::Cause::Cutoff);
  EXPECT_EQ(max_hop_neighbors(), 255);

  // An absurd cutoff is refused at once, from the density.
  sc.hop_cutoff = 1000;
  problem = check_lattice_geometry(sc, {512, 512, 512});
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->cause, GeometryProblem::Cause::Cutoff);
}

// The hop table the check made is handed on (SimulationSettings::hops): the
// coordination, the hop network and the Lattice made from it are those of a
// fresh search, and a description changed since (one bit of one site, the
// cutoff) never gets it.
TEST(GeometryCheck, HandsOnItsHopTableOnlyForTheSameDescription) {
  LatticeDescription d = make_textbook_lattice("bcc", 3.3);
  d.hop_cutoff = 3.3 * 1.01;  // two shells: 8 + 6
  const std::array<int, 3> cells{4, 4, 4};
  std::shared_ptr<const KnownHops> made;
  ASSERT_FALSE(check_lattice_geometry(d, cells, &made).has_value());
  ASSERT_TRUE(made);
  const HopTable* known = hops_if_known(d, made.get());
  ASSERT_NE(known, nullptr);
  EXPECT_EQ(known->zmax, 14);
  EXPECT_EQ(hop_coordination(d, made.get()), hop_coordination(d));
  EXPECT_EQ(hop_network(d, made.get()).summary(), hop_network(d).summary());
  const Lattice shared(d, cells, known), searched(d, cells);
  ASSERT_EQ(shared.max_coordination(), searched.max_coordination());
  EXPECT_EQ(shared.hop_cutoff(), searched.hop_cutoff());
  for (int b = 0; b < searched.basis_size(); ++b)
    for (int k = 0; k < searched.coordination(b); ++k) {
      EXPECT_EQ(shared.hops(b)[k].length, searched.hops(b)[k].length);
      EXPECT_EQ(shared.reverse_direction(b, k), searched.reverse_direction(b, k));
    }
  for (int64_t s = 0; s < searched.num_sites(); ++s)
    for (int k = 0; k < searched.max_coordination(); ++k)
      ASSERT_EQ(shared.neighbor(s, k), searched.neighbor(s, k));

  LatticeDescription moved = d;
  moved.basis.back().fractional.x = std::nextafter(moved.basis.back().fractional.x, 1.0);
  EXPECT_EQ(hops_if_known(moved, made.get()), nullptr);
  LatticeDescription cut = d;
  cut.hop_cutoff = 3.3;
  EXPECT_EQ(hops_if_known(cut, made.get()), nullptr);
  EXPECT_EQ(hops_if_known(d, nullptr), nullptr);
  // A refused description hands nothing on.
  std::shared_ptr<const KnownHops> none;
  LatticeDescription near = d;
  near.hop_cutoff = 1.0;
  EXPECT_TRUE(check_lattice_geometry(near, cells, &none).has_value());
  EXPECT_FALSE(none);
}

}  // namespace
