// Detailed balance of the environment model (issue 16, item 3): the kinetics
// (bkl) must reach the Boltzmann distribution of the site-energy cluster
// expansion whatever the E_KRA terms are. Occupations per site class and
// Li-Li pair counts at a and a sqrt(2) from kMC, sampled at fixed time
// intervals, against exact enumeration of every arrangement on a 4x4x4 cell
// and against the independent Metropolis sampler on a 6x6x6 cell. The
// Hamiltonian is given to the engine as coefficient entries and to the
// reference as cubic orbits of decorated clusters (EnvironmentCases.hpp), so a
// wrong orbit, decoration, sign or factor 1/2 in the engine fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "EnvironmentCases.hpp"
#include "kmc/solvers/BklSolver.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

// Site terms: Li-La repulsion at a, Li-Li repulsion at a, Li-Li attraction at
// a sqrt(2) and a right-angled Li-Li-La triplet (La at the corner). At 600 K
// (kT = 0.052 eV) they move the averages far, yet stay clear of the Li-Li
// ordering transition (about kT = 0.03 eV for a 0.03 eV repulsion at half
// filling), where sampling would slow down.
std::vector<DecoratedCluster> site_terms() {
  return {
      {{{0, 0, 0}, {1, 0, 0}}, {ref::kLi, ref::kLa}, 0.06},
      {{{0, 0, 0}, {1, 0, 0}}, {ref::kLi, ref::kLi}, 0.03},
      {{{0, 0, 0}, {1, 1, 0}}, {ref::kLi, ref::kLi}, -0.02},
      {{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}, {ref::kLa, ref::kLi, ref::kLi}, 0.03},
  };
}

// KRA terms: they change rates (and so the path to equilibrium), never the
// equilibrium itself: La beside the window raises the barrier, a Li lowers it.
std::vector<DecoratedCluster> kra_terms() {
  return {
      {{{0, 1, 0}}, {ref::kLa}, 0.06},
      {{{0, 1, 0}}, {ref::kLi}, -0.03},
      {{{0, 1, 0}, {0, -1, 0}}, {ref::kLa, ref::kLa}, 0.05},
  };
}

const char* kNames[] = {"Li per open site, even layers", "Li per open site, odd layers",
                        "Li-Li pairs at a", "Li-Li pairs at a sqrt2"};

struct Prepared {
  RunPlan plan;
  GridMap map;
  SystemState state;
};

Prepared prepare(const SimulationSettings& s, int64_t vacancies) {
  SimulationSettings settings = s;
  settings.occupancy.by_vacancies = true;
  settings.occupancy.vacancies = vacancies;
  Prepared p{plan_run(settings), {}, {}};
  if (!p.plan.ok()) throw std::runtime_error(p.plan.problems.front().message);
  const RunWorld& w = *p.plan.world;
  p.map = grid_map(w.lattice);
  p.state = place_ions(w.lattice, w.occupancy, settings.seed, 0, w.blocked);
  return p;
}

// The reference Hamiltonian on the engine's La frame.
ref::Hamiltonian reference_hamiltonian(const GridMap& m) {
  return ref::Hamiltonian(m.grid, reference_shapes(site_terms()));
}

// kMC (bkl) on a 4x4x4 cell, La on half the sites of the even layers (16 La,
// 48 open sites, 4 Li: 194580 arrangements), 600 K, against the exact
// canonical averages. Tolerance 4.5 batch standard errors (40 batches of 200
// samples, a sample every ~3 hops per ion). Power: each error is below 4% of
// its value, and the exact values are many errors away from those of the same
// Li without the site terms (uniform occupation, pair counts of random
// placement), so an engine that dropped or halved a term fails.
TEST(EnvironmentEquilibrium, BklMatchesExactEnumeration) {
  const double temperature = 600;
  const double kT = kBoltzmannEv * temperature;
  Prepared p = prepare(perovskite_environment_settings({4, 4, 4}, {0.5, 0.0}, site_terms(), kra_terms(),
                                                       temperature, 31),
                       44);
  const RunWorld& w = *p.plan.world;
  ASSERT_EQ(p.state.num_ions(), 4);
  SystemState empty = p.state;
  std::fill(empty.occupied.begin(), empty.occupied.end(), 0);
  const std::vector<uint8_t> frame = reference_occupation(p.map, w, empty);
  const std::vector<int> classes = layer_classes(p.map.grid, frame);
  const ref::Hamiltonian h = reference_hamiltonian(p.map);
  const ref::Observables exact = ref::enumerate_exact(h, frame, 4, kT, classes, 2);
  const ref::Observables none = ref::enumerate_exact(ref::Hamiltonian(p.map.grid, {}), frame, 4, kT, classes, 2);

  BklSolver solver(w.lattice, *w.model, 32);
  solver.set_environment(*w.environment);
  const ref::ObservableBatches kmc = sample_kmc(solver, p.state, p.map, w, classes, 2, 200, 3, 40, 200);
  const double want[] = {exact.occupation[0], exact.occupation[1], exact.li_li_nn, exact.li_li_2nn};
  const double free_[] = {none.occupation[0], none.occupation[1], none.li_li_nn, none.li_li_2nn};
  for (int k = 0; k < 4; ++k) {
    const ref::BatchMean m = kmc.component(k);
    std::printf("  %-30s kMC %.5f +- %.5f, exact %.5f (%+.2f sigma); without site terms %.5f\n",
                kNames[k], m.value, m.error, want[k], (m.value - want[k]) / m.error, free_[k]);
    EXPECT_LT(std::fabs(m.value - want[k]), 4.5 * m.error) << kNames[k];
    EXPECT_LT(m.error, 0.04 * want[k]) << kNames[k];
  }
  // The site terms move the averages by many errors (power of the test).
  EXPECT_GT(std::fabs(want[0] - free_[0]), 10 * kmc.component(0).error);
  EXPECT_GT(std::fabs(want[2] - free_[2]), 10 * kmc.component(2).error);
}

// kMC (bkl) at half filling, where enumeration is out of reach (16 Li on 32
// open sites of a 4x4x4 cell, La 0.75 / 0.25 in alternate layers: 6e8
// arrangements), 600 K, against the independent Metropolis sampler of the
// same Hamiltonian. Both are batch means; tolerance 4.5 standard errors of the
// difference, each error below 2% of its value.
TEST(EnvironmentEquilibrium, BklMatchesMetropolis) {
  const double temperature = 600;
  const double kT = kBoltzmannEv * temperature;
  Prepared p = prepare(perovskite_environment_settings({4, 4, 4}, {0.75, 0.25}, site_terms(), kra_terms(),
                                                       temperature, 33),
                       16);
  ASSERT_EQ(p.state.num_ions(), 16);
  const RunWorld& w = *p.plan.world;
  SystemState empty = p.state;
  std::fill(empty.occupied.begin(), empty.occupied.end(), 0);
  const std::vector<uint8_t> frame = reference_occupation(p.map, w, empty);
  const std::vector<int> classes = layer_classes(p.map.grid, frame);
  const ref::Hamiltonian h = reference_hamiltonian(p.map);

  const ref::ObservableBatches mc = ref::metropolis(
      h, reference_occupation(p.map, w, p.state), kT, classes, 2, 34, 200, 40, 400);
  BklSolver solver(w.lattice, *w.model, 35);
  solver.set_environment(*w.environment);
  const ref::ObservableBatches kmc = sample_kmc(solver, p.state, p.map, w, classes, 2, 100, 2, 40, 100);
  for (int k = 0; k < 4; ++k) {
    const ref::BatchMean a = kmc.component(k), b = mc.component(k);
    const double err = std::hypot(a.error, b.error);
    std::printf("  %-30s kMC %.5f +- %.5f, Metropolis %.5f +- %.5f (%+.2f sigma)\n", kNames[k], a.value,
                a.error, b.value, b.error, (a.value - b.value) / err);
    EXPECT_LT(std::fabs(a.value - b.value), 4.5 * err) << kNames[k];
    EXPECT_LT(a.error, 0.02 * std::fabs(a.value)) << kNames[k];
    EXPECT_LT(b.error, 0.02 * std::fabs(b.value)) << kNames[k];
  }
}

}  // namespace
