#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "kernels/HopEnergy.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/Landscape.hpp"
#include "kmc/solvers/SolverFactory.hpp"
#include "kmc/solvers/SublatticeSolver.hpp"
#include "kmc/solvers/WalkerBatch.hpp"
#include "kmc/solvers/WalkersSolver.hpp"

using namespace coatkmc;

namespace {

// A small system: lattice, model and a placed state, kept together.
struct System {
  Lattice lattice;
  HopModel model;
  SystemState state;
  System(const std::string& type, std::array<int, 3> cells, double fraction, HopParameters hp,
         const LandscapeSettings& land = {}, uint64_t seed = 5)
      : lattice(make_textbook_lattice(type, 3.0), cells),
        model(make_model(lattice, hp, land)),
        state(place(lattice, fraction, seed)) {}
  static HopModel make_model(const Lattice& lat, HopParameters hp, const LandscapeSettings& land) {
    Landscape l = draw_landscape(lat, land);
    return HopModel(lat, hp, std::move(l.site_energy), std::move(l.bond_barrier));
  }
  static SystemState place(const Lattice& lat, double fraction, uint64_t seed) {
    Occupancy occ;
    occ.fraction = fraction;
    return place_ions(lat, occ, seed, 0);
  }
};

HopParameters params(double interaction = 0, Vec3 field = {}) {
  HopParameters hp;
  hp.temperature = 400;
  hp.interaction = interaction;
  hp.field = field;
  return hp;
}

std::unique_ptr<Solver> solver_for(const std::string& name, const System& s, int threads,
                                   double ceiling = kDefaultAcceptanceCeiling) {
  SolverOptions o;
  o.threads = threads;
  o.acceptance_ceiling = ceiling;
  return make_solver(name, BackendKind::Cpu, s.lattice, s.model, 77, o);
}

// Every array of the state agrees with every other, and each ion's unwrapped
// displacement equals its move modulo the supercell.
void expect_consistent(const System& s, const std::vector<int32_t>& start, bool exclusive) {
  const SystemState& st = s.state;
  const Lattice& lat = s.lattice;
  const LatticeDescription& d = lat.description();
  for (int64_t i = 0; i < st.num_ions(); ++i) {
    const int32_t site = st.ion_site[i];
    ASSERT_TRUE(lat.is_mobile(site));
    if (exclusive) {
      ASSERT_EQ(st.site_ion[site], i);
      ASSERT_EQ(st.occupied[site], 1);
    }
    // Solve for the supercell translation: fractional coordinates must be integers times cells.
    const Vec3 r = lat.position(site) - lat.position(start[i]) - st.displacement[i];
    const Vec3* a = d.vectors;
    const double vol = dot(a[0], cross(a[1], a[2]));
    const double f[3] = {dot(r, cross(a[1], a[2])) / vol, dot(r, cross(a[2], a[0])) / vol,
                         dot(r, cross(a[0], a[1])) / vol};
    for (int ax = 0; ax < lat.dimension(); ++ax) {
      const double n = lat.cells()[ax];
      EXPECT_NEAR(f[ax] / n, std::round(f[ax] / n), 1e-9) << "ion " << i << " axis " << ax;
    }
  }
  if (exclusive) {
    int64_t occupied = 0;
    for (int64_t site = 0; site < lat.num_sites(); ++site) occupied += st.site_ion[site] >= 0;
    EXPECT_EQ(occupied, st.num_ions());
    if (st.neighbor_counts_valid) {
      SystemState copy = st;
      copy.recount_neighbors(lat);
      EXPECT_EQ(copy.occupied_neighbors, st.occupied_neighbors);
    }
  }
}

TEST(SublatticeSolver, KeepsTheStateConsistentOnAMultiBasisLatticeWithInteractionAndField) {
  System s("fcc", {5, 4, 6}, 0.45, params(0.03, {3e5, 0, -1e5}));
  const std::vector<int32_t> start = s.state.ion_site;
  auto solver = solver_for("sublattice", s, 2, 0.7);
  for (int m = 0; m < 5; ++m) {
    AdvanceTarget t;
    t.hops = s.state.hops + 2000;
    solver->advance(s.state, t);
    EXPECT_GE(s.state.hops, t.hops);
  }
  expect_consistent(s, start, true);
  EXPECT_GT(s.state.sum_hop_length_sq, 0);
  // Every sweep visits each mobile site once.
  EXPECT_EQ(s.state.attempts % s.lattice.num_mobile_sites(), 0u);
  EXPECT_EQ(s.state.attempts / s.lattice.num_mobile_sites(), s.state.rng_step);
}

TEST(WalkersSolver, KeepsDisplacementsConsistentInADisorderedLandscape) {
  LandscapeSettings land;
  land.site_energy_sigma = 0.05;
  land.barrier_sigma = 0.03;
  System s("bcc", {4, 5, 3}, 0.6, params(0, {0, 2e5, 0}), land);
  const std::vector<int32_t> start = s.state.ion_site;
  auto solver = solver_for("walkers", s, 2);
  AdvanceTarget t;
  t.hops = 30 * s.state.num_ions();
  solver->advance(s.state, t);
  EXPECT_GE(s.state.hops, t.hops);
  EXPECT_EQ(s.state.attempts, s.state.hops);
  expect_consistent(s, start, false);
}

// Both parallel solvers promise the same trajectory whatever the thread count.
void expect_same_state(const SystemState& a, const SystemState& b) {
  EXPECT_EQ(a.ion_site, b.ion_site);
  EXPECT_EQ(a.site_ion, b.site_ion);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.rng_step, b.rng_step);
  EXPECT_EQ(a.sum_hop_length_sq, b.sum_hop_length_sq);
  ASSERT_EQ(a.displacement.size(), b.displacement.size());
  for (size_t i = 0; i < a.displacement.size(); ++i) {
    EXPECT_EQ(a.displacement[i].x, b.displacement[i].x);
    EXPECT_EQ(a.displacement[i].y, b.displacement[i].y);
    EXPECT_EQ(a.displacement[i].z, b.displacement[i].z);
  }
}

TEST(ParallelSolvers, OneAndTwoThreadsGiveBitIdenticalTrajectories) {
  struct Case {
    std::string solver;
    double interaction;
  };
  for (const Case& c : {Case{"sublattice", 0.0}, Case{"sublattice", -0.02}, Case{"walkers", 0.0}}) {
    SCOPED_TRACE(c.solver + " J=" + std::to_string(c.interaction));
    LandscapeSettings land;
    land.site_energy_sigma = c.solver == "walkers" ? 0.04 : 0.0;
    // 16384 ions on 32768 sites: enough for both launchers to use two threads.
    System one("sc", {32, 32, 32}, 0.5, params(c.interaction), land);
    System two("sc", {32, 32, 32}, 0.5, params(c.interaction), land);
    auto s1 = solver_for(c.solver, one, 1, 0.5);
    auto s2 = solver_for(c.solver, two, 2, 0.5);
    // Time targets 40 sweeps apart (ceiling 0.5), then a hop target.
    const double unit = 20.0 / (6 * one.model.max_rate());
    for (int m = 1; m <= 3; ++m) {
      AdvanceTarget t;
      t.time = m * unit;
      s1->advance(one.state, t);
      s2->advance(two.state, t);
    }
    AdvanceTarget t;
    t.hops = one.state.hops + 20000;
    s1->advance(one.state, t);
    s2->advance(two.state, t);
    expect_same_state(one.state, two.state);
    EXPECT_GT(one.state.hops, 20000u);
  }
}

// The sublattice solver queues sweeps in batches; where a hop target cuts the
// run must not change the sweeps themselves.
TEST(SublatticeSolver, HopTargetsInChunksGiveTheSameTrajectoryAsOneTarget) {
  System a("bcc", {6, 6, 6}, 0.3, params(0.02));
  System b("bcc", {6, 6, 6}, 0.3, params(0.02));
  auto sa = solver_for("sublattice", a, 1, 0.8);
  auto sb = solver_for("sublattice", b, 1, 0.8);
  for (int m = 1; m <= 40; ++m) {
    AdvanceTarget t;
    t.hops = a.state.hops + 137;
    sa->advance(a.state, t);
  }
  // One target at the hops the chunked run ended on stops at the same sweep.
  AdvanceTarget t;
  t.hops = a.state.hops;
  sb->advance(b.state, t);
  expect_same_state(a.state, b.state);
}

TEST(SublatticeSolver, MeetsTimeTargetsExactlyWithAPartialSweep) {
  System s("sc", {8, 8, 8}, 0.5, params());
  SublatticeOptions o;
  o.acceptance_ceiling = 0.5;
  SublatticeSolver solver(s.lattice, s.model, 3, BackendKind::Cpu, o);
  // gamma = fastest rate / ceiling (no interaction: max_rate); a sweep lasts 1 / (zmax gamma).
  EXPECT_DOUBLE_EQ(solver.sweep_time(), 0.5 / (6 * s.model.max_rate()));
  AdvanceTarget t;
  t.time = 10.37 * solver.sweep_time();
  solver.advance(s.state, t);
  EXPECT_EQ(s.state.time, t.time);
  EXPECT_EQ(s.state.rng_step, 11u);  // 10 full sweeps and a partial one
}

// gamma covers the fastest hop that can happen: with an interaction the
// neighbour counts differ by at most zmax - 1, not zmax.
TEST(SublatticeSolver, UniformizesAtTheFastestRealizableHop) {
  for (double J : {0.03, -0.03}) {
    System s("bcc", {4, 4, 4}, 0.5, params(J));
    SublatticeOptions o;
    o.acceptance_ceiling = 0.4;
    SublatticeSolver solver(s.lattice, s.model, 3, BackendKind::Cpu, o);
    const int z = 8;
    const double fastest = s.model.static_rate(0, 0) * std::max(s.model.interaction_factor(1 - z),
                                                                s.model.interaction_factor(z - 1));
    EXPECT_DOUBLE_EQ(solver.sweep_time(), 0.4 / (z * fastest)) << "J = " << J;
    EXPECT_GT(solver.sweep_time(), 0.4 / (z * s.model.max_rate()));
  }
}

TEST(WalkersSolver, MeetsTimeTargetsExactlyAndHopTargetsFromAbove) {
  System s("square", {12, 12, 1}, 0.4, params());
  auto solver = solver_for("walkers", s, 1);
  AdvanceTarget t;
  t.time = 3e-9;
  solver->advance(s.state, t);
  EXPECT_EQ(s.state.time, 3e-9);
  AdvanceTarget h;
  h.hops = s.state.hops + 5000;
  solver->advance(s.state, h);
  EXPECT_GE(s.state.hops, h.hops);
  // The overshoot is one round's fluctuation, not a multiple of the target.
  EXPECT_LT(s.state.hops, h.hops + 1000);
}

// The hop-target rule (docs/parallel-solvers.md): launches of whole rounds of
// the grid of round_time(), as many per launch as the hops left fill at one
// per walker (1 to kMaxRounds), chosen before the launch from integers.
TEST(WalkersSolver, HopTargetRoundsPerLaunch) {
  EXPECT_EQ(WalkersSolver::rounds_toward(5000, 57), 64);
  EXPECT_EQ(WalkersSolver::rounds_toward(1000, 57), 17);
  EXPECT_EQ(WalkersSolver::rounds_toward(171, 57), 3);
  EXPECT_EQ(WalkersSolver::rounds_toward(170, 57), 2);
  EXPECT_EQ(WalkersSolver::rounds_toward(10, 57), 1);
  EXPECT_EQ(WalkersSolver::rounds_toward(1, 1), 1);
  EXPECT_EQ(WalkersSolver::rounds_toward(1000, 1), 64);
}

// The rule changes where a hop target stops, never the walkers' motion: the
// solver stops at a grid instant k round_time() at or past the target, in
// the state that one round per call through the grid's k instants reaches,
// bit for bit (the trajectory of main before many rounds per launch).
TEST(WalkersSolver, HopTargetsStopAtGridInstantsOnTheOneRoundPerCallTrajectory) {
  LandscapeSettings land;
  land.site_energy_sigma = 0.05;
  land.barrier_sigma = 0.03;
  System s("sc", {10, 10, 10}, 0.3, params(), land);
  System ref("sc", {10, 10, 10}, 0.3, params(), land);
  const WalkersSolver solver(s.lattice, s.model, 77, BackendKind::Cpu);
  auto run = solver_for("walkers", s, 2);
  const uint64_t ions = static_cast<uint64_t>(s.state.num_ions());
  for (uint64_t per_ion : {3u, 40u, 200u}) {
    AdvanceTarget h;
    h.hops = s.state.hops + per_ion * ions;
    run->advance(s.state, h);
    EXPECT_GE(s.state.hops, h.hops);
  }
  const double k = std::round(s.state.time / solver.round_time());
  EXPECT_EQ(s.state.time, k * solver.round_time());
  EXPECT_EQ(s.state.rng_step, static_cast<uint64_t>(k));
  WalkerBatch one(ref.lattice, BackendKind::Cpu, 1);
  one.add_group(ref.model, 77, ref.state);
  for (int j = 1; j <= static_cast<int>(k); ++j) one.advance_to({j * solver.round_time()});
  expect_same_state(s.state, ref.state);
}

// Independent walkers on sc: D = Gamma a^2 exactly. Hop targets met by the
// rule above (many rounds per launch, 40 milestones of 3 hops per walker) and
// by the rule before it (one round per call until the target is reached),
// each with its own seed: both give the exact D within their errors, and each
// other's. Statistics: per walker |R|^2 / 6t is an independent sample of D
// with relative spread sqrt(2/3); 6000 walkers give a 1.05 % standard error;
// tolerance 4 standard errors (two-sided, 6e-5 false alarms).
TEST(WalkersSolver, HopTargetRuleKeepsTheDiffusivity) {
  System a("sc", {20, 20, 20}, 0.75, params(), {}, 11);
  System b("sc", {20, 20, 20}, 0.75, params(), {}, 12);
  const double gamma = a.model.static_rate(0, 0), spacing = 3.0;  // 1/s, Å
  const double exact = gamma * spacing * spacing;                  // Å^2/s
  const uint64_t ions = static_cast<uint64_t>(a.state.num_ions());
  ASSERT_EQ(ions, 6000u);
  auto solver = solver_for("walkers", a, 2);
  WalkerBatch before(b.lattice, BackendKind::Cpu, 2);
  before.add_group(b.model, 78, b.state);
  const double tau = WalkersSolver(b.lattice, b.model, 78, BackendKind::Cpu).round_time();
  int rounds = 0;
  for (int m = 1; m <= 40; ++m) {
    AdvanceTarget h;
    h.hops = 3 * ions * m;
    solver->advance(a.state, h);
    while (b.state.hops < h.hops) before.advance_to({++rounds * tau});
  }
  struct Estimate {
    double value, error;
  };
  auto estimate = [](const SystemState& st) {
    double sum = 0, sum_sq = 0;
    for (const Vec3& r : st.displacement) {
      const double d = dot(r, r) / (6 * st.time);
      sum += d;
      sum_sq += d * d;
    }
    const double n = static_cast<double>(st.displacement.size());
    const double mean = sum / n;
    return Estimate{mean, std::sqrt((sum_sq / n - mean * mean) / (n - 1))};
  };
  const Estimate now = estimate(a.state), then = estimate(b.state);
  EXPECT_LT(now.error / exact, 0.012);
  EXPECT_LT(std::fabs(now.value - exact), 4 * now.error) << now.value << " vs " << exact;
  EXPECT_LT(std::fabs(then.value - exact), 4 * then.error) << then.value << " vs " << exact;
  EXPECT_LT(std::fabs(now.value - then.value), 4 * std::hypot(now.error, then.error));
}

TEST(WalkersSolver, RejectsAnInteraction) {
  System s("sc", {4, 4, 4}, 0.5, params(0.05));
  EXPECT_THROW(solver_for("walkers", s, 1), CannotProceed);
}

TEST(Landscape, BondBarriersAreSymmetricAndSiteEnergiesHaveTheRequestedSpread) {
  const Lattice lat(make_textbook_lattice("fcc", 3.0), {10, 10, 10});
  LandscapeSettings set;
  set.site_energy_sigma = 0.07;
  set.barrier_sigma = 0.02;
  set.seed = 9;
  const Landscape l = draw_landscape(lat, set);
  const int z = lat.max_coordination();
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    for (int k = 0; k < z; ++k) {
      const int32_t t = lat.neighbor(s, k);
      const int back = lat.reverse_direction(lat.basis_of(s), k);
      ASSERT_EQ(l.bond_barrier[s * z + k], l.bond_barrier[t * z + back]);
    }
  // 4000 Gaussian energies: the sample standard deviation has a relative
  // standard error of 1/sqrt(2N) = 1.1%; allow 5 of them.
  double sum = 0, sum2 = 0;
  for (double e : l.site_energy) {
    sum += e;
    sum2 += e * e;
  }
  const double n = static_cast<double>(l.site_energy.size());
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_NEAR(mean, 0.0, 5 * 0.07 / std::sqrt(n));
  EXPECT_NEAR(sd, 0.07, 5 * 0.07 / std::sqrt(2 * n));
  // The same seed gives the same realization, another seed another one.
  EXPECT_EQ(draw_landscape(lat, set).site_energy, l.site_energy);
  set.seed = 10;
  EXPECT_NE(draw_landscape(lat, set).site_energy, l.site_energy);
}

TEST(Landscape, RatesObeyDetailedBalance) {
  const Lattice lat(make_textbook_lattice("bcc", 3.0), {4, 4, 4});
  LandscapeSettings set;
  set.site_energy_sigma = 0.05;
  set.barrier_sigma = 0.05;
  const Landscape l = draw_landscape(lat, set);
  const HopModel model(lat, params(), l.site_energy, l.bond_barrier);
  const double kT = kBoltzmannEv * 400;
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    for (int k = 0; k < lat.max_coordination(); ++k) {
      const int32_t t = lat.neighbor(s, k);
      const int back = lat.reverse_direction(lat.basis_of(s), k);
      const double forward = model.static_rate(s, k) * std::exp(-l.site_energy[s] / kT);
      const double backward = model.static_rate(t, back) * std::exp(-l.site_energy[t] / kT);
      ASSERT_NEAR(forward / backward, 1.0, 1e-12);
    }
}

// Walkers in several groups (temperatures) advanced in one launch move exactly
// as each group would alone: a group's random numbers depend on its own key.
TEST(WalkerBatch, GroupsInOneLaunchMoveAsTheyWouldAlone) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {6, 6, 6});
  const HopModel cold(lat, params()), hot(lat, [] {
    HopParameters hp = params();
    hp.temperature = 700;
    return hp;
  }());
  Occupancy occ;
  occ.fraction = 0.3;
  SystemState a = place_ions(lat, occ, 1, 0), b = place_ions(lat, occ, 1, 1);
  SystemState a_alone = a, b_alone = b;
  WalkerBatch both(lat, BackendKind::Cpu, 2);
  both.add_group(cold, 8, a);
  both.add_group(hot, 8, b);
  both.advance_to({4e-9, 1e-10});
  both.advance_to({8e-9, 2e-10});
  WalkerBatch one(lat, BackendKind::Cpu, 1), other(lat, BackendKind::Cpu, 1);
  one.add_group(cold, 8, a_alone);
  other.add_group(hot, 8, b_alone);
  one.advance_to({4e-9});
  one.advance_to({8e-9});
  other.advance_to({1e-10});
  other.advance_to({2e-10});
  expect_same_state(a, a_alone);
  expect_same_state(b, b_alone);
  EXPECT_GT(a.hops, 0u);
  EXPECT_GT(b.hops, 0u);
}

}  // namespace
