// BklSolver: after many hops its cached rates equal a from-scratch rebuild,
// the state stays consistent, ions are conserved, and the hops of a lone ion
// go in each direction with probability rate / total rate.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <ostream>
#include <random>
#include <vector>

#include "Statistics.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/BklSolver.hpp"
#include "kmc/state/SystemState.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

std::vector<double> random_energies(int64_t n, double spread, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-spread, spread);
  std::vector<double> e(n);
  for (auto& x : e) x = u(rng);
  return e;
}

int occupied_around(const Lattice& lattice, const SystemState& st, int64_t s) {
  int n = 0;
  for (int k = 0; k < lattice.coordination(lattice.basis_of(s)); ++k)
    n += st.site_ion[lattice.neighbor(s, k)] >= 0;
  return n;
}

// True when `d` is a whole translation of the supercell (cubic lattices: each
// component a multiple of cells * a).
bool is_supercell_translation(Vec3 d, double period) {
  for (double c : {d.x, d.y, d.z})
    if (std::fabs(c / period - std::round(c / period)) > 1e-9) return false;
  return true;
}

struct Interacting {
  const char* lattice;
  double interaction;
};

void PrintTo(const Interacting& m, std::ostream* os) {
  *os << m.lattice << " J=" << m.interaction;
}

class BklAfterManyHops : public ::testing::TestWithParam<Interacting> {};

TEST_P(BklAfterManyHops, CachedRatesEqualARebuildAndTheStateStaysConsistent) {
  // 6^3 cells, 40 % filled, site energies +-0.1 eV, an interaction (or none)
  // and a field: 30000 hops in chunks of 100; after every chunk the solver's total
  // (the sum of its cached per-site rates) must equal, bit for bit, the total
  // of a solver built afresh on the same state (the tree sums in a fixed order,
  // so equal leaves give equal totals), and every site's rate must equal the
  // formula evaluated from the occupancy.
  const double a = 3.9;
  const int L = 6;
  const Lattice lattice(make_textbook_lattice(GetParam().lattice, a), {L, L, L});
  HopParameters p;
  p.barrier = 0.2;
  p.temperature = 400;
  p.interaction = GetParam().interaction;
  p.field = {2e5, 1e5, -5e4};
  const HopModel model(lattice, p, random_energies(lattice.num_sites(), 0.1, 5));
  Occupancy occ;
  occ.fraction = 0.4;
  SystemState state = place_ions(lattice, occ, 3, 0);
  const int64_t ions = state.num_ions();
  const std::vector<int32_t> start_sites = state.ion_site;
  const double hop_length = lattice.hop(0, 0).length;
  BklSolver solver(lattice, model, 9);

  double last_time = 0;
  for (int chunk = 1; chunk <= 300; ++chunk) {
    AdvanceTarget target;
    target.hops = static_cast<uint64_t>(chunk) * 100;
    solver.advance(state, target);
    ASSERT_EQ(state.hops, target.hops);
    ASSERT_GT(state.time, last_time);
    last_time = state.time;

    BklSolver fresh(lattice, model, 9);
    AdvanceTarget none;
    none.hops = state.hops;  // rebuilds its tree from the state and makes no hop
    fresh.advance(state, none);
    ASSERT_EQ(state.hops, target.hops);
    ASSERT_EQ(solver.total_rate(), fresh.total_rate()) << "after " << state.hops << " hops";

    if (chunk % 30 != 0) continue;
    // Every site's rate from the formula, with occupancies read from site_ion.
    double sum = 0;
    for (int64_t s = 0; s < lattice.num_sites(); ++s) {
      double expected = 0;
      if (state.site_ion[s] >= 0)
        for (int k = 0; k < lattice.coordination(lattice.basis_of(s)); ++k) {
          const int32_t t = lattice.neighbor(s, k);
          if (state.site_ion[t] < 0)
            expected += model.rate(s, k, occupied_around(lattice, state, s),
                                   occupied_around(lattice, state, t) - 1);
        }
      ASSERT_NEAR(solver.site_rate(state, s), expected, 1e-12 * expected) << "site " << s;
      sum += expected;
    }
    EXPECT_NEAR(solver.total_rate(), sum, 1e-12 * sum);

    // Occupancy: ions conserved, site_ion and ion_site inverse, neighbour counts right.
    ASSERT_EQ(state.num_ions(), ions);
    int64_t occupied = 0;
    for (int64_t s = 0; s < lattice.num_sites(); ++s)
      if (state.site_ion[s] >= 0) {
        ++occupied;
        ASSERT_EQ(state.ion_site[state.site_ion[s]], s);
      }
    ASSERT_EQ(occupied, ions);
    // Without an interaction no rate uses the neighbour counts, and solvers may leave them stale.
    if (p.interaction != 0)
      for (int64_t s = 0; s < lattice.num_sites(); ++s)
        ASSERT_EQ(state.occupied_neighbors[s], occupied_around(lattice, state, s)) << "site " << s;
    // Unwrapped displacements end where the ions are, up to supercell translations.
    for (int64_t i = 0; i < ions; ++i) {
      const Vec3 d = lattice.position(state.ion_site[i]) - lattice.position(start_sites[i]) -
                     state.displacement[i];
      ASSERT_TRUE(is_supercell_translation(d, L * a)) << "ion " << i;
    }
    EXPECT_NEAR(state.sum_hop_length_sq, state.hops * hop_length * hop_length,
                1e-12 * state.sum_hop_length_sq);
  }
}

INSTANTIATE_TEST_SUITE_P(Models, BklAfterManyHops,
                         ::testing::Values(Interacting{"sc", 0.05}, Interacting{"bcc", -0.03},
                                           Interacting{"fcc", 0.0}),
                         [](const auto& info) { return std::string(info.param.lattice); });

// Counts the hops of a lone ion by (origin site, direction) and compares them,
// given the number of departures from each site, with rate_k / sum of rates
// (chi-square; conditioning on departures keeps each site's counts multinomial).
void expect_lone_ion_directions(const Lattice& lattice, const HopModel& model, int hops,
                                uint64_t seed) {
  Occupancy occ;
  occ.by_vacancies = true;
  occ.vacancies = lattice.num_mobile_sites() - 1;
  SystemState state = place_ions(lattice, occ, seed, 0);
  ASSERT_EQ(state.num_ions(), 1);
  BklSolver solver(lattice, model, seed);
  std::map<std::pair<int64_t, int>, double> counts;
  std::map<int64_t, double> departures;
  double expected_time = 0, time_variance = 0;
  for (int h = 0; h < hops; ++h) {
    const int32_t from = state.ion_site[0];
    const int z = lattice.coordination(lattice.basis_of(from));
    // A lone ion has no occupied neighbours: its rate is the sum of its static rates.
    double R = 0;
    for (int k = 0; k < z; ++k) R += model.rate(from, k, 0, 0);
    ASSERT_NEAR(solver.site_rate(state, from), R, 1e-12 * R);
    const Vec3 before = state.displacement[0];
    AdvanceTarget next;
    next.hops = state.hops + 1;
    solver.advance(state, next);
    const Vec3 step = state.displacement[0] - before;
    int dir = -1;
    for (int k = 0; k < z; ++k)
      if (norm(step - lattice.hop(from, k).displacement) < 1e-9) dir = k;
    ASSERT_GE(dir, 0) << "hop " << h << " matches no hop vector";
    ASSERT_EQ(state.ion_site[0], lattice.neighbor(from, dir));
    counts[{from, dir}] += 1;
    departures[from] += 1;
    // The wait at a site with total rate R has mean 1/R and variance 1/R^2.
    expected_time += 1 / R;
    time_variance += 1 / (R * R);
  }
  std::vector<double> observed, expected;
  double dof = 0, smallest = INFINITY;
  for (const auto& [site, n] : departures) {
    const int z = lattice.coordination(lattice.basis_of(site));
    double total = 0;
    for (int k = 0; k < z; ++k) total += model.rate(site, k, 0, 0);
    for (int k = 0; k < z; ++k) {
      observed.push_back(counts[{site, k}]);
      expected.push_back(n * model.rate(site, k, 0, 0) / total);
      smallest = std::min(smallest, expected.back());
    }
    dof += z - 1;
  }
  ASSERT_GT(smallest, 5.0) << "too few hops for the chi-square approximation";
  const double chi2 = chi_square(observed, expected);
  EXPECT_GT(chi_square_p_value(chi2, dof), kMinPValue) << "chi2 " << chi2 << " dof " << dof;
  // Simulated time: a sum of independent exponential waits, within 5 standard deviations.
  EXPECT_NEAR(state.time, expected_time, 5 * std::sqrt(time_variance));
}

TEST(BklLoneIon, DirectionFrequenciesFollowTheRatesInAField) {
  // Uniform simple cubic lattice, field along (3, -2, 1): six distinct rates.
  const Lattice lattice(make_textbook_lattice("sc", 3.9), {5, 5, 5});
  HopParameters p;
  p.temperature = 300;
  p.field = {3e5, -2e5, 1e5};
  const HopModel model(lattice, p);
  expect_lone_ion_directions(lattice, model, 100000, 21);
}

TEST(BklLoneIon, DirectionFrequenciesFollowTheRatesOnADisorderedLandscape) {
  // Every site has its own rates: 4^3 sites x 6 directions, counted per site.
  const Lattice lattice(make_textbook_lattice("sc", 3.9), {4, 4, 4});
  HopParameters p;
  p.temperature = 300;
  p.interaction = 0.1;  // a lone ion never feels it
  p.field = {1e5, 0, 2e5};
  const HopModel model(lattice, p, random_energies(lattice.num_sites(), 0.04, 8));
  expect_lone_ion_directions(lattice, model, 150000, 22);
}

TEST(BklLoneIon, DirectionFrequenciesOnATwoSiteBasis) {
  // Honeycomb: the A and B sites hop along mirrored vectors.
  const Lattice lattice(make_textbook_lattice("honeycomb", 2.5), {4, 4, 1});
  HopParameters p;
  p.temperature = 300;
  p.field = {4e5, 1e5, 0};
  const HopModel model(lattice, p);
  expect_lone_ion_directions(lattice, model, 60000, 23);
}

TEST(BklSolver, StopsExactlyAtATargetTime) {
  const Lattice lattice(make_textbook_lattice("sc", 3.9), {5, 5, 5});
  HopParameters p;
  const HopModel model(lattice, p);
  Occupancy occ;
  occ.fraction = 0.3;
  SystemState state = place_ions(lattice, occ, 1, 0);
  BklSolver solver(lattice, model, 1);
  AdvanceTarget target;
  target.time = 1e-10;
  solver.advance(state, target);
  EXPECT_EQ(state.time, 1e-10);
  const uint64_t hops = state.hops;
  EXPECT_GT(hops, 0u);
  target.time = 2e-10;
  solver.advance(state, target);
  EXPECT_EQ(state.time, 2e-10);
  EXPECT_GT(state.hops, hops);
}

}  // namespace
