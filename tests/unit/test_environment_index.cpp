// bkl's cached form of the environment model (kmc/model/EnvironmentIndex,
// kmc/solvers/BklEnvironmentRates): the tabulated factor of every hop is the
// model's own factor bit for bit, and a run with the cache is the run that
// recomputes every affected rate, bit for bit (immobile species, two mobile
// species, two shells, triplets, E_KRA terms; lattices small enough that
// every stencil wraps and large enough to have an interior).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "EnvironmentClusterEntries.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/EnvironmentCompiler.hpp"
#include "kmc/model/EnvironmentIndex.hpp"
#include "kmc/model/EnvironmentModel.hpp"
#include "kmc/model/EnvironmentPlacement.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/solvers/BklSolver.hpp"

namespace coatkmc {
namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Two shells on sc (a = 3 Å): site pairs at a and a√2, a triplet, E_KRA
// points and a pair around the hop, and an immobile species X on 15 % of
// the sites; `mobile` names the mobile species.
EnvironmentSpec two_shell_spec(const std::vector<std::string>& mobile) {
  EnvironmentSpec spec;
  spec.active = true;
  spec.mobile = mobile;
  spec.site_cutoff_A = 3.0 * std::sqrt(2.0) * 1.001;
  spec.site_max_sites = 3;
  spec.kra_cutoff_A = 3.0 * 1.5 * 1.001;
  spec.kra_max_sites = 2;
  ImmobileSpec x;
  x.name = "X";
  x.sublattice = "A";
  x.fraction = 0.15;
  spec.immobile.push_back(x);
  const std::string& ion = mobile[0];
  test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}}, {ion, ion}, 0.05);
  test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}}, {ion, "X"}, -0.021);
  test::add_site_cluster(spec, {{0, 0, 0}, {1, 1, 0}}, {ion, ion}, 0.017);
  test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}}, {ion, ion, ion}, 0.031);
  if (mobile.size() > 1)
    test::add_site_cluster(spec, {{0, 0, 0}, {1, 0, 0}}, {ion, mobile[1]}, -0.04);
  test::add_kra_cluster(spec, {{0, 1, 0}}, {ion}, 0.03);
  test::add_kra_cluster(spec, {{-1, 0, 0}}, {"X"}, 0.07);
  test::add_kra_cluster(spec, {{0, 1, 0}, {1, 1, 0}}, {ion, ion}, -0.015);
  return spec;
}

std::vector<uint8_t> blocked_by(const std::vector<uint8_t>& fixed) {
  std::vector<uint8_t> blocked(fixed.size());
  for (size_t i = 0; i < fixed.size(); ++i) blocked[i] = fixed[i] != 0;
  return blocked;
}

// Every stencil entry of every slot is read back from its site: the readers
// of its basis site name the slot and the entry once, and the members of the
// entry are exactly the clusters that hold it.
TEST(EnvironmentIndex, ReadersAndMembersCoverEveryStencilEntryOnce) {
  const Lattice lattice(make_textbook_lattice("sc", 3.0), {6, 6, 6});
  const EnvironmentSpec spec = two_shell_spec({"ion"});
  const CompiledEnvironment t = compile_environment(lattice, spec);
  const EnvironmentIndex x = make_environment_index(t);
  ASSERT_EQ(x.readers.size(), t.sites.size());
  int64_t members = 0;
  for (int slot = 0; slot < t.slots(); ++slot) {
    const int b = slot / t.zmax, k = slot % t.zmax;
    for (int32_t i = t.site_begin[slot]; i < t.site_begin[slot + 1]; ++i) {
      const EnvironmentSite& e = t.sites[i];
      int found = 0;
      for (int32_t r = x.reader_begin[e.basis]; r < x.reader_begin[e.basis + 1]; ++r) {
        const EnvironmentReader& q = x.readers[r];
        found += q.k == k && q.entry == i - t.site_begin[slot] && q.to_origin.basis == b &&
                 q.to_origin.cell[0] == -e.cell[0] && q.to_origin.cell[1] == -e.cell[1] &&
                 q.to_origin.cell[2] == -e.cell[2];
      }
      EXPECT_EQ(found, 1) << "slot " << slot << " entry " << i - t.site_begin[slot];
      for (int32_t m = x.member_begin[i]; m < x.member_begin[i + 1]; ++m) {
        const EnvironmentCluster& cl = t.clusters[x.members[m].cluster];
        EXPECT_GE(x.members[m].cluster, t.cluster_begin[slot]);
        EXPECT_LT(x.members[m].cluster, t.cluster_begin[slot + 1]);
        int32_t weight = 1, at = -1;
        for (int32_t j = 0; j < cl.size; ++j, weight *= t.states)
          if (t.site_begin[slot] + cl.site[j] == i) at = weight;
        EXPECT_EQ(at, x.members[m].weight);
      }
    }
    for (int32_t c = t.cluster_begin[slot]; c < t.cluster_begin[slot + 1]; ++c) members += t.clusters[c].size;
  }
  EXPECT_EQ(int64_t(x.members.size()), members);
  EXPECT_GT(x.max_terms, 1);
  // This model's count vectors are too many to tabulate at the default
  // bounds (it runs from the counts), and a single-term model is tabulated.
  EXPECT_TRUE(make_environment_factor_table(t, 0.04).empty());
  EnvironmentSpec pair = spec;
  pair.coefficients.site.resize(1);
  pair.coefficients.kra.clear();
  const EnvironmentFactorTable one = make_environment_factor_table(compile_environment(lattice, pair), 0.04);
  ASSERT_FALSE(one.empty());
  EXPECT_EQ(one.factor.size(), one.table_begin.back());
}

// The trajectories of the cached and the recomputing solver, compared bit for bit.
void expect_same_run(const SystemState& a, const SystemState& b) {
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_TRUE(same_bits(a.time, b.time)) << a.time << " vs " << b.time;
  EXPECT_EQ(a.ion_site, b.ion_site);
  int differing = 0;
  for (int64_t i = 0; i < a.num_ions(); ++i)
    differing += !same_bits(a.displacement[i].x, b.displacement[i].x) ||
                 !same_bits(a.displacement[i].y, b.displacement[i].y) ||
                 !same_bits(a.displacement[i].z, b.displacement[i].z);
  EXPECT_EQ(differing, 0);
}

TEST(EnvironmentBkl, CachedRatesRunTheRecomputedTrajectoryBitForBit) {
  for (int n : {6, 9}) {
    const Lattice lattice(make_textbook_lattice("sc", 3.0), {n, n, n});
    HopParameters p;
    p.temperature = 500;
    const HopModel hop(lattice, p);
    const EnvironmentSpec spec = two_shell_spec({"ion"});
    const auto fixed = place_immobile(lattice, spec, 8);
    const EnvironmentModel env(lattice, compile_environment(lattice, spec), fixed, hop.kT());
    ASSERT_TRUE(BklEnvironmentRates::fits(lattice, make_environment_index(env.tables()), 1e9));  // cached
    Occupancy occ;
    occ.fraction = 0.45;
    SystemState a = place_ions(lattice, occ, 8, 0, blocked_by(fixed)), b = a;
    BklSolver cached(lattice, hop, 8), recomputing(lattice, hop, 8);
    cached.set_environment(env);
    recomputing.set_environment(env, 0);
    for (int round = 0; round < 3; ++round) {  // several advance calls: the cache survives them
      AdvanceTarget target;
      target.hops = a.hops + 700;
      cached.advance(a, target);
      recomputing.advance(b, target);
    }
    expect_same_run(a, b);
    int differing = 0;
    for (int64_t i = 0; i < lattice.num_sites(); ++i)
      differing += !same_bits(cached.cached_site_rate(i), cached.site_rate(a, i));
    EXPECT_EQ(differing, 0) << "cells " << n;
  }
}

// A model whose count vectors are few runs from the tabulated factors.
TEST(EnvironmentBkl, TabulatedRatesRunTheRecomputedTrajectoryBitForBit) {
  const Lattice lattice(make_textbook_lattice("sc", 3.0), {7, 7, 7});
  HopParameters p;
  p.temperature = 420;
  const HopModel hop(lattice, p);
  EnvironmentSpec spec = two_shell_spec({"ion"});
  spec.coefficients.site.resize(2);  // the nearest-neighbour pairs
  spec.coefficients.kra.resize(1);   // a point beside the window
  const auto fixed = place_immobile(lattice, spec, 6);
  const EnvironmentModel env(lattice, compile_environment(lattice, spec), fixed, hop.kT());
  ASSERT_FALSE(make_environment_factor_table(env.tables(), env.kT()).empty());  // tabulated
  Occupancy occ;
  occ.fraction = 0.5;
  SystemState a = place_ions(lattice, occ, 6, 0, blocked_by(fixed)), b = a;
  BklSolver cached(lattice, hop, 6), recomputing(lattice, hop, 6);
  cached.set_environment(env);
  recomputing.set_environment(env, 0);
  AdvanceTarget target;
  target.hops = 2500;
  cached.advance(a, target);
  recomputing.advance(b, target);
  expect_same_run(a, b);
}

TEST(EnvironmentBkl, CachedRatesWithTwoSpeciesRunTheRecomputedTrajectoryBitForBit) {
  const Lattice lattice(make_textbook_lattice("sc", 3.0), {8, 8, 8});
  HopParameters p;
  p.temperature = 500;
  const HopModel hop(lattice, p);
  const EnvironmentSpec spec = two_shell_spec({"Li", "Na"});
  const auto fixed = place_immobile(lattice, spec, 5);
  const EnvironmentModel env(lattice, compile_environment(lattice, spec), fixed, hop.kT());
  ASSERT_TRUE(BklEnvironmentRates::fits(lattice, make_environment_index(env.tables()), 1e9));
  SpeciesSettings settings;
  SpeciesSpec li, na;
  li.name = "Li";
  li.barrier = 0.3;
  na.name = "Na";
  na.barrier = 0.36;
  settings.species = {li, na};
  const SpeciesRates rates(lattice, p, settings);
  Occupancy occ;
  occ.fraction = 0.5;
  SystemState a = place_ions(lattice, occ, 5, 0, blocked_by(fixed));
  assign_species(a, {a.num_ions() / 2, a.num_ions() - a.num_ions() / 2}, 5);
  SystemState b = a;
  BklSolver cached(lattice, hop, 5), recomputing(lattice, hop, 5);
  cached.set_species(rates);
  cached.set_environment(env);
  recomputing.set_species(rates);
  recomputing.set_environment(env, 0);
  AdvanceTarget target;
  target.hops = 2000;
  cached.advance(a, target);
  recomputing.advance(b, target);
  expect_same_run(a, b);
  EXPECT_EQ(a.ion_species, b.ion_species);
}

}  // namespace
}  // namespace coatkmc
