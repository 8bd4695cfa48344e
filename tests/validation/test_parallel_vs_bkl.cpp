// The parallel solvers against the exact reference (bkl) on the same input,
// and against exact results where the physics gives them.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ValidationSupport.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/solvers/SublatticeDefaults.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

// Mean and standard error of per-replica values.
struct Mean {
  double value = 0, error = 0;
};
Mean mean_of(const std::vector<double>& x) {
  double s = 0, s2 = 0;
  for (double v : x) s += v;
  const double m = s / x.size();
  for (double v : x) s2 += (v - m) * (v - m);
  return {m, std::sqrt(s2 / (x.size() - 1) / x.size())};
}

// Per-ion hops and squared displacement of each replica's whole window.
void per_ion(const SimulationOutcome& o, std::vector<double>& hops, std::vector<double>& r2) {
  for (const ReplicaOutcome& r : o.replicas) {
    hops.push_back(static_cast<double>(r.whole.hops) / o.particles);
    r2.push_back(r.whole.sum_r2 / o.particles);
  }
}

void expect_agree(const char* what, Mean a, Mean b, double sigmas, double relative_bias = 0) {
  const double err = std::sqrt(a.error * a.error + b.error * b.error);
  std::printf("  %-28s %.5g +- %.2g  vs  %.5g +- %.2g  (%+.2f sigma)\n", what, a.value, a.error,
              b.value, b.error, (a.value - b.value) / err);
  EXPECT_LT(std::fabs(a.value - b.value), sigmas * err + relative_bias * std::fabs(b.value))
      << what;
}

// Walkers are exact: a lone ion in a frozen disordered landscape (site
// energies and bond barriers) moves the same under walkers and bkl. Started
// uniformly, the mean hop count and mean squared displacement at a fixed time
// are the same expectations for both; walkers average many independent walkers
// per replica, bkl one ion per replica. Tolerance: 4.5 standard errors.
TEST(WalkersAgainstBkl, LoneIonInADisorderedLandscape) {
  SimulationSettings s = textbook_settings("sc", {6, 6, 6}, 400, 11);
  s.landscape.site_energy_sigma = 0.05;
  s.landscape.barrier_sigma = 0.03;
  s.landscape.seed = 5;
  s.time = 25.0 / (6 * bare_hop_rate(400));  // about 25 mean escape times of a bare site
  s.blocks = 2;
  s.solver = "bkl";
  s.occupancy.by_vacancies = true;
  s.occupancy.vacancies = 215;  // one ion
  s.replicas = 2000;
  std::vector<double> hb, rb, hw, rw;
  per_ion(run_simulation(s), hb, rb);
  s.solver = "walkers";
  s.occupancy.by_vacancies = false;
  s.occupancy.fraction = 1.0;  // a walker on every site: uniform start
  s.replicas = 40;
  per_ion(run_simulation(s), hw, rw);
  expect_agree("hops per ion", mean_of(hw), mean_of(hb), 4.5);
  expect_agree("<R^2> per ion (A^2)", mean_of(rw), mean_of(rb), 4.5);
}

// A lone walker on a uniform lattice: D = z Gamma l^2 / (2 d) exactly, and
// every hop uncorrelated (f = 1). Tolerance: 4.5 standard errors.
TEST(WalkersAgainstExact, LoneWalkerDiffusivityOnFcc) {
  SimulationSettings s = textbook_settings("fcc", {5, 5, 5}, 300, 12);
  s.solver = "walkers";
  s.occupancy.fraction = 0.5;  // 250 independent walkers
  s.hops_per_particle = 40;
  s.replicas = 8;
  const SimulationOutcome o = run_simulation(s);
  const TransportEstimates e = estimate_transport(o, 300, {});
  const double d0 = lone_walker_diffusivity("fcc", 300);
  std::printf("  D_tracer %.5g +- %.2g vs %.5g, f %.4f +- %.4f\n", e.D_tracer.value,
              e.D_tracer.error, d0, e.correlation_factor.value, e.correlation_factor.error);
  EXPECT_LT(std::fabs(e.D_tracer.value - d0), 4.5 * e.D_tracer.error);
  EXPECT_LT(std::fabs(e.correlation_factor.value - 1), 4.5 * e.correlation_factor.error);
}

// The sublattice solver is approximate; at its default acceptance ceiling and
// attempt rule the bias measured in docs/parallel-solvers.md stays below
// kDocumentedBias (relative) for f and D_tracer of the lattice gas. The test
// allows that bias plus 4 combined standard errors: it fails if the default
// drifts to a more biased setting or the dynamics break.
constexpr double kDocumentedBias = 0.006;

struct LatticeGasCase {
  const char* type;
  std::array<int, 3> cells;
  double fraction, interaction, site_sigma;
  const char* class_rule = nullptr;  // sublattice.class_rule; nullptr: the default
};

class SublatticeAgainstBkl : public ::testing::TestWithParam<LatticeGasCase> {};

TEST_P(SublatticeAgainstBkl, CorrelationFactorAndTracerDiffusivity) {
  const LatticeGasCase c = GetParam();
  SimulationSettings s = textbook_settings(c.type, c.cells, 400, 31);
  s.occupancy.fraction = c.fraction;
  s.hop.interaction = c.interaction;
  s.landscape.site_energy_sigma = c.site_sigma;
  s.hops_per_particle = 30;
  s.blocks = 10;
  s.replicas = 48;
  s.solver = "bkl";
  const TransportEstimates b = estimate_transport(run_simulation(s), 400, {});
  s.solver = "sublattice";
  s.seed = 32;
  if (c.class_rule != nullptr) s.sublattice_class_rule = c.class_rule;
  ASSERT_EQ(s.acceptance_ceiling, kDefaultAcceptanceCeiling);
  const TransportEstimates p = estimate_transport(run_simulation(s), 400, {});
  expect_agree("correlation factor", {p.correlation_factor.value, p.correlation_factor.error},
               {b.correlation_factor.value, b.correlation_factor.error}, 4, kDocumentedBias);
  expect_agree("D_tracer (cm^2/s)", {p.D_tracer.value, p.D_tracer.error},
               {b.D_tracer.value, b.D_tracer.error}, 4, kDocumentedBias);
  expect_agree("D_jump (cm^2/s)", {p.D_jump.value, p.D_jump.error},
               {b.D_jump.value, b.D_jump.error}, 4, kDocumentedBias);
}

INSTANTIATE_TEST_SUITE_P(
    LatticeGas, SublatticeAgainstBkl,
    ::testing::Values(LatticeGasCase{"sc", {10, 10, 10}, 0.5, 0.0, 0.0},
                      LatticeGasCase{"fcc", {6, 6, 6}, 0.75, 0.0, 0.0},
                      // repulsive nearest-neighbour interaction, J = 0.58 kT (disordered phase)
                      LatticeGasCase{"sc", {10, 10, 10}, 0.5, 0.02, 0.0},
                      // a disordered landscape takes the per-site acceptance path
                      LatticeGasCase{"bcc", {7, 7, 7}, 0.3, 0.0, 0.03},
                      // the lattice-wide class rule (sc: M = 8, k = (1, 2, 3); 16^3
                      // qualifies), forced, also at c = 0.25 and 0.75, where the
                      // tiles' bias at the default ceiling is largest in D_tracer
                      // and in f (docs/parallel-solvers.md)
                      LatticeGasCase{"sc", {16, 16, 16}, 0.25, 0.0, 0.0, "lattice"},
                      LatticeGasCase{"sc", {16, 16, 16}, 0.5, 0.0, 0.0, "lattice"},
                      LatticeGasCase{"sc", {16, 16, 16}, 0.75, 0.0, 0.0, "lattice"}),
    [](const auto& info) {
      const LatticeGasCase& c = info.param;
      std::string n = std::string(c.type) + "_c" + std::to_string(int(100 * c.fraction));
      if (c.interaction != 0) n += "_interacting";
      if (c.site_sigma != 0) n += "_disordered";
      if (c.class_rule != nullptr) n += std::string("_") + c.class_rule + "_rule";
      return n;
    });

// Without interaction the centre of mass of a lattice gas diffuses as
// D_jump = D0 (M - N) / (M - 1) exactly (M sites, N ions: D0 (1 - c) but for
// the finite-size factor, as in test_error_calibration); the sublattice
// solver keeps that within its documented bias, under either class rule
// (sc 8^3 qualifies for the lattice-wide one: M = 8 divides every axis).
// 320 replicas: a standard error of about 1 % (64 gave 2.3 %). Tolerance:
// the bias plus 4 standard errors.
class SublatticeAgainstExact : public ::testing::TestWithParam<const char*> {};

TEST_P(SublatticeAgainstExact, JumpDiffusivityOfTheIdealLatticeGas) {
  SimulationSettings s = textbook_settings("sc", {8, 8, 8}, 400, 41);
  s.occupancy.fraction = 0.25;
  s.hops_per_particle = 20;
  s.blocks = 20;
  s.replicas = 320;
  s.solver = "sublattice";
  s.sublattice_class_rule = GetParam();
  const TransportEstimates e = estimate_transport(run_simulation(s), 400, {});
  const Lattice lat(s.lattice, s.cells);
  const double m = double(lat.num_mobile_sites());
  const double n = double(s.occupancy.ion_count(lat.num_mobile_sites()));
  const double exact = lone_walker_diffusivity("sc", 400) * (m - n) / (m - 1);
  expect_agree("D_jump (cm^2/s)", {e.D_jump.value, e.D_jump.error}, {exact, 0.0}, 4,
               kDocumentedBias);
}

INSTANTIATE_TEST_SUITE_P(ClassRules, SublatticeAgainstExact, ::testing::Values("tiles", "lattice"),
                         [](const auto& info) { return std::string(info.param) + "_rule"; });

// No correlation between different ions' hops: in the ideal lattice gas the
// collective correlation factor f_c = D_jump / D_hop is 1 exactly (D_hop =
// <l^2> hops per ion per time / 2d: the hops counted, without their
// correlations; bkl: 1.003 +- 0.007 on sc 16^3), and the ratio cancels the
// sublattice solver's bias in the hop rate. A class order shared by the whole
// lattice in a sweep gives every ion the same order-dependent drift (an ion
// that hops along d lands in a class that runs later or earlier in that
// sweep), so D_jump gains a part that grows with the number of ions; the
// lattice-wide rule's uniformly random orders (before 1ddaf87's balanced
// orders) gave f_c 1.00, 1.04, 1.09 at 16^3, 32^3, 48^3 (sc, c = 0.25, the
// default ceiling; docs/parallel-solvers.md) and 1.222 +- 0.038 here, a
// failure. sc 40^3 at c = 0.5 (32000 ions), both class rules. Tolerance: the
// documented bias plus 4 standard errors of D_jump (D_hop's is negligible).
class SublatticeCollective : public ::testing::TestWithParam<const char*> {};

TEST_P(SublatticeCollective, NoCorrelationBetweenIonsInTheIdealLatticeGas) {
  SimulationSettings s = textbook_settings("sc", {40, 40, 40}, 400, 51);
  s.occupancy.fraction = 0.5;
  s.hops_per_particle = 20;
  s.blocks = 20;
  s.msd_samples = 100;  // D_jump's time origins
  s.replicas = 24;
  s.solver = "sublattice";
  s.sublattice_class_rule = GetParam();
  const SimulationOutcome o = run_simulation(s);
  const TransportEstimates e = estimate_transport(o, 400, {});
  double hop_l2 = 0, duration = 0;
  for (const ReplicaOutcome& r : o.replicas) {
    hop_l2 += r.whole.sum_hop_l2;
    duration += r.whole.duration;
  }
  const double d_hop = hop_l2 / (2.0 * o.dimension * o.particles * duration) * 1e-16;  // cm^2/s
  expect_agree("f_c = D_jump / D_hop", {e.D_jump.value / d_hop, e.D_jump.error / d_hop}, {1.0, 0.0},
               4, kDocumentedBias);
}

INSTANTIATE_TEST_SUITE_P(ClassRules, SublatticeCollective, ::testing::Values("tiles", "lattice"),
                         [](const auto& info) { return std::string(info.param) + "_rule"; });

}  // namespace
