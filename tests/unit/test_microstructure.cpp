// Microstructure generators: reproducible from the seed, grains and shells
// where the geometry puts them, phase barriers and energies on the right
// bonds and sites, blocked sites closed, JMAK annealing, and the site map.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "CommandRunner.hpp"
#include "host/io/SiteMapWriter.hpp"
#include "kernels/HopEnergy.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/microstructure/Microstructure.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/state/SystemState.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

const Lattice& sc20() {
  static const Lattice lat(make_textbook_lattice("sc", 3.0), {20, 20, 20});
  return lat;
}

MicrostructureSettings poly(double grain, double width) {
  MicrostructureSettings m;
  m.type = "polycrystalline";
  m.seed = 3;
  m.grain_size = grain;
  m.boundary_width = width;
  m.grain_barrier = 0.5;
  m.boundary_barrier = 0.25;
  m.boundary_energy = -0.05;
  return m;
}

int64_t count_phase(const SiteMap& m, Phase p) {
  int64_t n = 0;
  for (uint8_t x : m.phase) n += x == static_cast<uint8_t>(p);
  return n;
}

}  // namespace

TEST(Microstructure, ReproducibleFromTheSeed) {
  MicrostructureSettings m = poly(15, 4);
  m.blocked_fractions = {0.1};
  const SiteMap a = build_microstructure(sc20(), m, 0.4), b = build_microstructure(sc20(), m, 0.4);
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.grain, b.grain);
  EXPECT_EQ(a.blocked, b.blocked);
  EXPECT_EQ(a.bond_barrier, b.bond_barrier);
  m.seed = 4;
  const SiteMap c = build_microstructure(sc20(), m, 0.4);
  EXPECT_NE(a.grain, c.grain);
  EXPECT_NE(a.blocked, c.blocked);
}

TEST(Microstructure, VoronoiGrainsAndBoundaryShell) {
  const Lattice& lat = sc20();  // 60 A cube
  const SiteMap m = build_microstructure(lat, poly(20, 4), 0.4);
  EXPECT_EQ(m.grains, 27);  // (60 / 20)^3
  std::set<int32_t> used(m.grain.begin(), m.grain.end());
  EXPECT_GE(used.size(), 20u);  // random seeds: a few cells may hold no site
  // A shell 4 A wide (wider than a hop) covers every interface: any bond
  // between two grains touches a boundary site.
  const int z = lat.max_coordination();
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    for (int k = 0; k < z; ++k) {
      const int64_t t = lat.neighbor(s, k);
      if (m.grain[s] != m.grain[t])
        ASSERT_TRUE(m.phase[s] == uint8_t(Phase::Boundary) ||
                    m.phase[t] == uint8_t(Phase::Boundary))
            << s << " " << t;
      // Barriers: the mean of the two ends' phase barriers, the same both ways.
      const double want = 0.5 * ((m.phase[s] ? 0.25 : 0.5) + (m.phase[t] ? 0.25 : 0.5)) - 0.4;
      ASSERT_NEAR(m.bond_barrier[s * z + k], want, 1e-12);
      ASSERT_EQ(m.bond_barrier[s * z + k],
                m.bond_barrier[t * z + lat.reverse_direction(lat.basis_of(s), k)]);
    }
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    ASSERT_EQ(m.site_energy[s], m.phase[s] == uint8_t(Phase::Boundary) ? -0.05 : 0.0);
  // A wider shell holds more sites; no shell, none.
  const int64_t shell4 = count_phase(m, Phase::Boundary);
  EXPECT_GT(count_phase(build_microstructure(lat, poly(20, 8), 0.4), Phase::Boundary), shell4);
  EXPECT_EQ(count_phase(build_microstructure(lat, poly(20, 0), 0.4), Phase::Boundary), 0);
  EXPECT_EQ(m.phase_sites[0] + m.phase_sites[1], lat.num_host_sites());
}

TEST(Microstructure, SpaceChargeDecaysAwayFromTheBoundaries) {
  MicrostructureSettings p = poly(30, 3);
  p.boundary_energy = 0;
  p.space_charge_energy = 0.1;
  p.debye_length = 2;
  const SiteMap m = build_microstructure(sc20(), p, 0.4);
  double lo = 1, hi = 0;
  int far = 0;
  for (int64_t s = 0; s < sc20().num_sites(); ++s) {
    if (m.phase[s] != uint8_t(Phase::Crystal)) continue;
    lo = std::min(lo, m.site_energy[s]);
    hi = std::max(hi, m.site_energy[s]);
    far += m.site_energy[s] < 0.1 * std::exp(-3.0);  // more than 3 Debye lengths in
  }
  EXPECT_GT(hi, 0.1 * std::exp(-0.5));  // next to a shell: most of the offset
  EXPECT_LE(hi, 0.1);
  EXPECT_GT(lo, 0.0);
  EXPECT_GT(far, 0);
}

TEST(Microstructure, BlockedSitesAreClosedAndEmpty) {
  OxideOptions o;
  o.ordering = "layered";
  const Lattice lat(make_oxide_lattice("perovskite", o), {12, 12, 6});
  MicrostructureSettings m;
  m.type = "crystalline";
  m.blocked_sublattices = {"A_La_rich", "A_La_poor"};
  m.blocked_fractions = {0.8, 0.2};
  const SiteMap map = build_microstructure(lat, m, 0.3);
  int64_t blocked[2] = {0, 0}, total[2] = {0, 0};
  for (int64_t s = 0; s < lat.num_sites(); ++s) {
    if (!lat.is_host(s)) {
      ASSERT_EQ(map.blocked[s], 0);
      continue;
    }
    const int layer = lat.description().basis[lat.basis_of(s)].sublattice == "A_La_rich" ? 0 : 1;
    ++total[layer];
    blocked[layer] += map.blocked[s];
  }
  // Binomial: 864 sites per layer, standard deviation 0.0136; allow 5.
  EXPECT_NEAR(double(blocked[0]) / total[0], 0.8, 5 * std::sqrt(0.8 * 0.2 / total[0]));
  EXPECT_NEAR(double(blocked[1]) / total[1], 0.2, 5 * std::sqrt(0.8 * 0.2 / total[1]));
  EXPECT_EQ(map.open_host_sites, total[0] + total[1] - blocked[0] - blocked[1]);
  // Hops into and out of a blocked site have rate exactly zero; ions never start there.
  HopParameters hp;
  const HopModel model(lat, hp, map.site_energy, map.bond_barrier);
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    for (int k = 0; k < lat.coordination(lat.basis_of(s)); ++k)
      if (map.blocked[s] || map.blocked[lat.neighbor(s, k)])
        ASSERT_EQ(model.static_rate(s, k), 0.0);
  Occupancy occ;
  occ.fraction = 1.0;
  const SystemState st = place_ions(lat, occ, 9, 0, map.blocked);
  EXPECT_EQ(st.num_ions(), map.open_host_sites);
  for (int32_t s : st.ion_site) ASSERT_EQ(map.blocked[s], 0);
}

TEST(Microstructure, AmorphousSpreadsHaveTheirWidth) {
  MicrostructureSettings m;
  m.type = "amorphous";
  m.site_energy_sigma = 0.1;
  m.barrier_sigma = 0.05;
  m.amorphous_barrier = 0.45;
  const SiteMap map = build_microstructure(sc20(), m, 0.4);
  double s1 = 0, s2 = 0, b1 = 0, b2 = 0;
  const int64_t n = sc20().num_sites();
  for (int64_t s = 0; s < n; ++s) {
    s1 += map.site_energy[s], s2 += map.site_energy[s] * map.site_energy[s];
    const double b = map.bond_barrier[s * 6];  // the first hop slot of each site
    b1 += b, b2 += b * b;
  }
  const double mean_e = s1 / n, sd_e = std::sqrt(s2 / n - mean_e * mean_e);
  const double mean_b = b1 / n, sd_b = std::sqrt(b2 / n - mean_b * mean_b);
  // 8000 draws: a mean within 5 sigma/sqrt(n), a spread within 5 sigma/sqrt(2n)
  // (bonds: half the slots are the reverse of another, so n/2 independent draws).
  EXPECT_NEAR(mean_e, 0.0, 5 * 0.1 / std::sqrt(double(n)));
  EXPECT_NEAR(sd_e, 0.1, 5 * 0.1 / std::sqrt(2.0 * n));
  EXPECT_NEAR(mean_b, 0.05, 5 * 0.05 / std::sqrt(n / 2.0));  // 0.45 - 0.4
  EXPECT_NEAR(sd_b, 0.05, 5 * 0.05 / std::sqrt(double(n)));
  // The other shapes: a box of the same variance, and +-sigma.
  m.barrier_distribution = "uniform";
  const SiteMap u = build_microstructure(sc20(), m, 0.4);
  m.barrier_distribution = "bimodal";
  const SiteMap bi = build_microstructure(sc20(), m, 0.4);
  double umax = 0;
  for (int64_t s = 0; s < n; ++s) {
    umax = std::max(umax, std::fabs(u.bond_barrier[s * 6] - 0.05));
    ASSERT_NEAR(std::fabs(bi.bond_barrier[s * 6] - 0.05), 0.05, 1e-12);
  }
  EXPECT_LE(umax, std::sqrt(3.0) * 0.05);
  EXPECT_GT(umax, 0.95 * std::sqrt(3.0) * 0.05);
}

TEST(Microstructure, CompositeGlassFillsItsFraction) {
  MicrostructureSettings m;
  m.type = "composite";
  m.grain_size = 20;
  m.glass_fraction = 0.3;
  m.amorphous_barrier = 0.35;
  m.grain_barrier = 0.6;
  const SiteMap map = build_microstructure(sc20(), m, 0.4);
  const double glass = double(map.phase_sites[int(Phase::Amorphous)]) / sc20().num_host_sites();
  EXPECT_NEAR(glass, 0.3, 0.005);  // a quantile of distances: off by ties only
  for (int64_t s = 0; s < sc20().num_sites(); ++s)
    if (map.phase[s] == uint8_t(Phase::Amorphous)) ASSERT_EQ(map.grain[s], -1);
}

TEST(Microstructure, JmakAnnealingSetsTheCrystallizedFraction) {
  MicrostructureSettings m;
  m.type = "annealed";
  m.grain_size = 15;
  m.anneal_temperature = 723.15;  // 450 C
  m.anneal_time = 7200;           // 2 h
  m.avrami_exponent = 3;
  m.crystallization_energy = 1.5;
  // k t = 0.8 at 450 C: X = 1 - exp(-0.512).
  m.crystallization_rate = 0.8 / 7200 / std::exp(-1.5 / (kBoltzmannEv * 723.15));
  EXPECT_NEAR(jmak_crystallized_fraction(m), 1 - std::exp(-0.512), 1e-12);
  const SiteMap map = build_microstructure(sc20(), m, 0.4);
  const double x = double(map.phase_sites[int(Phase::Crystal)]) / sc20().num_host_sites();
  EXPECT_NEAR(x, 1 - std::exp(-0.512), 0.005);
  // Hotter or longer crystallizes more; grains coarsen with growth.
  MicrostructureSettings hot = m;
  hot.anneal_temperature = 773.15;
  EXPECT_GT(jmak_crystallized_fraction(hot), jmak_crystallized_fraction(m));
  hot.grain_growth_rate = 1e3;
  EXPECT_GT(annealed_grain_size(hot), 15.0);
  EXPECT_EQ(annealed_grain_size(m), 15.0);
  // An interface shell appears on both sides of every crystal surface.
  m.boundary_width = 3;
  const SiteMap shell = build_microstructure(sc20(), m, 0.4);
  EXPECT_GT(shell.phase_sites[int(Phase::Boundary)], 0);
  EXPECT_LT(shell.phase_sites[int(Phase::Crystal)], map.phase_sites[int(Phase::Crystal)]);
  EXPECT_LT(shell.phase_sites[int(Phase::Amorphous)], map.phase_sites[int(Phase::Amorphous)]);
}

TEST(Microstructure, SiteMapIsExtendedXyz) {
  const Lattice lat(make_oxide_lattice("perovskite", {}), {4, 4, 4});
  MicrostructureSettings m = poly(8, 2);
  m.blocked_fractions = {0.25};
  const SiteMap map = build_microstructure(lat, m, 0.3);
  std::istringstream in(site_map_xyz(lat, map, 0.3));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(std::stoll(line), lat.num_sites());
  std::getline(in, line);
  EXPECT_NE(line.find("Lattice=\"15.48 0 0 0 15.48 0 0 0 15.48\""), std::string::npos) << line;
  EXPECT_NE(
      line.find("Properties=species:S:1:pos:R:3:sublattice:S:1:phase:S:1:grain:I:1:blocked:I:1:"
                "site_energy:R:1:barrier:R:1:layer:I:1"),
      std::string::npos);
  int64_t rows = 0, blocked = 0, boundary = 0;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string species, sub, phase;
    double x, y, z, e, b;
    int grain, blk, layer;
    ASSERT_TRUE(f >> species >> x >> y >> z >> sub >> phase >> grain >> blk >> e >> b >> layer)
        << line;
    const Vec3 r = lat.position(rows);
    ASSERT_NEAR(x, r.x, 1e-6);
    ASSERT_NEAR(z, r.z, 1e-6);
    ASSERT_EQ(phase, phase_name(static_cast<Phase>(map.phase[rows])));
    blocked += blk;
    boundary += phase == "boundary" && sub == "A";
    ++rows;
  }
  EXPECT_EQ(rows, lat.num_sites());
  EXPECT_EQ(blocked, lat.num_host_sites() - map.open_host_sites);
  EXPECT_EQ(boundary, map.phase_sites[int(Phase::Boundary)]);
}

TEST(Microstructure, StructureCommandWritesTheSiteMapAndCell) {
  ScratchDir dir;
  std::ofstream(dir / "c.toml") << "[lattice]\ntype = \"spinel\"\ncells = [2, 2, 2]\n"
                                << "[microstructure]\ntype = \"polycrystalline\"\ngrain_size = 8\n"
                                << "boundary_width = 2\n";
  const CommandResult r = run_coatkmc({"structure", dir / "c.toml", "--out", "o"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("grains 9"), std::string::npos) << r.out;
  for (const char* f : {"o/site_map.xyz", "o/structure.cif", "o/POSCAR"})
    EXPECT_TRUE(file_exists(dir / f)) << f;
  // A bad key is exit 2, as for run.
  std::ofstream(dir / "bad.toml") << "[microstructure]\ntype = \"polycrystalline\"\n";
  const CommandResult bad = run_coatkmc({"structure", dir / "bad.toml"}, dir.path());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(
      bad.err.find("microstructure.type: \"polycrystalline\" needs microstructure.grain_size"),
      std::string::npos)
      << bad.err;
}

TEST(Microstructure, MultilayerStacksLayersAlongC) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {6, 6, 10});
  MicrostructureSettings m;
  m.type = "multilayer";
  m.seed = 5;
  LayerSettings coating, cathode;
  coating.cells = 4;
  coating.energy = 0.1;
  coating.interface_barrier = 0.2;
  coating.microstructure.type = "amorphous";
  coating.microstructure.amorphous_barrier = 0.5;
  cathode.cells = 6;
  cathode.energy = -0.1;
  cathode.interface_barrier = 0.05;
  cathode.microstructure.type = "crystalline";
  cathode.microstructure.grain_barrier = 0.3;
  m.layers = {coating, cathode};
  const SiteMap map = build_microstructure(lat, m, 0.3);
  const int z = lat.max_coordination();
  for (int64_t s = 0; s < lat.num_sites(); ++s) {
    const int layer = lat.position(s).z < 4 * 3.0 - 1e-9 ? 0 : 1;
    ASSERT_EQ(map.layer[s], layer);
    ASSERT_NEAR(map.site_energy[s], layer == 0 ? 0.1 : -0.1, 1e-12);
    for (int k = 0; k < z; ++k) {
      const int64_t t = lat.neighbor(s, k);
      const double dz = lat.hop(s, k).displacement.z;
      double want;
      if (map.layer[t] == layer) {
        want = layer == 0 ? 0.2 : 0.0;  // 0.5 - 0.3 in the coating, 0.3 - 0.3 in the cathode
      } else {
        // Across an interface: the mean of the two layers plus the lower one's
        // interface barrier (the supercell is periodic: the cathode's top meets the coating).
        const int lower = dz > 0 ? layer : int(map.layer[t]);
        want = 0.1 + (lower == 0 ? 0.2 : 0.05);
      }
      ASSERT_NEAR(map.bond_barrier[s * z + k], want, 1e-12) << s << " " << k;
    }
  }
  EXPECT_EQ(map.phase_sites[int(Phase::Amorphous)], 6 * 6 * 4);
  // The layers must fill the cell count along c.
  m.layers[1].cells = 5;
  EXPECT_THROW(build_microstructure(lat, m, 0.3), std::invalid_argument);
}

TEST(Microstructure, LayerKeysAreCheckedWithTheirLine) {
  ScratchDir dir;
  std::ofstream(dir / "m.toml")
      << "[lattice]\ntype = \"sc\"\na = 3.0\ncells = [4, 4, 6]\n"
      << "[microstructure]\ntype = \"multilayer\"\n"
      << "[[microstructure.layers]]\nthickness = 9\n"
      << "[[microstructure.layers]]\nthickness = 9\ntype = \"amorphous\"\n"
      << "boundary_width = 3\n"
      << "[run]\nhops_per_particle = 1\n";
  CommandResult r = run_coatkmc({"run", dir / "m.toml", "--out", "o"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("m.toml:12: microstructure.layers[2].boundary_width: applies only to"),
            std::string::npos)
      << r.err;
  std::ofstream(dir / "n.toml") << "[lattice]\ntype = \"sc\"\na = 3.0\ncells = [4, 4, 6]\n"
                                << "[microstructure]\ntype = \"multilayer\"\n"
                                << "[[microstructure.layers]]\nthickness = 9\n"
                                << "[[microstructure.layers]]\nthickness = 6\n"
                                << "[run]\nhops_per_particle = 1\n";
  r = run_coatkmc({"run", dir / "n.toml", "--out", "o"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("n.toml:4: lattice.cells: the layers are 5 cells thick together"),
            std::string::npos)
      << r.err;
}
