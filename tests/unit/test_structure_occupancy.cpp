// Occupancies that mean something (issue 18): split positions of the mobile
// ion become one site, a mixed site with little of the mobile species is a
// host site, and with default settings a garnet, a NASICON and a spinel
// import onto a percolating network on the right sublattice. The files are
// written for the test from the textbook descriptions (Wyckoff positions of
// the International Tables, coordinates rounded from the published
// refinements named at each); the checks are independent of the expansion:
// the built-in spinel atom for atom, and the textbook coordination of the
// conduction networks (garnet: a tetrahedral 24d site between four octahedral
// sites, each octahedral site between two tetrahedra; NASICON: each Na1 among
// six Na2, each Na2 between two Na1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "CommandRunner.hpp"
#include "StructureChecks.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/lattice/HopNetwork.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/simulation/RunPlan.hpp"
#include "kmc/state/SystemState.hpp"

using namespace coatkmc;
using coatkmc_test::kGarnet;

namespace {

struct Imported {
  LatticeDescription d;
  std::vector<std::string> notes;
};

Imported import_cif(const std::string& text, const std::vector<std::string>& mobile = {"Li"},
                    double split = 1.5) {
  Imported out;
  StructureImportOptions o;
  o.mobile_species = mobile;
  o.notes = &out.notes;
  o.split_distance = split;
  out.d = read_cif_text("test.cif", text, o);
  return out;
}

std::string joined(const std::vector<std::string>& notes) {
  std::string s;
  for (const auto& n : notes) s += n + "\n";
  return s;
}

// The structure file's way: default cutoff, then the network.
struct Network {
  HopCutoffChoice choice;
  std::map<std::string, std::vector<int>> coordination;  // label -> per-site coordination
};

Network network_of(LatticeDescription d) {
  Network n;
  n.choice = choose_hop_cutoff(d);
  d.hop_cutoff = n.choice.cutoff;
  const Lattice lat(d, {3, 3, 3});
  for (int b = 0; b < lat.basis_size(); ++b)
    if (d.basis[b].mobile) n.coordination[d.basis[b].sublattice].push_back(lat.coordination(b));
  return n;
}

// Li4Ti5O12 = Li[Li1/3 Ti5/3]O4 in Fd-3m origin choice 2: Li on 8a; Li 1/6
// with Ti 5/6 on the mixed 16d site.
const char* kLto =
    "data_LTO\n_cell_length_a 8.357\n_cell_length_b 8.357\n_cell_length_c 8.357\n"
    "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
    "_space_group_name_H-M_alt 'F d -3 m :2'\n"
    "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
    "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
    "Li1 Li 0.125 0.125 0.125 1\nLi2 Li 0.5 0.5 0.5 0.1667\nTi1 Ti 0.5 0.5 0.5 0.8333\n"
    "O1 O 0.2625 0.2625 0.2625 1\n";

}  // namespace

// Garnet: the 96 split Li2 positions pair up (0.7 A apart, 0.44 + 0.44 <= 1)
// into the 48 octahedral sites; with the 24 tetrahedral sites the default
// network is the textbook 3D one.
TEST(StructureOccupancy, GarnetSplitSitesMergeIntoAPercolatingNetwork) {
  const Imported r = import_cif(kGarnet);
  int li = 0;
  for (const BasisSite& b : r.d.basis) li += b.mobile;
  EXPECT_EQ(li, 24 + 48);
  EXPECT_EQ(r.d.basis.size(), 24u + 16u + 96u + 72u);
  EXPECT_NE(joined(r.notes).find("96 split positions"), std::string::npos) << joined(r.notes);
  const Network n = network_of(r.d);
  EXPECT_EQ(n.choice.network.dimensionality, 3);
  EXPECT_EQ(n.choice.network.largest_host_sites, 72);
  ASSERT_EQ(n.coordination.at("Li1").size(), 24u);
  ASSERT_EQ(n.coordination.at("Li2").size(), 48u);
  for (int z : n.coordination.at("Li1")) EXPECT_EQ(z, 4);  // tetrahedron: four octahedra
  for (int z : n.coordination.at("Li2")) EXPECT_EQ(z, 2);  // octahedron: two tetrahedra
  // Each merged site is the midpoint of a split pair: the unmerged import's
  // Li2 positions, each with its nearest partner, give the 48 midpoints.
  const Imported apart = import_cif(kGarnet, {"Li"}, 0);
  const LatticeDescription& u = apart.d;
  auto cart = [&](Vec3 f) { return f.x * u.vectors[0] + f.y * u.vectors[1] + f.z * u.vectors[2]; };
  auto nearest_image = [](Vec3 d) {
    return Vec3{d.x - std::round(d.x), d.y - std::round(d.y), d.z - std::round(d.z)};
  };
  std::vector<Vec3> midpoints;
  for (const BasisSite& p : u.basis) {
    if (p.sublattice != "Li2") continue;
    double best = 1e9;
    Vec3 partner{};
    for (const BasisSite& q : u.basis) {
      if (q.sublattice != "Li2" || &q == &p) continue;
      const Vec3 d = nearest_image(q.fractional - p.fractional);
      if (norm(cart(d)) < best) best = norm(cart(d)), partner = d;
    }
    EXPECT_LT(best, 1.0);
    midpoints.push_back(p.fractional + 0.5 * partner);
  }
  ASSERT_EQ(midpoints.size(), 96u);
  for (const BasisSite& b : r.d.basis) {
    if (b.sublattice != "Li2") continue;
    int hits = 0;
    for (const Vec3& m : midpoints) hits += norm(cart(nearest_image(m - b.fractional))) < 1e-9;
    EXPECT_EQ(hits, 2);  // the pair's two members name the same midpoint
  }
  // Occupancy of a merged site: the sum of its positions'.
  for (const BasisSite& b : r.d.basis)
    if (b.sublattice == "Li2") EXPECT_NEAR(b.occupancy, 0.88, 1e-12);
}

// Without merging (split distance 0), the split pairs are the nearest shell
// (0D: an ion rattles in its cage); the default cutoff still goes on to the
// first gap that percolates, and says so.
TEST(StructureOccupancy, UnmergedSplitPairsAloneDoNotPercolate) {
  const Imported r = import_cif(kGarnet, {"Li"}, 0);
  const Network n = network_of(r.d);
  EXPECT_EQ(n.choice.network.dimensionality, 3);
  EXPECT_NE(n.choice.explanation.find("gives 0D"), std::string::npos) << n.choice.explanation;
}

// NASICON Na3Zr2Si2PO12 (R-3c, hexagonal axes; Kohler & Schulz, Mater. Res.
// Bull. 20, 1461 (1985), rounded): Na on 6b and 18e, Si/P sharing 18e.
TEST(StructureOccupancy, NasiconNaNetworkIsTheTextbookOne) {
  const char* text =
      "data_NZSP\n_cell_length_a 9.07\n_cell_length_b 9.07\n_cell_length_c 22.7\n"
      "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 120\n"
      "_symmetry_space_group_name_H-M 'R -3 c'\n"
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
      "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
      "Na1 Na 0 0 0 0.8\nNa2 Na 0.638 0 0.25 0.73\nZr1 Zr 0 0 0.1475 1\n"
      "Si1 Si 0.2933 0 0.25 0.667\nP1 P 0.2933 0 0.25 0.333\n"
      "O1 O 0.1794 -0.0255 0.1934 1\nO2 O 0.1917 0.1694 0.0893 1\n";
  const Imported r = import_cif(text, {"Na"});
  const Network n = network_of(r.d);
  ASSERT_EQ(n.coordination.at("Na1").size(), 6u);
  ASSERT_EQ(n.coordination.at("Na2").size(), 18u);
  for (int z : n.coordination.at("Na1")) EXPECT_EQ(z, 6);
  for (int z : n.coordination.at("Na2")) EXPECT_EQ(z, 2);
  EXPECT_EQ(n.choice.network.dimensionality, 3);
  // Si/P share 18e: one atom, named after the larger share.
  int tetrahedral = 0;
  for (const BasisSite& b : r.d.basis) tetrahedral += b.species == "Si" || b.species == "P";
  EXPECT_EQ(tetrahedral, 18);
}

// Li4Ti5O12 = Li[Li1/3 Ti5/3]O4: Li 1/6 with Ti 5/6 on 16d is below the
// threshold, so the hop sites are the 8a diamond alone (the built-in spinel's
// 8a, atom for atom, shifted to origin choice 2), and the note counts them.
TEST(StructureOccupancy, MinorityLiOnAMixedSiteIsHost) {
  const char* text = kLto;
  const Imported r = import_cif(text);
  OxideOptions o;
  o.a = 8.357;
  const LatticeDescription spinel = make_oxide_lattice("spinel", o);
  ASSERT_EQ(r.d.basis.size(), 56u);
  for (const BasisSite& e : spinel.basis) {
    if (e.transition) continue;
    const Vec3 f = e.fractional - Vec3{0.125, 0.125, 0.125};
    int matches = 0;
    for (const BasisSite& g : r.d.basis) {
      Vec3 df = f - g.fractional;
      df = {df.x - std::round(df.x), df.y - std::round(df.y), df.z - std::round(df.z)};
      if (norm(df) < 1e-9) {
        ++matches;
        EXPECT_EQ(g.species, e.species);
        EXPECT_EQ(g.mobile, e.mobile) << e.sublattice;  // 16d: host, as Ti in the built-in
      }
    }
    EXPECT_EQ(matches, 1);
  }
  EXPECT_NE(joined(r.notes).find("16 mixed position(s)"), std::string::npos) << joined(r.notes);
  const Network n = network_of(r.d);
  EXPECT_EQ(n.choice.network.dimensionality, 3);
  EXPECT_EQ(n.choice.network.largest_host_sites, 8);
  // A lower threshold makes 16d a hop site again.
  StructureImportOptions low;
  low.occupancy_threshold = 0.1;
  const LatticeDescription d = read_cif_text("lto.cif", text, low);
  int mobile = 0;
  for (const BasisSite& b : d.basis) mobile += b.mobile;
  EXPECT_EQ(mobile, 8 + 16);
}

// Fully occupied positions never merge, however close: two ions cannot be
// one site's alternatives when their occupancies add up to more than one.
TEST(StructureOccupancy, FullyOccupiedNeighboursStayApart) {
  const char* text =
      "data_p\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n"
      "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
      "_space_group_name_H-M_alt 'P 1'\n"
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
      "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
      "Li1 Li 0.1 0.5 0.5 1\nLi2 Li 0.3 0.5 0.5 1\nLi3 Li 0.6 0.5 0.5 0.5\nLi4 Li 0.8 0.5 0.5 0.5\n";
  const Imported r = import_cif(text);
  // Li1-Li2 (1 A, 1 + 1) stay; Li3-Li4 (1 A, 0.5 + 0.5) merge at x = 0.7.
  ASSERT_EQ(r.d.basis.size(), 3u);
  EXPECT_NEAR(r.d.basis[2].fractional.x, 0.7, 1e-12);
  EXPECT_NEAR(r.d.basis[2].occupancy, 1.0, 1e-12);
}

// The keys: lattice.split_distance, lattice.occupancy_threshold,
// occupancy.from_file and run.require_percolation, through load_config.
TEST(StructureOccupancy, ConfigKeys) {
  coatkmc_test::ScratchDir dir;
  std::ofstream(dir / "llzo.cif") << kGarnet;
  auto load = [&](const std::string& extra) {
    std::ofstream(dir / "c.toml") << "[lattice]\ntype = \"file\"\nfile = \"llzo.cif\"\n"
                                     "cells = [1, 1, 1]\n" << extra;
    return load_config(dir / "c.toml", {});
  };
  auto mobile_sites = [](const LoadedConfig& c) {
    int n = 0;
    for (const BasisSite& b : c.settings.lattice.basis) n += b.mobile;
    return n;
  };
  EXPECT_EQ(mobile_sites(load("")), 72);
  EXPECT_EQ(mobile_sites(load("split_distance = 0\n")), 24 + 96);
  // A split distance below the pairs' 0.7 A leaves them apart too.
  EXPECT_EQ(mobile_sites(load("split_distance = 0.5\n")), 24 + 96);
  // The file's Li content: 24 x 0.56 + 96 x 0.44 = 55.68 ions on 72 sites.
  const LoadedConfig filled = load("[occupancy]\nfrom_file = true\n");
  EXPECT_NEAR(filled.settings.occupancy.fraction, 55.68 / 72, 1e-12);
  EXPECT_NEAR(load("").settings.occupancy.fraction, 0.5, 0);  // the default otherwise
  // Percolating: require_percolation passes quietly.
  const LoadedConfig required = load("[run]\nrequire_percolation = true\n");
  EXPECT_TRUE(required.warnings.empty());
  // A high threshold on a mixed site (LTO's 16d) is read from the key.
  std::ofstream(dir / "lto.cif")
      << kLto;
  std::ofstream(dir / "lto.toml") << "[lattice]\ntype = \"file\"\nfile = \"lto.cif\"\n"
                                     "occupancy_threshold = 0.1\ncells = [1, 1, 1]\n";
  EXPECT_EQ(mobile_sites(load_config(dir / "lto.toml", {})), 24);
}

// occupancy.from_file seeds the filling site by site: every basis site holds
// its file occupancy x its open sites ions, to within one (largest remainder;
// the total is the file's content, rounded) (LTO's 8a Li full, 16d Li
// at 1/6 with the threshold lowered to make it a hop site), the draws differ
// between replicas and the plan counts what placement puts down.
TEST(StructureOccupancy, FromFileSeedsEachSiteToItsOccupancy) {
  coatkmc_test::ScratchDir dir;
  std::ofstream(dir / "lto.cif")
      << kLto;
  std::ofstream(dir / "lto.toml") << "[lattice]\ntype = \"file\"\nfile = \"lto.cif\"\n"
                                     "occupancy_threshold = 0.1\ncells = [3, 3, 3]\n"
                                     "[occupancy]\nfrom_file = true\n";
  const LoadedConfig c = load_config(dir / "lto.toml", {});
  const SimulationSettings& s = c.settings;
  ASSERT_EQ(s.occupancy.basis_fraction.size(), s.lattice.basis.size());
  const Lattice lattice(s.lattice, s.cells);
  std::map<int, int64_t> sites_of;
  std::map<int, double> expected;  // the file's share of ions on each basis site
  for (int64_t site = 0; site < lattice.num_sites(); ++site)
    if (lattice.is_host(site)) ++sites_of[lattice.basis_of(site)];
  int64_t total = 0, full = 0, partial = 0;
  double share = 0;
  for (const auto& [b, n] : sites_of) {
    const double occ = s.lattice.basis[b].occupancy;
    EXPECT_EQ(s.occupancy.basis_fraction[b], occ);
    expected[b] = occ * double(n);
    share += occ * double(n);
    (occ == 1 ? full : partial) += n;
  }
  total = std::llround(share);
  ASSERT_EQ(full, 8 * 27);      // 8a: 8 per cell
  ASSERT_EQ(partial, 16 * 27);  // 16d: 16 per cell, 1/6 Li
  EXPECT_EQ(s.occupancy.ion_count(lattice), total);
  EXPECT_EQ(total, 8 * 27 + std::llround(0.1667 * 16 * 27));
  std::vector<std::vector<int32_t>> replicas;
  for (uint32_t r = 0; r < 2; ++r) {
    const SystemState st = place_ions(lattice, s.occupancy, s.seed, r);
    ASSERT_EQ(st.num_ions(), total);
    std::map<int, int64_t> on;
    for (int32_t site : st.ion_site) ++on[lattice.basis_of(site)];
    for (const auto& [b, x] : expected)
      EXPECT_LT(std::fabs(double(on[b]) - x), 1.0) << "basis site " << b;
    std::vector<int32_t> sites = st.ion_site;
    std::sort(sites.begin(), sites.end());
    replicas.push_back(sites);
  }
  EXPECT_NE(replicas[0], replicas[1]);  // the 16d ions are drawn, per replica
  const RunPlan plan = plan_run(s);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan.ions, total);
}
