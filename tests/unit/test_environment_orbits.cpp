// Orbits generated from cutoffs (issue 16 item 1, docs/environment.md
// "Generated orbits"): counts and multiplicities against hand-counted
// values, decorations, stable ids, and orbit ids in a coefficients file
// compiling to the same tables as the clusters written out.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/EnvironmentCompiler.hpp"
#include "kmc/model/EnvironmentOrbits.hpp"

namespace coatkmc {
namespace {

std::vector<const GeneratedOrbit*> of_order(const std::vector<GeneratedOrbit>& list, size_t n) {
  std::vector<const GeneratedOrbit*> out;
  for (const GeneratedOrbit& o : list)
    if (o.sites.size() == n) out.push_back(&o);
  return out;
}

// The pointers point into `list`: a temporary list would leave them dangling.
std::vector<const GeneratedOrbit*> of_order(std::vector<GeneratedOrbit>&& list, size_t n) = delete;

std::vector<int> multiplicities(const std::vector<const GeneratedOrbit*>& list) {
  std::vector<int> m;
  for (const GeneratedOrbit* o : list) m.push_back(o->multiplicity);
  return m;
}

EnvironmentSpec one_species() {
  EnvironmentSpec s;
  s.active = true;
  s.mobile = {"ion"};
  return s;
}

// A nearest-neighbour hop of sc (a = 3) o = (0,0,0) -> t = (1,0,0): the 8
// sites beside its ends lie a sqrt(5)/2 from the midpoint (one point orbit).
// Their 28 pairs, by length: across the hop side by side (a, 4 pairs), at
// one end perpendicular (a sqrt2, 4 per end: 8), across and perpendicular
// (a sqrt3, 8), at one end opposite (2a, 2 per end: 4), across and opposite
// (a sqrt5, 4). Each pair cutoff between two lengths adds one orbit.
TEST(EnvironmentGeneratedOrbits, ScNearestNeighbourHopPairsByShell) {
  const LatticeDescription d = make_textbook_lattice("sc", 3.0);
  const double a = 3.0;
  EnvironmentSpec s = one_species();
  s.kra_cutoff_A = a * std::sqrt(1.25) * 1.001;
  const double cut[5] = {1.01, 1.5, 1.8, 2.1, 2.3};
  const std::vector<int> all = {4, 8, 8, 4, 4};
  for (int k = 0; k < 5; ++k) {
    s.kra_generate.pair_A = a * cut[k];
    const GeneratedOrbits g = generate_orbits(d, s);
    ASSERT_EQ(g.hops.size(), 1u);  // every sc nearest-neighbour hop is one class
    EXPECT_EQ(g.hops[0].slots, 6);
    EXPECT_EQ(g.hops[0].group.size(), 16u);
    const auto points = of_order(g.kra, 1);
    ASSERT_EQ(points.size(), 1u);
    EXPECT_EQ(points[0]->multiplicity, 8);
    EXPECT_EQ(points[0]->id, "kra.h0.point0");
    const auto pairs = of_order(g.kra, 2);
    EXPECT_EQ(multiplicities(pairs), std::vector<int>(all.begin(), all.begin() + k + 1)) << k;
    for (size_t i = 0; i < pairs.size(); ++i)
      EXPECT_EQ(pairs[i]->id, "kra.h0.pair" + std::to_string(i));
    // One species: one decoration per orbit.
    for (const GeneratedOrbit& o : g.kra) EXPECT_EQ(o.decorations.size(), 1u) << o.id;
  }
  // Triangles: none with every side <= a sqrt2 (a site has one partner at
  // a, across the hop, and perpendicular partners only at its own end).
  // With sides <= a sqrt3: the 16 triangles (a, a sqrt2, a sqrt3) -- two
  // perpendicular sites at one end, the partner of one of them across --
  // one orbit: D4h (16 operations) fixes none of them.
  s.kra_generate = {a * 2.3, a * 1.5, 0};
  const GeneratedOrbits without = generate_orbits(d, s);
  EXPECT_EQ(of_order(without.kra, 3).size(), 0u);
  s.kra_generate.triplet_A = a * 1.8;
  const GeneratedOrbits with = generate_orbits(d, s);
  const auto tri = of_order(with.kra, 3);
  EXPECT_EQ(multiplicities(tri), std::vector<int>({16}));
  EXPECT_NEAR(tri[0]->max_distance_A, a * std::sqrt(3.0), 1e-12);
}

// Site clusters of sc within a sqrt2, per cell: pairs a (3) and a sqrt2 (6);
// triangles a-a-a sqrt2 (12: a right angle at each site in 12 orientations)
// and the equilateral a sqrt2 one (8: one per cube corner); quadruplets are
// 4 corners of one cube with no body diagonal (2^4 = 16 per cube): the 6
// faces (3 per cell, each shared by two cubes), the 8 corner tripods and the
// 2 regular tetrahedra. Ordered by longest, then summed length.
TEST(EnvironmentGeneratedOrbits, ScSiteClustersWithinTheSecondShell) {
  const LatticeDescription d = make_textbook_lattice("sc", 3.0);
  EnvironmentSpec s = one_species();
  const double c = 3.0 * std::sqrt(2.0) * 1.001;
  s.site_generate = {c, c, c};
  s.site_max_sites = 4;
  s.site_cutoff_A = c;
  const GeneratedOrbits g = generate_orbits(d, s);
  EXPECT_EQ(multiplicities(of_order(g.site, 1)), std::vector<int>({1}));
  EXPECT_EQ(multiplicities(of_order(g.site, 2)), std::vector<int>({3, 6}));
  EXPECT_EQ(multiplicities(of_order(g.site, 3)), std::vector<int>({12, 8}));
  EXPECT_EQ(multiplicities(of_order(g.site, 4)), std::vector<int>({3, 8, 2}));
  EXPECT_EQ(g.site.front().id, "site.point0");
  EXPECT_EQ(g.site.back().id, "site.quadruplet2");
  // Same input, same list (ids are the listing's contract).
  const GeneratedOrbits again = generate_orbits(d, s);
  ASSERT_EQ(again.site.size(), g.site.size());
  for (size_t i = 0; i < g.site.size(); ++i) {
    EXPECT_EQ(again.site[i].id, g.site[i].id);
    EXPECT_EQ(again.site[i].sites, g.site[i].sites);
  }
  // Orders beyond site_max_sites are not generated.
  s.site_max_sites = 2;
  const GeneratedOrbits none = generate_orbits(d, s);
  EXPECT_EQ(of_order(none.site, 3).size(), 0u);
}

// Perovskite A-site hop with Nb on the B sites: within 0.75 a of the A-A
// midpoint lie only the 4 B sites (a/sqrt2 away), a square of side a in the
// plane between the ends: 1 point, pairs along a side (4) and a diagonal
// (2), the 4 triangles, the square itself; one decoration each (B holds Nb
// or its own Ti, the reference). With La on the A sites, the A-site
// clusters carry two species: a point 2 decorations, the pair across the
// hop (swapped by the mirror between the ends) 3, not 4.
TEST(EnvironmentGeneratedOrbits, PerovskiteASiteHopWithDopantsAndLa) {
  const LatticeDescription p = make_oxide_lattice("perovskite", {});
  const double a = norm(p.vectors[0]);
  EnvironmentSpec s = one_species();
  ImmobileSpec nb;
  nb.name = "Nb";
  nb.sublattice = "B";
  s.immobile = {nb};
  s.kra_cutoff_A = 0.75 * a;
  s.kra_max_sites = 4;
  s.kra_generate = {1.5 * a, 1.5 * a, 1.5 * a};
  GeneratedOrbits g = generate_orbits(p, s);
  ASSERT_EQ(g.hops.size(), 1u);
  EXPECT_EQ(multiplicities(of_order(g.kra, 1)), std::vector<int>({4}));
  EXPECT_EQ(multiplicities(of_order(g.kra, 2)), std::vector<int>({4, 2}));
  EXPECT_EQ(multiplicities(of_order(g.kra, 3)), std::vector<int>({4}));
  EXPECT_EQ(multiplicities(of_order(g.kra, 4)), std::vector<int>({1}));
  for (const GeneratedOrbit& o : g.kra) {
    ASSERT_EQ(o.decorations.size(), 1u);
    for (int32_t code : o.decorations[0]) EXPECT_EQ(g.codes.names[code], "Nb");
  }

  ImmobileSpec la;
  la.name = "La";
  la.sublattice = "A";
  s.immobile = {la};
  s.kra_cutoff_A = a * std::sqrt(1.25) * 1.001;
  s.kra_generate = {a * 1.01, 0, 0};
  s.site_generate = {a * 1.01, 0, 0};
  s.site_cutoff_A = a * 1.01;
  g = generate_orbits(p, s);
  const auto points = of_order(g.kra, 1), pairs = of_order(g.kra, 2);
  ASSERT_EQ(points.size(), 1u);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(points[0]->decorations.size(), 2u);  // ion, La
  EXPECT_EQ(pairs[0]->decorations.size(), 3u);   // ion-ion, ion-La, La-La
  const auto site_pairs = of_order(g.site, 2);
  ASSERT_EQ(site_pairs.size(), 1u);
  EXPECT_EQ(site_pairs[0]->multiplicity, 3);
  EXPECT_EQ(site_pairs[0]->decorations.size(), 3u);
}

// Orbit ids resolve to the orbit's representative: the tables compiled from
// {"orbit": id} entries equal those from the same clusters written out.
TEST(EnvironmentGeneratedOrbits, OrbitIdsCompileLikeTheirClusters) {
  const LatticeDescription d = make_textbook_lattice("sc", 3.0);
  const Lattice lattice(d, {6, 6, 6});
  EnvironmentSpec s = one_species();
  s.kra_cutoff_A = 3.0 * std::sqrt(1.25) * 1.001;
  s.kra_generate = {3.0 * 1.8, 0, 0};
  s.site_generate = {3.0 * 1.5, 0, 0};
  s.site_cutoff_A = 3.0 * 1.5;
  s.coefficients.path = "eci.json";
  const GeneratedOrbits g = generate_orbits(d, s);
  double eci = 0.01;
  for (const auto* list : {&g.kra, &g.site})
    for (const GeneratedOrbit& o : *list) {
      ClusterCoefficient c;
      c.orbit = o.id;
      c.species.assign(o.sites.size(), "ion");
      c.eci_eV = eci;
      c.where = "/x";
      eci += 0.01;
      (list == &g.kra ? s.coefficients.kra : s.coefficients.site).push_back(c);
    }
  EnvironmentSpec by_id = s;
  resolve_orbit_coefficients(g, d, by_id.coefficients);
  // Written out by hand: the hop and the representative's fractional sites.
  EnvironmentSpec by_sites = s;
  for (auto* list : {&by_sites.coefficients.kra, &by_sites.coefficients.site})
    for (ClusterCoefficient& c : *list) {
      const bool kra = list == &by_sites.coefficients.kra;
      const GeneratedOrbit* o = nullptr;
      for (const GeneratedOrbit& x : kra ? g.kra : g.site)
        if (x.id == c.orbit) o = &x;
      ASSERT_NE(o, nullptr);
      if (kra) {  // the class's reference hop (sc: the first hop slot, to -x)
        const SiteRef& from = g.hops[o->hop_class].from;
        const SiteRef& to = g.hops[o->hop_class].to;
        c.hop_from = {double(from.cell[0]), double(from.cell[1]), double(from.cell[2])};
        c.hop_to = {double(to.cell[0]), double(to.cell[1]), double(to.cell[2])};
      }
      c.sites.clear();
      for (const SiteRef& r : o->sites)
        c.sites.push_back({double(r.cell[0]), double(r.cell[1]), double(r.cell[2])});
      c.orbit.clear();
    }
  const CompiledEnvironment a = compile_environment(lattice, by_id);
  const CompiledEnvironment b = compile_environment(lattice, by_sites);
  EXPECT_EQ(a.term_weight_eV, b.term_weight_eV);
  EXPECT_EQ(a.term_id, b.term_id);
  EXPECT_EQ(a.cluster_begin, b.cluster_begin);
  ASSERT_EQ(a.deltas.size(), b.deltas.size());
  for (size_t i = 0; i < a.deltas.size(); ++i) {
    EXPECT_EQ(a.deltas[i].minus, b.deltas[i].minus);
    EXPECT_EQ(a.deltas[i].plus, b.deltas[i].plus);
  }
  EXPECT_GT(a.term_weight_eV.size(), 0u);
  check_every_orbit_given(g, d, by_id.coefficients);  // all given: no throw
}

TEST(EnvironmentGeneratedOrbits, UnknownAndMissingOrbitsAreRefused) {
  const LatticeDescription d = make_textbook_lattice("sc", 3.0);
  EnvironmentSpec s = one_species();
  s.kra_cutoff_A = 3.0 * std::sqrt(1.25) * 1.001;
  s.kra_generate = {3.0 * 1.5, 0, 0};
  s.coefficients.path = "eci.json";
  const GeneratedOrbits g = generate_orbits(d, s);
  ClusterCoefficient c;
  c.orbit = "kra.h0.pair7";
  c.species = {"ion", "ion"};
  c.where = "/kra/0";
  s.coefficients.kra = {c};
  try {
    resolve_orbit_coefficients(g, d, s.coefficients);
    ADD_FAILURE() << "an orbit that was not generated was accepted";
  } catch (const EnvironmentError& e) {
    EXPECT_EQ(e.key(), "environment.coefficients");
    EXPECT_NE(
        std::string(e.what()).find("eci.json /kra/0/orbit: no generated orbit 'kra.h0.pair7'"),
        std::string::npos)
        << e.what();
  }
  s.coefficients.kra[0].orbit = "kra.h0.pair1";
  s.coefficients.require_every_orbit = true;
  resolve_orbit_coefficients(g, d, s.coefficients);
  try {
    check_every_orbit_given(g, d, s.coefficients);
    ADD_FAILURE() << "a missing orbit was accepted";
  } catch (const EnvironmentError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "eci.json /kra: orbit kra.h0.point0 decorated [ion] has no entry"),
              std::string::npos)
        << e.what();
  }
}

// A cutoff far beyond a few shells is refused at its key, not enumerated.
TEST(EnvironmentGeneratedOrbits, HugeCutoffsAreRefusedAtTheirKey) {
  const LatticeDescription d = make_textbook_lattice("sc", 3.0);
  EnvironmentSpec s = one_species();
  s.site_generate = {30, 30, 30};
  s.site_cutoff_A = 30;
  s.site_max_sites = 4;
  try {
    generate_orbits(d, s);
    ADD_FAILURE() << "enumerated";
  } catch (const EnvironmentError& e) {
    EXPECT_EQ(e.key(), "environment.site_triplet_cutoff_A");
  }
}

}  // namespace
}  // namespace coatkmc
