// Hop networks of imported structures (issue 18): the default cutoff goes to
// the first clear gap that percolates, the network's dimensionality and
// largest cluster are reported, a network without a spanning cluster warns;
// every shipped lattice keeps its sites and neighbours (checked against an
// independent all-pairs search); a cell of 21,504 atoms goes through
// `coatkmc structure` in seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "CommandRunner.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/lattice/HopNetwork.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

// All pairs in all images within `cutoff`, the way one would write it first:
// every mobile site against every mobile site in (2R+1)^3 images.
struct BrutePair {
  int from, to;
  std::array<int, 3> offset;
  double length;
  bool operator<(const BrutePair& o) const {
    return std::tie(from, to, offset) < std::tie(o.from, o.to, o.offset);
  }
};

std::vector<BrutePair> brute_pairs(const LatticeDescription& d, double cutoff) {
  std::vector<BrutePair> out;
  const Vec3* a = d.vectors;
  const double volume = std::fabs(dot(a[0], cross(a[1], a[2])));
  int range[3] = {0, 0, 0};
  for (int i = 0; i < d.dimension; ++i)
    range[i] = int(std::ceil(cutoff / (volume / norm(cross(a[(i + 1) % 3], a[(i + 2) % 3]))))) + 2;
  const int nb = int(d.basis.size());
  for (int f = 0; f < nb; ++f) {
    if (!d.basis[f].mobile) continue;
    for (int t = 0; t < nb; ++t) {
      if (!d.basis[t].mobile) continue;
      for (int i = -range[0]; i <= range[0]; ++i)
        for (int j = -range[1]; j <= range[1]; ++j)
          for (int k = -range[2]; k <= range[2]; ++k) {
            const Vec3 df = d.basis[t].fractional - d.basis[f].fractional +
                            Vec3{double(i), double(j), double(k)};
            const double len = norm(df.x * a[0] + df.y * a[1] + df.z * a[2]);
            if (len > 1e-9 && len <= cutoff) out.push_back({f, t, {i, j, k}, len});
          }
    }
  }
  return out;
}

double brute_nearest(const LatticeDescription& d) {
  double longest = 0;
  for (int i = 0; i < d.dimension; ++i) longest = std::max(longest, norm(d.vectors[i]));
  double best = std::numeric_limits<double>::infinity();
  for (const BrutePair& p : brute_pairs(d, longest * 1.0001)) best = std::min(best, p.length);
  return best;
}

// The hops Lattice should find, written independently: all pairs within the
// cutoff, or with hop rules the pairs a rule admits within its cutoff.
std::set<BrutePair> expected_hops(const LatticeDescription& d, double lattice_cutoff) {
  std::set<BrutePair> out;
  double reach = lattice_cutoff;
  std::vector<double> rule_cut;
  for (const HopRule& r : d.hop_rules) {
    double c = r.cutoff > 0 ? r.cutoff : d.hop_cutoff;
    if (!(c > 0)) {
      c = std::numeric_limits<double>::infinity();
      double longest = 0;
      for (int i = 0; i < d.dimension; ++i) longest = std::max(longest, norm(d.vectors[i]));
      double best = c;
      for (const BrutePair& p : brute_pairs(d, longest * 1.0001)) {
        const auto& a = d.basis[p.from].sublattice;
        const auto& b = d.basis[p.to].sublattice;
        if (a == r.from && b == r.to) best = std::min(best, p.length);
      }
      c = best * (1 + 1e-6);
    }
    rule_cut.push_back(c);
    reach = std::max(reach, c);
  }
  for (const BrutePair& p : brute_pairs(d, reach)) {
    if (d.hop_rules.empty()) {
      if (p.length <= lattice_cutoff) out.insert(p);
      continue;
    }
    const auto& a = d.basis[p.from].sublattice;
    const auto& b = d.basis[p.to].sublattice;
    for (size_t r = 0; r < d.hop_rules.size(); ++r) {
      const HopRule& rule = d.hop_rules[r];
      if (((rule.from == a && rule.to == b) || (rule.from == b && rule.to == a)) &&
          p.length <= rule_cut[r]) {
        out.insert(p);
        break;
      }
    }
  }
  return out;
}

void expect_hops_as_brute_force(const Lattice& lat, double expected_cutoff) {
  const LatticeDescription& d = lat.description();
  std::set<BrutePair> got;
  for (int b = 0; b < lat.basis_size(); ++b)
    for (const HopTemplate& h : lat.hops(b)) got.insert({b, h.to_basis, h.cell_offset, h.length});
  const std::set<BrutePair> want = expected_hops(d, expected_cutoff);
  EXPECT_EQ(got.size(), want.size());
  // Same pairs, and each at the same length.
  auto a = got.begin();
  auto b = want.begin();
  for (; a != got.end() && b != want.end(); ++a, ++b) {
    EXPECT_FALSE(*a < *b || *b < *a) << a->from << "->" << a->to << " vs " << b->from << "->" << b->to;
    EXPECT_NEAR(a->length, b->length, 1e-12);
  }
}

LatticeDescription box(double a, double b, double c) {
  LatticeDescription d;
  d.name = "box";
  d.vectors[0] = {a, 0, 0};
  d.vectors[1] = {0, b, 0};
  d.vectors[2] = {0, 0, c};
  return d;
}

void add(LatticeDescription& d, Vec3 f, const std::string& species, bool mobile) {
  d.basis.push_back({f, species + std::to_string(d.basis.size() + 1), mobile, false, 0.0, species});
}

}  // namespace

// Every shipped configuration (and the kMC bases of the macro studies) keeps
// its site count and neighbours: the hops equal an all-pairs search at the
// old default (the nearest mobile shell, or the rules' first shells).
TEST(HopNetwork, ShippedConfigsKeepTheirSitesAndNeighbours) {
  std::vector<std::filesystem::path> files;
  for (const auto& dir : {"/configs", "/configs/macro"})
    for (const auto& e : std::filesystem::directory_iterator(std::string(COATKMC_SOURCE_DIR) + dir))
      if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int checked = 0;
  for (const auto& f : files) {
    const std::string text = read_text(f.string());
    if (text.find("[macro]") != std::string::npos || text.find("[anneal]") != std::string::npos)
      continue;
    SCOPED_TRACE(f.filename().string());
    const LoadedConfig cfg = load_config(f.string(), {});
    const LatticeDescription& d = cfg.settings.lattice;
    // Small copies keep the test quick; the templates do not depend on the count.
    const Lattice lat(d, {5, 5, d.dimension == 2 ? 1 : 5});
    EXPECT_EQ(lat.num_sites(), int64_t(125 / (d.dimension == 2 ? 5 : 1)) * int64_t(d.basis.size()));
    double cutoff = d.hop_cutoff;
    if (cfg.lattice_type == "file") {
      // The chosen default is the old one for the shipped file: the nearest shell.
      EXPECT_DOUBLE_EQ(d.hop_cutoff, brute_nearest(d) * (1 + 1e-6));
    } else if (!(cutoff > 0)) {
      cutoff = brute_nearest(d) * (1 + 1e-6);
    }
    if (d.hop_rules.empty()) EXPECT_DOUBLE_EQ(lat.hop_cutoff(), cutoff);
    expect_hops_as_brute_force(lat, lat.hop_cutoff());
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

// The textbook and built-in oxide lattices: neighbours as the all-pairs
// search, and each percolates in its full dimension.
TEST(HopNetwork, BuiltInLatticesAsAllPairsAndPercolating) {
  for (const std::string& name : textbook_lattice_names()) {
    SCOPED_TRACE(name);
    const LatticeDescription d = make_textbook_lattice(name, 3.9);
    const Lattice lat(d, {5, 5, 5});
    expect_hops_as_brute_force(lat, brute_nearest(d) * (1 + 1e-6));
    const HopNetwork net = analyze_hop_network(lat);
    EXPECT_EQ(net.dimensionality, d.dimension);
    EXPECT_EQ(net.largest_host_sites, net.host_sites);
  }
  for (const std::string& name : oxide_lattice_names()) {
    SCOPED_TRACE(name);
    const LatticeDescription d = make_oxide_lattice(name, {});
    const Lattice lat(d, {3, 3, 3});
    expect_hops_as_brute_force(lat, lat.hop_cutoff());
    const HopNetwork net = analyze_hop_network(lat);
    // The layered oxide's Li slabs are 2D; the others run in 3D.
    EXPECT_EQ(net.dimensionality, name == "layered" ? 2 : 3);
  }
}

// Li pairs (dimers 1.6 A long) on a simple-cubic array 4 A apart: the
// nearest shell only joins each pair (0D); the next clear gap, after the
// 2.4-2.6 A inter-dimer distances, percolates in 3D and is taken.
TEST(HopNetwork, DefaultCutoffGoesToTheFirstGapThatPercolates) {
  LatticeDescription d = box(4.0, 4.0, 4.0);
  add(d, {0.3, 0.5, 0.5}, "Li", true);
  add(d, {0.7, 0.5, 0.5}, "Li", true);
  add(d, {0.0, 0.0, 0.0}, "O", false);
  const HopNetwork nearest = analyze_hop_network(Lattice(d, {5, 5, 5}));
  EXPECT_EQ(nearest.dimensionality, 0);
  EXPECT_EQ(nearest.clusters, 1);  // one dimer per cell, all alike
  EXPECT_FALSE(nearest.spans());
  const HopCutoffChoice c = choose_hop_cutoff(d);
  // Distances: 1.6 (in a dimer), 2.4 (x to the next cell), then 4.0 ... : the
  // 2.4 A shell joins dimers along x only (1D); sqrt(1.6^2+4^2) = 4.31 along
  // y and z joins them in 3D, and 4.0 (same site, next cell) before it.
  EXPECT_NEAR(c.cutoff, 4.0 * (1 + 1e-6), 1e-9);
  EXPECT_EQ(c.network.dimensionality, 3);
  EXPECT_NE(c.explanation.find("percolates in 3D"), std::string::npos) << c.explanation;
  EXPECT_NE(c.explanation.find("gives 0D"), std::string::npos) << c.explanation;
}

// Chains along b (Li 3.0 A apart, as in olivine LiFePO4), 4.7-6 A between
// chains: no distance up to the default's limit joins the chains, so the
// network is 1D at the chain spacing, and that is said.
TEST(HopNetwork, OneDimensionalChannelsStayOneDimensional) {
  LatticeDescription d = box(10.3, 6.0, 4.7);
  for (Vec3 f : {Vec3{0, 0, 0}, Vec3{0.5, 0, 0.5}, Vec3{0.5, 0.5, 0.5}, Vec3{0, 0.5, 0}})
    add(d, f, "Li", true);
  add(d, {0.28, 0.25, 0.97}, "Fe", false);
  const HopCutoffChoice c = choose_hop_cutoff(d);
  EXPECT_NEAR(c.cutoff, 3.0 * (1 + 1e-6), 1e-9);
  EXPECT_EQ(c.network.dimensionality, 1);
  EXPECT_EQ(c.network.clusters, 2);  // the two chains of the cell
  EXPECT_NE(c.explanation.find("no distance up to"), std::string::npos) << c.explanation;
}

// `run` warns on a network without a spanning cluster (an explicit cutoff
// that only joins the dimers), and says what the network is.
TEST(HopNetwork, RunWarnsWithoutASpanningCluster) {
  ScratchDir dir;
  std::ofstream(dir / "dimers.cif")
      << "data_dimers\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n"
         "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
         "_space_group_name_H-M_alt 'P 1'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n"
         "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
         "Li1 Li 0.3 0.5 0.5\nLi2 Li 0.7 0.5 0.5\nO1 O 0 0 0\n";
  std::ofstream(dir / "r.toml") << "[lattice]\ntype = \"file\"\nfile = \"dimers.cif\"\n"
                                   "cutoff = 2.0\ncells = [3, 3, 3]\n[run]\nhops_per_particle = 1\n";
  const CommandResult r = run_coatkmc({"run", dir / "r.toml", "--out", "out"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("coatkmc: warning: the hop network has no spanning cluster"),
            std::string::npos)
      << r.err;
  // The default cutoff percolates: a note, no warning.
  std::ofstream(dir / "d.toml") << "[lattice]\ntype = \"file\"\nfile = \"dimers.cif\"\n"
                                   "cells = [3, 3, 3]\n[run]\nhops_per_particle = 1\n";
  const CommandResult ok = run_coatkmc({"run", dir / "d.toml", "--out", "out2"}, dir.path());
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.err.find("warning"), std::string::npos) << ok.err;
  EXPECT_NE(ok.err.find("hop network: 3D"), std::string::npos) << ok.err;
  // Not only on stderr: result.json and the output of `structure` say it too.
  const auto dimers = nlohmann::json::parse(read_text(dir / "out/result.json"))["hop_network"];
  EXPECT_EQ(dimers["dimensionality"], 0) << dimers;
  EXPECT_EQ(dimers["spans"], false) << dimers;
  EXPECT_EQ(dimers["largest_cluster_host_sites_per_cell"], 2) << dimers;
  EXPECT_EQ(dimers["host_sites_per_cell"], 2) << dimers;
  const auto joined = nlohmann::json::parse(read_text(dir / "out2/result.json"))["hop_network"];
  EXPECT_EQ(joined["dimensionality"], 3) << joined;
  EXPECT_EQ(joined["spans"], true) << joined;
  const CommandResult st = run_coatkmc({"structure", dir / "r.toml", "--out", "st"}, dir.path());
  EXPECT_EQ(st.status, 0) << st.err;
  EXPECT_NE(st.out.find("hop network 0D, largest cluster 2 of 2 host sites per cell"),
            std::string::npos)
      << st.out;
  EXPECT_NE(st.out.find("no spanning cluster"), std::string::npos) << st.out;
}

// A P1 cell of 21,504 atoms (a 8 x 8 x 6 supercell of the built-in spinel,
// written as P1 by cif_text) goes through `coatkmc structure` in seconds:
// the neighbour search is a cell list, not every pair in 125 images.
TEST(HopNetwork, ALargeP1CellImportsInSeconds) {
  OxideOptions o;
  o.a = 8.405;
  const LatticeDescription cell = make_oxide_lattice("spinel", o);
  LatticeDescription big;
  big.name = "big";
  const int n[3] = {8, 8, 6};
  for (int i = 0; i < 3; ++i) big.vectors[i] = double(n[i]) * cell.vectors[i];
  for (int i = 0; i < n[0]; ++i)
    for (int j = 0; j < n[1]; ++j)
      for (int k = 0; k < n[2]; ++k)
        for (const BasisSite& b : cell.basis) {
          if (b.transition) continue;
          BasisSite s = b;
          s.fractional = {(b.fractional.x + i) / n[0], (b.fractional.y + j) / n[1],
                          (b.fractional.z + k) / n[2]};
          big.basis.push_back(s);
        }
  ASSERT_EQ(big.basis.size(), 21504u);
  ScratchDir dir;
  std::ofstream(dir / "big.cif") << cif_text(big);
  std::ofstream(dir / "s.toml") << "[lattice]\ntype = \"file\"\nfile = \"big.cif\"\n"
                                   "cells = [1, 1, 1]\n";
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = run_coatkmc({"structure", dir / "s.toml", "--out", "out"}, dir.path());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("sites 21504 (host 3072"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("hop network: 3D, largest cluster 3072 of 3072"), std::string::npos)
      << r.err;
#if defined(__SANITIZE_ADDRESS__)
  const double limit = 60;  // ASan/UBSan builds run several times slower
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  const double limit = 60;
#else
  const double limit = 5;
#endif
#else
  const double limit = 5;
#endif
  EXPECT_LT(seconds, limit);
  RecordProperty("seconds", std::to_string(seconds));
}
