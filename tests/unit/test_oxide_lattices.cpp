// Geometry of the built-in oxide lattices against their crystal structures:
// sites per conventional cell, coordination of the hop network, hop lengths,
// and cation-oxygen distances that show the atoms sit where the structure has them.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "kernels/HopEnergy.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/state/SystemState.hpp"

using namespace coatkmc;

namespace {

std::map<std::string, int> count_sublattices(const LatticeDescription& d) {
  std::map<std::string, int> n;
  for (const BasisSite& b : d.basis) ++n[b.sublattice];
  return n;
}

// Distances (Å) from basis site `from` to every site of `sublattice` within `reach`.
std::vector<double> distances_to(const LatticeDescription& d, int from,
                                 const std::string& sublattice, double reach) {
  std::vector<double> out;
  for (const BasisSite& b : d.basis) {
    if (b.sublattice != sublattice) continue;
    for (int i = -2; i <= 2; ++i)
      for (int j = -2; j <= 2; ++j)
        for (int k = -2; k <= 2; ++k) {
          const Vec3 f =
              b.fractional - d.basis[from].fractional + Vec3{double(i), double(j), double(k)};
          const Vec3 r = f.x * d.vectors[0] + f.y * d.vectors[1] + f.z * d.vectors[2];
          const double len = norm(r);
          if (len > 1e-9 && len <= reach) out.push_back(len);
        }
  }
  return out;
}

int first_basis(const LatticeDescription& d, const std::string& sublattice) {
  for (int b = 0; b < static_cast<int>(d.basis.size()); ++b)
    if (d.basis[b].sublattice == sublattice) return b;
  return -1;
}

// Every hop of every basis site of `sublattice`: count, length, target sublattice.
void expect_hops(const Lattice& lat, const std::string& sublattice, int count, double length,
                 const std::string& target) {
  const auto& d = lat.description();
  int seen = 0;
  for (int b = 0; b < lat.basis_size(); ++b) {
    if (d.basis[b].sublattice != sublattice) continue;
    ++seen;
    EXPECT_EQ(lat.coordination(b), count) << sublattice << " basis " << b;
    for (const HopTemplate& h : lat.hops(b)) {
      EXPECT_NEAR(h.length, length, 1e-9) << sublattice;
      EXPECT_EQ(d.basis[h.to_basis].sublattice, target) << sublattice;
    }
  }
  EXPECT_GT(seen, 0) << "no sublattice " << sublattice;
}

// The shortest distance between two atoms (transition sites excluded: they are empty).
double closest_atoms(const LatticeDescription& d) {
  double best = 1e9;
  for (int b = 0; b < static_cast<int>(d.basis.size()); ++b) {
    if (d.basis[b].transition) continue;
    for (const BasisSite& other : d.basis) {
      if (other.transition) continue;
      for (double r : distances_to(d, b, other.sublattice, 5.0)) best = std::min(best, r);
    }
  }
  return best;
}

void expect_all_near(const std::vector<double>& v, size_t count, double value, double tol) {
  ASSERT_EQ(v.size(), count);
  for (double x : v) EXPECT_NEAR(x, value, tol);
}

}  // namespace

TEST(OxideLattice, PerovskiteASiteNetworkIsSimpleCubic) {
  OxideOptions o;
  o.a = 3.87;
  const LatticeDescription d = make_oxide_lattice("perovskite", o);
  EXPECT_EQ(d.basis.size(), 5u);  // ABO3
  const auto n = count_sublattices(d);
  EXPECT_EQ(n.at("A"), 1);
  EXPECT_EQ(n.at("B"), 1);
  EXPECT_EQ(n.at("O"), 3);
  const Lattice lat(d, {4, 4, 4});
  EXPECT_EQ(lat.num_host_sites(), 64);
  expect_hops(lat, "A", 6, 3.87, "A");
  // B is octahedral: six O at a/2; A is twelve-fold: twelve O at a/sqrt(2).
  expect_all_near(distances_to(d, first_basis(d, "B"), "O", 2.5), 6, 3.87 / 2, 1e-9);
  expect_all_near(distances_to(d, first_basis(d, "A"), "O", 2.8), 12, 3.87 / std::sqrt(2.0), 1e-9);
}

TEST(OxideLattice, PerovskiteLayerOrderingAlternatesAlongC) {
  OxideOptions o;
  o.a = 3.87;
  o.ordering = "layered";
  const LatticeDescription d = make_oxide_lattice("perovskite", o);
  EXPECT_EQ(d.basis.size(), 10u);
  EXPECT_NEAR(d.vectors[2].z, 2 * 3.87, 1e-12);
  const Lattice lat(d, {4, 4, 2});
  for (const char* layer : {"A_La_rich", "A_La_poor"}) {
    const int b = first_basis(d, layer);
    ASSERT_EQ(lat.coordination(b), 6);
    int in_plane = 0;
    for (const HopTemplate& h : lat.hops(b)) {
      EXPECT_NEAR(h.length, 3.87, 1e-9);
      const bool same = d.basis[h.to_basis].sublattice == layer;
      // In-plane hops stay in the layer; hops along c go to the other layer.
      EXPECT_EQ(same, std::fabs(h.displacement.z) < 1e-9);
      in_plane += same;
    }
    EXPECT_EQ(in_plane, 4);
  }
  expect_all_near(distances_to(d, first_basis(d, "B"), "O", 2.5), 6, 3.87 / 2, 1e-9);
}

TEST(OxideLattice, Spinel8a16cPathAndCationCoordination) {
  OxideOptions o;
  o.a = 8.36;
  const LatticeDescription d = make_oxide_lattice("spinel", o);
  const auto n = count_sublattices(d);
  // Z = 8 formula units AB2O4 per cubic cell, plus the 16 empty 16c sites.
  EXPECT_EQ(n.at("8a"), 8);
  EXPECT_EQ(n.at("16c"), 16);
  EXPECT_EQ(n.at("16d"), 16);
  EXPECT_EQ(n.at("O"), 32);
  const Lattice lat(d, {2, 2, 2});
  const double a = 8.36;
  EXPECT_EQ(lat.num_host_sites(), 64);
  EXPECT_EQ(lat.num_mobile_sites(), 64 + 128);
  expect_hops(lat, "8a", 4, a * std::sqrt(3.0) / 8, "16c");
  expect_hops(lat, "16c", 2, a * std::sqrt(3.0) / 8, "8a");
  // 16c lies halfway between two 8a sites: its two hops point opposite ways,
  // so 8a -> 16c -> 8a is a straight a*sqrt(3)/4 step of the diamond network.
  const int c = first_basis(d, "16c");
  const Vec3 sum = lat.hops(c)[0].displacement + lat.hops(c)[1].displacement;
  EXPECT_NEAR(norm(sum), 0.0, 1e-9);
  expect_all_near(distances_to(d, first_basis(d, "8a"), "8a", 4.0), 4, a * std::sqrt(3.0) / 4,
                  1e-9);
  // 8a is tetrahedral (4 O at sqrt(3)(u - 1/4) a), 16d octahedral (6 O near 2 A).
  expect_all_near(distances_to(d, first_basis(d, "8a"), "O", 2.5), 4,
                  std::sqrt(3.0) * (0.3875 - 0.25) * a, 1e-9);
  const auto oct = distances_to(d, first_basis(d, "16d"), "O", 2.3);
  ASSERT_EQ(oct.size(), 6u);
  for (double r : oct) EXPECT_NEAR(r, 2.0, 0.1);
  EXPECT_GT(closest_atoms(d), 1.9);
}

TEST(OxideLattice, RocksaltOctTetPath) {
  OxideOptions o;
  o.a = 4.177;
  const LatticeDescription d = make_oxide_lattice("rocksalt", o);
  const auto n = count_sublattices(d);
  EXPECT_EQ(n.at("oct"), 4);
  EXPECT_EQ(n.at("tet"), 8);
  EXPECT_EQ(n.at("O"), 4);
  const Lattice lat(d, {3, 3, 3});
  const double a = 4.177;
  expect_hops(lat, "oct", 8, a * std::sqrt(3.0) / 4, "tet");
  expect_hops(lat, "tet", 4, a * std::sqrt(3.0) / 4, "oct");
  expect_all_near(distances_to(d, first_basis(d, "oct"), "O", 2.5), 6, a / 2, 1e-9);
  expect_all_near(distances_to(d, first_basis(d, "tet"), "O", 2.0), 4, a * std::sqrt(3.0) / 4,
                  1e-9);
}

TEST(OxideLattice, RocksaltDirectHopsCarryTheirBarrier) {
  OxideOptions o;
  o.a = 4.0;
  o.direct_hop_barrier = 0.35;
  const Lattice lat(make_oxide_lattice("rocksalt", o), {3, 3, 3});
  const int b = first_basis(lat.description(), "oct");
  ASSERT_EQ(lat.coordination(b), 8 + 12);
  int direct = 0;
  for (const HopTemplate& h : lat.hops(b)) {
    const bool to_oct = lat.description().basis[h.to_basis].sublattice == "oct";
    EXPECT_NEAR(h.length, to_oct ? 4.0 / std::sqrt(2.0) : 4.0 * std::sqrt(3.0) / 4, 1e-9);
    EXPECT_EQ(h.barrier, to_oct ? 0.35 : 0.0);
    direct += to_oct;
  }
  EXPECT_EQ(direct, 12);
}

TEST(OxideLattice, RocksaltLayerOrderingConfinesLiToItsLayers) {
  OxideOptions o;
  o.a = 4.1;
  o.ordering = "layered";
  const LatticeDescription d = make_oxide_lattice("rocksalt", o);
  const auto n = count_sublattices(d);
  EXPECT_EQ(n.at("oct_Li"), 16);
  EXPECT_EQ(n.at("oct_M"), 16);
  EXPECT_EQ(n.at("tet"), 32);
  EXPECT_EQ(n.at("tet_M"), 32);
  EXPECT_EQ(n.at("O"), 32);
  const Lattice lat(d, {2, 2, 2});
  expect_hops(lat, "oct_Li", 6, 4.1 * std::sqrt(3.0) / 4, "tet");
  expect_hops(lat, "tet", 3, 4.1 * std::sqrt(3.0) / 4, "oct_Li");
  // Hops stay in the (111) Li layer: no displacement along [111] beyond the tet offset.
  for (int b = 0; b < lat.basis_size(); ++b)
    for (const HopTemplate& h : lat.hops(b)) {
      const double along =
          (h.displacement.x + h.displacement.y + h.displacement.z) / std::sqrt(3.0);
      EXPECT_LT(std::fabs(along), 4.1 * std::sqrt(3.0) / 12 + 1e-9);
    }
}

TEST(OxideLattice, LayeredO3SlabsAndTetrahedralSites) {
  OxideOptions o;
  o.a = 2.816;
  o.c = 14.05;
  const LatticeDescription d = make_oxide_lattice("layered", o);
  const auto n = count_sublattices(d);
  EXPECT_EQ(n.at("Li"), 3);
  EXPECT_EQ(n.at("M"), 3);
  EXPECT_EQ(n.at("O"), 6);
  EXPECT_EQ(n.at("tet"), 6);
  const Lattice lat(d, {4, 4, 1});
  // A tetrahedral site sits over the centre of a triangle of Li sites (a/sqrt(3)
  // in plane), (z/2 - 1/12) c out of the Li plane.
  const double dz = (0.2604 / 2 - 1.0 / 12) * 14.05;
  const double oct_tet = std::sqrt(2.816 * 2.816 / 3 + dz * dz);
  expect_hops(lat, "Li", 6, oct_tet, "tet");
  expect_hops(lat, "tet", 3, oct_tet, "Li");
  // MO6 and LiO6 octahedra of LiCoO2: Co-O 1.92 A, Li-O 2.09 A.
  const auto mo = distances_to(d, first_basis(d, "M"), "O", 2.3);
  ASSERT_EQ(mo.size(), 6u);
  for (double r : mo) EXPECT_NEAR(r, 1.92, 0.02);
  const auto lio = distances_to(d, first_basis(d, "Li"), "O", 2.3);
  ASSERT_EQ(lio.size(), 6u);
  for (double r : lio) EXPECT_NEAR(r, 2.09, 0.02);
  // Hops never leave the Li slab.
  for (int b = 0; b < lat.basis_size(); ++b)
    for (const HopTemplate& h : lat.hops(b)) EXPECT_LT(std::fabs(h.displacement.z), 1.0);
}

// With ideal parameters (c = 2 sqrt(6) a_hex, z = 1/4) the layered O3 lattice
// is the layer-ordered rocksalt of a_cubic = sqrt(2) a_hex: same path geometry.
TEST(OxideLattice, IdealLayeredMatchesOrderedRocksalt) {
  const double ac = 4.1;
  OxideOptions lo;
  lo.a = ac / std::sqrt(2.0);
  lo.c = 2 * std::sqrt(3.0) * ac;
  lo.oxygen_parameter = 0.25;
  const Lattice layered(make_oxide_lattice("layered", lo), {4, 4, 1});
  expect_hops(layered, "Li", 6, ac * std::sqrt(3.0) / 4, "tet");
  const auto d = layered.description();
  expect_all_near(distances_to(d, first_basis(d, "Li"), "O", 2.5), 6, ac / 2, 1e-9);
  expect_all_near(distances_to(d, first_basis(d, "M"), "O", 2.5), 6, ac / 2, 1e-9);
  // Same density of Li sites: 3 per hexagonal cell of volume (sqrt(3)/2) a^2 c.
  const double hex_volume = std::sqrt(3.0) / 2 * lo.a * lo.a * lo.c;
  EXPECT_NEAR(3 / hex_volume, 16 / std::pow(2 * ac, 3), 1e-12);
}

TEST(OxideLattice, TransitionSitesHoldNoIonsAndCarryTheirEnergy) {
  OxideOptions o;
  o.transition_energy = 0.3;
  const Lattice lat(make_oxide_lattice("spinel", o), {2, 2, 2});
  Occupancy occ;
  occ.fraction = 1.0;
  const SystemState st = place_ions(lat, occ, 5, 0);
  EXPECT_EQ(st.num_ions(), lat.num_host_sites());
  for (int32_t s : st.ion_site) EXPECT_TRUE(lat.is_host(s));
  HopParameters p;
  p.barrier = 0.4;
  p.temperature = 500;
  const HopModel model(lat, p);
  const int a8 = first_basis(lat.description(), "8a");
  const int c16 = first_basis(lat.description(), "16c");
  const double kT = kBoltzmannEv * 500;
  // 8a -> 16c climbs 0.3 eV: activation 0.4 + 0.15; the way back 0.4 - 0.15.
  EXPECT_NEAR(model.static_rate(a8, 0), 1e13 * std::exp(-0.55 / kT), 1e-9 * 1e13);
  EXPECT_NEAR(model.static_rate(c16, 0) / (1e13 * std::exp(-0.25 / kT)), 1.0, 1e-12);
}

TEST(OxideLattice, UnknownOrderingIsRejected) {
  OxideOptions o;
  o.ordering = "layered";
  EXPECT_THROW(make_oxide_lattice("spinel", o), std::invalid_argument);
  EXPECT_THROW(make_oxide_lattice("garnet", OxideOptions{}), std::invalid_argument);
}
