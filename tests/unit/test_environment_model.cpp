// The local-environment model's host side (issue 16 part A): symmetry and
// orbit counts against hand-counted values, the compiled tables against a
// brute-force total energy, detailed balance of E_KRA and NEB tables, and
// bkl's rate updates after moves against recomputation from scratch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "EnvironmentClusterEntries.hpp"
#include "EnvironmentPairSpec.hpp"
#include "kernels/CounterRng.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/EnvironmentClusters.hpp"
#include "kmc/model/EnvironmentCompiler.hpp"
#include "kmc/model/EnvironmentModel.hpp"
#include "kmc/model/EnvironmentPlacement.hpp"
#include "kmc/model/EnvironmentSymmetry.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/solvers/BklSolver.hpp"

namespace coatkmc {
namespace {

std::vector<bool> mobile_mask(const LatticeDescription& d) {
  std::vector<bool> m;
  for (const BasisSite& b : d.basis) m.push_back(b.mobile);
  return m;
}

std::map<size_t, int> count_by_size(const std::vector<Cluster>& orbits) {
  std::map<size_t, int> n;
  for (const Cluster& c : orbits) ++n[c.size()];
  return n;
}

// Space groups as site maps, one operation per coset of the lattice
// translations: Pm-3m has 48 point operations; the conventional fcc cell
// adds its 4 centring translations (192); perovskite (Pm-3m) 48.
TEST(EnvironmentSymmetry, SpaceGroupOrders) {
  EXPECT_EQ(space_group(make_textbook_lattice("sc", 3.0)).size(), 48u);
  EXPECT_EQ(space_group(make_textbook_lattice("fcc", 4.0)).size(), 192u);
  EXPECT_EQ(space_group(make_oxide_lattice("perovskite", {})).size(), 48u);
  EXPECT_EQ(space_group(make_textbook_lattice("square", 3.0)).size(), 8u);
  EXPECT_EQ(space_group(make_textbook_lattice("triangular", 3.0)).size(), 12u);
}

// The point group of a nearest-neighbour hop of sc (and of perovskite's A-A
// hop) is D4h, order 16: 8 operations fix both ends, 8 swap them.
TEST(EnvironmentSymmetry, HopGroupOfSimpleCubicHopIsD4h) {
  for (const LatticeDescription& d :
       {make_textbook_lattice("sc", 3.0), make_oxide_lattice("perovskite", {})}) {
    const auto G = space_group(d);
    const SiteRef o{0, {0, 0, 0}}, t{0, {1, 0, 0}};
    const auto H = hop_group(G, o, t);
    EXPECT_EQ(H.size(), 16u) << d.name;
    int swapping = 0;
    for (const SymmetryOp& h : H) {
      const SiteRef a = h.apply(o), b = h.apply(t);
      EXPECT_TRUE((a == o && b == t) || (a == t && b == o));
      swapping += a == t;
    }
    EXPECT_EQ(swapping, 8);
  }
}

// Site-energy cluster orbits, counted by hand: sc within the second shell
// (a sqrt 2) has 1 point, 2 pairs and 2 triplets (the right isosceles
// a-a-a sqrt2 and the equilateral face-diagonal triangle); within the first
// shell no triangle fits. fcc within the second shell (a): 1 point, 2 pairs,
// 2 triplets (the equilateral nearest-neighbour triangle and NN-NN-2NN).
TEST(EnvironmentOrbits, SiteClusterCountsOnCubicLattices) {
  const auto sc = make_textbook_lattice("sc", 3.0);
  const auto Gsc = space_group(sc);
  auto n = count_by_size(site_cluster_orbits(sc, Gsc, mobile_mask(sc), 3.0 * 1.001, 3));
  EXPECT_EQ(n[1], 1);
  EXPECT_EQ(n[2], 1);
  EXPECT_EQ(n[3], 0);
  n = count_by_size(site_cluster_orbits(sc, Gsc, mobile_mask(sc), 3.0 * std::sqrt(2.0) * 1.001, 3));
  EXPECT_EQ(n[1], 1);
  EXPECT_EQ(n[2], 2);
  EXPECT_EQ(n[3], 2);
  const auto fcc = make_textbook_lattice("fcc", 4.0);
  const auto Gfcc = space_group(fcc);
  n = count_by_size(site_cluster_orbits(fcc, Gfcc, mobile_mask(fcc), 4.0 / std::sqrt(2.0) * 1.001, 3));
  EXPECT_EQ(n[1], 1);
  EXPECT_EQ(n[2], 1);
  EXPECT_EQ(n[3], 1);
  n = count_by_size(site_cluster_orbits(fcc, Gfcc, mobile_mask(fcc), 4.0 * 1.001, 3));
  EXPECT_EQ(n[1], 1);
  EXPECT_EQ(n[2], 2);
  EXPECT_EQ(n[3], 2);
}

// E_KRA clusters around a nearest-neighbour hop of sc within sqrt(5)/2 a of
// its midpoint: the 8 sites beside the two ends form one point orbit, and
// their 28 pairs fall into 5 orbits (same end opposite / perpendicular,
// different ends same / opposite / perpendicular directions). Perovskite's
// A-A hop with only the A sublattice in clusters: the same.
TEST(EnvironmentOrbits, HopClusterCountsOnScAndPerovskite) {
  for (const LatticeDescription& d :
       {make_textbook_lattice("sc", 3.0), make_oxide_lattice("perovskite", {})}) {
    const double a = norm(d.vectors[0]);
    const auto G = space_group(d);
    const SiteRef o{0, {0, 0, 0}}, t{0, {1, 0, 0}};
    const auto H = hop_group(G, o, t);
    std::vector<bool> use(d.basis.size(), false);
    use[0] = true;
    auto n = count_by_size(hop_cluster_orbits(d, H, use, o, t, a * std::sqrt(1.25) * 1.001, 2));
    EXPECT_EQ(n[1], 1) << d.name;
    EXPECT_EQ(n[2], 5) << d.name;
  }
  // Perovskite with the B (Ti) sites in clusters too (as when a dopant sits
  // there): the 4 B sites at a sqrt(2)/2 from the A-A midpoint are one more
  // point orbit.
  const auto p = make_oxide_lattice("perovskite", {});
  const double a = norm(p.vectors[0]);
  const auto G = space_group(p);
  const SiteRef o{0, {0, 0, 0}}, t{0, {1, 0, 0}};
  std::vector<bool> use(p.basis.size(), false);
  use[0] = use[1] = true;  // A and B
  auto n = count_by_size(hop_cluster_orbits(p, hop_group(G, o, t), use, o, t, a * 0.75, 1));
  EXPECT_EQ(n[1], 1);  // only the 4 B sites lie within 0.75 a
}

// --- compiled tables against a brute-force energy ---

struct Toy {
  LatticeDescription d = make_textbook_lattice("sc", 3.0);
  Lattice lattice{d, {6, 6, 6}};
  EnvironmentSpec spec;
  Toy() {
    spec.active = true;
    spec.mobile = {"ion"};
    spec.kra_cutoff_A = 3.0 * std::sqrt(1.25) * 1.001;
    spec.kra_max_sites = 2;
    spec.site_cutoff_A = 3.0 * std::sqrt(2.0) * 1.001;
    spec.site_max_sites = 3;
    ImmobileSpec x;
    x.name = "X";
    x.sublattice = "A";
    x.fraction = 0.15;
    spec.immobile.push_back(x);
    test::add_site_cluster(spec, {{0, 0, 0}}, {"ion"}, 0.013);
    test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}}, {"ion", "ion"}, 0.05);
    test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}}, {"ion", "X"}, -0.021);
    test::add_site_cluster(spec, {{0, 0, 0}, {1, 1, 0}}, {"ion", "ion"}, 0.017);
    test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}}, {"ion", "ion", "ion"}, 0.031);
    // X at an acute corner:
    test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}}, {"X", "ion", "ion"}, -0.012);
    test::add_site_cluster(spec, {{0, 0, 0}, {1, 1, 0}, {1, 0, 1}}, {"ion", "ion", "X"}, 0.009);
    test::add_kra_cluster(spec, {{0, 1, 0}}, {"ion"}, 0.04);
    test::add_kra_cluster(spec, {{0, 1, 0}}, {"X"}, 0.11);
    // Different ends, same side; the same end, perpendicular.
    test::add_kra_cluster(spec, {{0, 1, 0}, {1, 1, 0}}, {"ion", "X"}, -0.03);
    test::add_kra_cluster(spec, {{0, 1, 0}, {0, 0, 1}}, {"X", "X"}, 0.07);
    spec.coefficients.path = "toy.json";
  }
};

// Occupant codes of a random configuration: X where placed, else an ion
// with probability 0.4.
SystemState random_state(const Lattice& lattice, const std::vector<uint8_t>& fixed, uint64_t seed) {
  SystemState s;
  s.site_ion.assign(lattice.num_sites(), -1);
  s.occupied.assign(lattice.num_sites(), 0);
  for (int64_t i = 0; i < lattice.num_sites(); ++i) {
    if (fixed[i]) continue;
    const auto w = CounterRng::words(seed, 99, 0, 0, static_cast<uint32_t>(i));
    if (CounterRng::uniform(w[0], w[1]) < 0.4) {
      s.site_ion[i] = static_cast<int32_t>(s.ion_site.size());
      s.ion_site.push_back(static_cast<int32_t>(i));
      s.occupied[i] = 1;
    }
  }
  s.displacement.assign(s.ion_site.size(), {});
  return s;
}

// Total energy of the site clusters, summed cluster by cluster over the
// whole supercell: every distinct set of supercell sites that is an image of
// a listed cluster, with the ECI of its decoration (looked up by canonical
// key). Independent of the per-slot tables: their ΔH must equal this one's.
double brute_force_energy(const Toy& toy, const std::vector<uint8_t>& codes) {
  const auto G = space_group(toy.d);
  const auto& cells = toy.lattice.cells();
  std::map<ClusterKey, double> eci;
  EnvironmentCodes ec = environment_codes(toy.d, toy.spec);
  std::set<ClusterKey> shapes;
  for (const ClusterCoefficient& c : toy.spec.coefficients.site) {
    Cluster cl;
    std::vector<int32_t> dec;
    for (size_t i = 0; i < c.sites.size(); ++i) {
      cl.push_back(*site_at(toy.d, c.sites[i]));
      dec.push_back(ec.code_of(c.species[i]));
    }
    eci[canonical_key(G, cl, dec, true)] = c.eci_eV;
    shapes.insert(canonical_key(G, cl, {}, true));
  }
  auto index = [&](const SiteRef& s) {
    int64_t c[3];
    for (int i = 0; i < 3; ++i) c[i] = ((s.cell[i] % cells[i]) + cells[i]) % cells[i];
    return (c[2] * cells[1] + c[1]) * cells[0] + c[0];
  };
  double h = 0;
  for (const ClusterKey& shape : shapes) {
    std::set<std::vector<int64_t>> seen;
    for (const SymmetryOp& g : G)
      for (int x = 0; x < cells[0]; ++x)
        for (int y = 0; y < cells[1]; ++y)
          for (int z = 0; z < cells[2]; ++z) {
            Cluster img;
            std::vector<int64_t> ids;
            std::vector<int32_t> dec;
            for (const SiteRef& s : shape.sites) {
              img.push_back(g.apply(s).shifted({x, y, z}));
              ids.push_back(index(img.back()));
              dec.push_back(codes[ids.back()]);
            }
            std::vector<int64_t> sorted = ids;
            std::sort(sorted.begin(), sorted.end());
            if (!seen.insert(sorted).second) continue;
            if (std::find(dec.begin(), dec.end(), 0) != dec.end()) continue;
            auto it = eci.find(canonical_key(G, img, dec, true));
            if (it != eci.end()) h += it->second;
          }
  }
  return h;
}

std::vector<uint8_t> all_codes(const EnvironmentModel& m, const SystemState& s, int64_t n) {
  std::vector<uint8_t> c(n);
  for (int64_t i = 0; i < n; ++i) c[i] = m.code(s, i);
  return c;
}

// Without E_KRA terms, E_env of a hop is half the change of the total
// cluster energy: the tables' local ΔH equals the brute-force one.
TEST(EnvironmentTables, SiteTermsAreHalfTheEnergyChange) {
  Toy toy;
  toy.spec.coefficients.kra.clear();
  const auto fixed = place_immobile(toy.lattice, toy.spec, 5);
  EnvironmentModel model(toy.lattice, compile_environment(toy.lattice, toy.spec), fixed, 0.025);
  SystemState s = random_state(toy.lattice, fixed, 3);
  int checked = 0;
  for (int ion = 0; ion < s.num_ions() && checked < 12; ++ion) {
    const int32_t o = s.ion_site[ion];
    for (int k = 0; k < toy.lattice.coordination(0) && checked < 12; ++k) {
      const int32_t t = toy.lattice.neighbor(o, k);
      if (model.code(s, t) != 0) continue;
      const double e = model.energy(s, o, k);
      const double before = brute_force_energy(toy, all_codes(model, s, toy.lattice.num_sites()));
      SystemState after = s;
      after.relocate_ion(toy.lattice, o, t, false);
      const double h_after =
          brute_force_energy(toy, all_codes(model, after, toy.lattice.num_sites()));
      EXPECT_NEAR(e, 0.5 * (h_after - before), 1e-12) << "ion " << ion << " slot " << k;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 12);
}

// Detailed balance of the whole model (E_KRA + site terms): for every hop
// o -> t from configuration s to s', E_env(o->t, s) - E_env(t->o, s') =
// H(s') - H(s) = the site terms' change; the E_KRA part is the same both ways.
TEST(EnvironmentTables, ForwardMinusBackwardIsTheEnergyChange) {
  Toy toy;
  const auto fixed = place_immobile(toy.lattice, toy.spec, 5);
  EnvironmentModel full(toy.lattice, compile_environment(toy.lattice, toy.spec), fixed, 0.025);
  Toy site_only;
  site_only.spec.coefficients.kra.clear();
  EnvironmentModel sites(site_only.lattice, compile_environment(site_only.lattice, site_only.spec),
                         fixed, 0.025);
  SystemState s = random_state(toy.lattice, fixed, 8);
  int checked = 0, kra_nonzero = 0;
  for (int ion = 0; ion < s.num_ions(); ++ion) {
    const int32_t o = s.ion_site[ion];
    for (int k = 0; k < toy.lattice.coordination(0); ++k) {
      const int32_t t = toy.lattice.neighbor(o, k);
      if (full.code(s, t) != 0) continue;
      SystemState after = s;
      after.relocate_ion(toy.lattice, o, t, false);
      const int back = toy.lattice.reverse_direction(0, k);
      const double fwd = full.energy(s, o, k), bwd = full.energy(after, t, back);
      const double dh = 2 * sites.energy(s, o, k);
      EXPECT_NEAR(fwd - bwd, dh, 1e-12);
      kra_nonzero += std::fabs((fwd - sites.energy(s, o, k)) - 0.0) > 1e-9;
      ++checked;
    }
  }
  EXPECT_GT(checked, 200);
  EXPECT_GT(kra_nonzero, 50);  // the E_KRA terms did take part
}

// E_KRA alone: one point ECI of an X beside the hop, summed over the 8
// positions by hand.
TEST(EnvironmentTables, KraPointTermCountsNeighboursOfTheHop) {
  Toy toy;
  toy.spec.coefficients.site.clear();
  toy.spec.coefficients.kra.resize(2);  // ion point 0.04, X point 0.11
  const auto fixed = place_immobile(toy.lattice, toy.spec, 5);
  EnvironmentModel model(toy.lattice, compile_environment(toy.lattice, toy.spec), fixed, 0.025);
  SystemState s = random_state(toy.lattice, fixed, 4);
  const Lattice& L = toy.lattice;
  int checked = 0;
  for (int ion = 0; ion < s.num_ions() && checked < 40; ++ion) {
    const int32_t o = s.ion_site[ion];
    for (int k = 0; k < L.coordination(0) && checked < 40; ++k) {
      const int32_t t = L.neighbor(o, k);
      if (model.code(s, t) != 0) continue;
      // The 8 sites: neighbours of o and of t perpendicular to the hop.
      const Vec3 dir = L.hop(o, k).displacement;
      int ions = 0, xs = 0;
      for (int32_t end : {o, t})
        for (int q = 0; q < L.coordination(0); ++q) {
          if (std::fabs(dot(L.hop(end, q).displacement, dir)) > 1e-9) continue;
          const uint8_t c = model.code(s, L.neighbor(end, q));
          ions += c == 1;
          xs += c == 2;
        }
      const double expect = 0.0 + 0.04 * ions + 0.11 * xs;
      EXPECT_NEAR(model.energy(s, o, k), expect, 1e-12);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 40);
}

// The nearest-neighbour J model is one site pair term: bkl with the
// environment model runs the same trajectory, bit for bit, as bkl with
// hop.interaction = J.
TEST(EnvironmentBkl, NearestNeighbourPairIsTheInteractionModelBitForBit) {
  const LatticeDescription d = make_textbook_lattice("sc", 3.0);
  Lattice lattice(d, {8, 8, 8});
  HopParameters with_j, plain;
  with_j.temperature = plain.temperature = 400;
  with_j.interaction = 0.043;
  HopModel model_j(lattice, with_j), model_0(lattice, plain);
  const EnvironmentSpec spec = test::nearest_neighbour_pair_spec(3.0, 0.043);
  EnvironmentModel env(lattice, compile_environment(lattice, spec), {}, model_0.kT());
  Occupancy occ;
  occ.fraction = 0.45;
  SystemState a = place_ions(lattice, occ, 21, 0), b = a;
  BklSolver solver_j(lattice, model_j, 21), solver_env(lattice, model_0, 21);
  solver_env.set_environment(env);
  AdvanceTarget target;
  target.hops = 3000;
  solver_j.advance(a, target);
  solver_env.advance(b, target);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.ion_site, b.ion_site);
  for (int64_t i = 0; i < a.num_ions(); ++i) EXPECT_EQ(a.displacement[i].x, b.displacement[i].x);
}

// A model without coefficients leaves every rate as it was: the same
// trajectory as plain bkl, bit for bit (its update set still covers the hop
// neighbours of origin and target).
TEST(EnvironmentBkl, EmptyModelIsThePlainModelBitForBit) {
  const LatticeDescription d = make_textbook_lattice("bcc", 3.0);
  Lattice lattice(d, {6, 6, 6});
  HopParameters p;
  p.temperature = 350;
  HopModel model(lattice, p);
  EnvironmentSpec spec;
  spec.active = true;
  spec.mobile = {"ion"};
  EnvironmentModel env(lattice, compile_environment(lattice, spec), {}, model.kT());
  Occupancy occ;
  occ.fraction = 0.5;
  SystemState a = place_ions(lattice, occ, 4, 0), b = a;
  BklSolver plain(lattice, model, 4), with_env(lattice, model, 4);
  with_env.set_environment(env);
  AdvanceTarget target;
  target.hops = 4000;
  plain.advance(a, target);
  with_env.advance(b, target);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.ion_site, b.ion_site);
}

// After every move bkl recomputes the rates of the sites whose hops read the
// origin or the target (triplets and E_KRA pairs reach beyond the hop
// neighbours): each cached rate equals a recomputation from scratch.
TEST(EnvironmentBkl, RatesAfterMovesEqualRecomputation) {
  Toy toy;
  HopParameters p;
  p.temperature = 600;
  HopModel hop(toy.lattice, p);
  const auto fixed = place_immobile(toy.lattice, toy.spec, 5);
  EnvironmentModel env(toy.lattice, compile_environment(toy.lattice, toy.spec), fixed, hop.kT());
  std::vector<uint8_t> blocked(fixed.size());
  for (size_t i = 0; i < fixed.size(); ++i) blocked[i] = fixed[i] != 0;
  Occupancy occ;
  occ.fraction = 0.35;
  SystemState s = place_ions(toy.lattice, occ, 2, 0, blocked);
  BklSolver solver(toy.lattice, hop, 2);
  solver.set_environment(env);
  for (int round = 0; round < 5; ++round) {
    AdvanceTarget target;
    target.hops = s.hops + 200;
    solver.advance(s, target);
    int differing = 0;
    for (int64_t i = 0; i < toy.lattice.num_sites(); ++i)
      differing += solver.cached_site_rate(i) != solver.site_rate(s, i);
    EXPECT_EQ(differing, 0) << "after " << s.hops << " hops";
  }
  // No ion ever entered a site an immobile species holds.
  for (int32_t site : s.ion_site) EXPECT_EQ(fixed[site], 0);
  EXPECT_EQ(s.hops, 1000u);
}

// Two mobile species: the occupant code of an ion is 1 + its species, so a
// cluster can tell them apart; the cached rates (environment factor times
// the species' vacancy factor) still equal a recomputation after every move.
TEST(EnvironmentBkl, TwoSpeciesRatesAfterMovesEqualRecomputation) {
  const LatticeDescription d = make_textbook_lattice("sc", 3.0);
  Lattice lattice(d, {6, 6, 6});
  HopParameters p;
  p.temperature = 500;
  HopModel hop(lattice, p);
  EnvironmentSpec spec;
  spec.active = true;
  spec.mobile = {"Li", "Na"};
  spec.site_cutoff_A = 3.0 * 1.001;
  spec.site_max_sites = 2;
  spec.kra_cutoff_A = 3.0 * std::sqrt(1.25) * 1.001;
  spec.kra_max_sites = 1;
  test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}}, {"Li", "Li"}, 0.03);
  test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}}, {"Li", "Na"}, -0.04);
  test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}}, {"Na", "Na"}, 0.06);
  test::add_kra_cluster(spec, {{0, 1, 0}}, {"Na"}, 0.08);
  EnvironmentModel env(lattice, compile_environment(lattice, spec), {}, hop.kT());
  SpeciesSettings settings;
  SpeciesSpec li, na;
  li.name = "Li";
  li.barrier = 0.3;
  na.name = "Na";
  na.barrier = 0.4;
  settings.species = {li, na};
  SpeciesRates rates(lattice, p, settings);
  Occupancy occ;
  occ.fraction = 0.5;
  SystemState s = place_ions(lattice, occ, 9, 0);
  assign_species(s, {s.num_ions() / 2, s.num_ions() - s.num_ions() / 2}, 9);
  BklSolver solver(lattice, hop, 9);
  solver.set_species(rates);
  solver.set_environment(env);
  for (int round = 0; round < 4; ++round) {
    AdvanceTarget target;
    target.hops = s.hops + 150;
    solver.advance(s, target);
    int differing = 0;
    for (int64_t i = 0; i < lattice.num_sites(); ++i)
      differing += solver.cached_site_rate(i) != solver.site_rate(s, i);
    EXPECT_EQ(differing, 0);
  }
  // The occupant code of an ion is 1 + its species.
  const int32_t o = s.ion_site[0];
  EXPECT_EQ(env.code(s, o), 1 + s.ion_species[0]);
}

// The tables' reach: the stencil of sc's hop with E_KRA pairs within
// sqrt(5)/2 a of the midpoint and triplets of the second shell around both
// ends reaches (2, 2, 2) cells, and bkl's update set covers every site that
// reads a given one.
TEST(EnvironmentTables, ReachAndAffectedSets) {
  Toy toy;
  const CompiledEnvironment t = compile_environment(toy.lattice, toy.spec);
  EXPECT_EQ(t.reach_cells[0], 2);
  EXPECT_EQ(t.reach_cells[1], 2);
  EXPECT_EQ(t.reach_cells[2], 2);
  // Every (slot, stencil site) pair appears reversed in the affected list.
  for (int slot = 0; slot < t.slots(); ++slot)
    for (int32_t i = t.site_begin[slot]; i < t.site_begin[slot + 1]; ++i) {
      const EnvironmentSite& e = t.sites[i];
      bool found = false;
      for (int32_t a = t.affected_begin[e.basis]; a < t.affected_begin[e.basis + 1]; ++a) {
        const EnvironmentSite& f = t.affected[a];
        found |= f.cell[0] == -e.cell[0] && f.cell[1] == -e.cell[1] && f.cell[2] == -e.cell[2] &&
                 f.basis == slot / t.zmax;
      }
      EXPECT_TRUE(found);
    }
  EXPECT_GT(t.interaction_radius_A, 3.0 * std::sqrt(5.0) - 1e-9);
  EXPECT_LT(t.min_energy_eV, 0);
  EXPECT_GT(t.max_energy_eV, 0);
}

// NEB tables: a pattern and its mirror image are one pattern (listed twice:
// refused); positions not closed under the hop's group are refused; E_KRA
// from the table is the same for a hop and its reverse.
TEST(EnvironmentNeb, PatternsUpToSymmetryAndDetailedBalance) {
  Toy toy;
  toy.spec.coefficients = {};
  toy.spec.coefficients.path = "neb.json";
  NebTable t;
  t.hop_from = {0, 0, 0};
  t.hop_to = {1, 0, 0};
  t.positions = {{0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1},
                 {1, 1, 0}, {1, -1, 0}, {1, 0, 1}, {1, 0, -1}};
  t.default_eV = 0.3;
  t.where = "/neb/0";
  NebPattern p;
  p.occupation = {"X", "Va", "Va", "Va", "Va", "Va", "Va", "Va"};  // one X beside the origin
  p.barrier_eV = 0.45;
  p.where = "/neb/0/patterns/0";
  t.patterns.push_back(p);
  toy.spec.coefficients.neb.push_back(t);
  const CompiledEnvironment ok = compile_environment(toy.lattice, toy.spec);
  // The mirror image (X beside the target instead) is the same pattern.
  NebPattern mirror = p;
  mirror.occupation = {"Va", "Va", "Va", "Va", "X", "Va", "Va", "Va"};
  mirror.where = "/neb/0/patterns/1";
  toy.spec.coefficients.neb[0].patterns.push_back(mirror);
  try {
    compile_environment(toy.lattice, toy.spec);
    ADD_FAILURE() << "a pattern listed twice was accepted";
  } catch (const EnvironmentError& e) {
    EXPECT_EQ(e.key(), "environment.coefficients");
    EXPECT_NE(std::string(e.what()).find("neb.json /neb/0/patterns/1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("listed twice"), std::string::npos) << e.what();
  }
  toy.spec.coefficients.neb[0].patterns.pop_back();
  toy.spec.coefficients.neb[0].positions.pop_back();
  toy.spec.coefficients.neb[0].patterns[0].occupation.pop_back();
  EXPECT_THROW(compile_environment(toy.lattice, toy.spec), EnvironmentError);

  const auto fixed = place_immobile(toy.lattice, toy.spec, 5);
  EnvironmentModel model(toy.lattice, CompiledEnvironment(ok), fixed, 0.025);
  SystemState s = random_state(toy.lattice, fixed, 6);
  int listed = 0, checked = 0;
  for (int ion = 0; ion < s.num_ions(); ++ion) {
    const int32_t o = s.ion_site[ion];
    for (int k = 0; k < toy.lattice.coordination(0); ++k) {
      const int32_t tt = toy.lattice.neighbor(o, k);
      if (model.code(s, tt) != 0) continue;
      SystemState after = s;
      after.relocate_ion(toy.lattice, o, tt, false);
      const double fwd = model.energy(s, o, k);
      const double bwd = model.energy(after, tt, toy.lattice.reverse_direction(0, k));
      EXPECT_EQ(fwd, bwd);
      EXPECT_TRUE(fwd == 0.3 || fwd == 0.45);
      listed += fwd == 0.45;
      ++checked;
    }
  }
  EXPECT_GT(listed, 0);
  EXPECT_GT(checked, listed);
}

// Input the compiler refuses, each naming the JSON entry.
TEST(EnvironmentTables, RefusesBadCoefficients) {
  auto message = [](Toy& toy) -> std::string {
    try {
      compile_environment(toy.lattice, toy.spec);
    } catch (const EnvironmentError& e) {
      return e.what();
    }
    return "";
  };
  {
    Toy toy;  // a KRA cluster outside the cutoff
    toy.spec.coefficients.kra[0].sites = {{0, 2, 0}};
    EXPECT_NE(message(toy).find("toy.json /kra/0/sites/0: the cluster reaches"), std::string::npos);
  }
  {
    Toy toy;  // a pair farther apart than the site cutoff
    toy.spec.coefficients.site[1].sites = {{0, 0, 0}, {2, 0, 0}};
    EXPECT_NE(message(toy).find("/site/1/sites/1"), std::string::npos);
  }
  {
    Toy toy;  // a species no site holds
    toy.spec.coefficients.site[0].species = {"Mg"};
    EXPECT_NE(message(toy).find("/site/0/species/0: no species 'Mg'"), std::string::npos);
  }
  {
    Toy toy;  // the same cluster and decoration twice (a symmetric image)
    toy.spec.coefficients.site[1].sites = {{0, 0, 0}, {0, -1, 0}};
    toy.spec.coefficients.site[2].species = {"ion", "ion"};
    toy.spec.coefficients.site[2].sites = {{5, 5, 5}, {5, 5, 6}};
    EXPECT_NE(message(toy).find("/site/2: the same cluster"), std::string::npos);
  }
  {
    Toy toy;  // an end of the hop in E_KRA
    toy.spec.coefficients.kra[0].sites = {{1, 0, 0}};
    EXPECT_NE(message(toy).find("an end of the hop"), std::string::npos);
  }
  {
    Toy toy;  // no hop there
    toy.spec.coefficients.kra[0].hop_to = {1, 1, 0};
    EXPECT_NE(message(toy).find("/kra/0/hop: no hop"), std::string::npos);
  }
}

}  // namespace
}  // namespace coatkmc
