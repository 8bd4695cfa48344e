#include <gtest/gtest.h>

#include <string>

#include "ValidationSupport.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

class LoneWalker : public ::testing::TestWithParam<TextbookGeometry> {};

// One ion on an otherwise empty lattice performs an uncorrelated random walk:
// D = z Gamma l^2 / (2 d) and correlation factor 1, on every textbook lattice
// (on diamond and honeycomb the hop vectors alternate between two stars, each
// of zero mean, so successive hops are still uncorrelated).
//
// Statistics: for one walker |R|^2 / <|R|^2> of a block has relative spread
// sqrt(2/d) (0.82 in 3D, 1 in 2D). 10000 replicas x 8 blocks of 32 hops give
// D_jump (pooled over 80000 blocks) a measured standard error of 0.30% (3D) /
// 0.37% (2D); the whole-run correlation factor (one value per replica) 0.80% /
// 0.98%. Tolerance: 5 standard errors of the run itself, i.e. about 1.5-1.9%
// on D and 4-5% on f.
TEST_P(LoneWalker, DiffusivityIsZGammaL2Over2dAndUncorrelated) {
  const TextbookGeometry g = GetParam();
  const double temperature = 300;
  const std::array<int, 3> cells =
      g.dimension == 3 ? std::array<int, 3>{4, 4, 4} : std::array<int, 3>{8, 8, 1};
  // A seed of its own per lattice: with one seed the walkers on different
  // lattices would draw the same numbers and their errors would be correlated.
  const uint64_t seed = 101 + (&geometry_of(g.type) - kTextbookGeometry);
  SimulationSettings s = textbook_settings(g.type, cells, temperature, seed);
  s.occupancy.by_vacancies = true;
  s.occupancy.vacancies = Lattice(s.lattice, cells).num_mobile_sites() - 1;
  s.replicas = 10000;
  s.blocks = 8;
  s.hops_per_particle = 8 * 32;
  const SimulationOutcome o = run_simulation(s);
  ASSERT_EQ(o.particles, 1);
  const TransportEstimates e = estimate_transport(o, temperature, Vec3{});

  const double expected = lone_walker_diffusivity(g.type, temperature);
  report(std::string(g.type) + " D_jump (cm^2/s)", e.D_jump, expected);
  report(std::string(g.type) + " D_tracer (cm^2/s)", e.D_tracer, expected);
  report(std::string(g.type) + " correlation factor", e.correlation_factor, 1.0);
  // The run must reach the precision the tolerance above is argued from.
  EXPECT_LT(e.D_jump.error / expected, 0.005);
  EXPECT_LT(e.correlation_factor.error, 0.012);
  EXPECT_LT(std::fabs(pull(e.D_jump, expected)), 5.0);
  EXPECT_LT(std::fabs(pull(e.D_tracer, expected)), 5.0);
  EXPECT_LT(std::fabs(pull(e.correlation_factor, 1.0)), 5.0);
  // For one ion the tracer and jump D are the same quantity, here estimated
  // two ways (whole run per replica, pooled blocks); they must agree.
  EXPECT_NEAR(e.D_jump.value / e.D_tracer.value, 1.0, 5 * e.D_tracer.error / e.D_tracer.value);
}

INSTANTIATE_TEST_SUITE_P(Textbook, LoneWalker, ::testing::ValuesIn(kTextbookGeometry),
                         [](const auto& info) { return std::string(info.param.type); });

}  // namespace
