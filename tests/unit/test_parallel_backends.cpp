#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <memory>
#include <string>

#include "kmc/backend/Backend.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/Landscape.hpp"
#include "kmc/solvers/SolverFactory.hpp"

#include "GpuTestSkip.hpp"

using namespace coatkmc;

namespace {

// A small system on which both parallel solvers run.
struct Problem {
  std::string solver, lattice;
  std::array<int, 3> cells;
  double fraction, interaction, site_sigma, barrier_sigma, ceiling;
  std::string attempts;
};

void PrintTo(const Problem& p, std::ostream* os) {
  *os << p.solver << "_" << p.lattice;
}

const Problem kProblems[] = {
    {"sublattice", "sc", {16, 12, 10}, 0.5, 0.0, 0.0, 0.0, 0.25, "poisson"},
    {"sublattice", "fcc", {5, 6, 4}, 0.4, 0.03, 0.0, 0.0, 0.8, "poisson"},
    {"sublattice", "bcc", {6, 6, 6}, 0.6, 0.0, 0.04, 0.02, 0.5, "one_per_ion"},
    {"sublattice", "honeycomb", {10, 9, 1}, 0.5, -0.02, 0.0, 0.0, 1.0, "one_per_site"},
    {"walkers", "sc", {12, 12, 12}, 0.3, 0.0, 0.05, 0.03, 0.0, ""},
    {"walkers", "fcc", {4, 4, 4}, 1.0, 0.0, 0.0, 0.0, 0.0, ""},
};

// Runs a problem on a backend through a fixed schedule of time and hop
// targets, like the driver's milestones.
struct Outcome {
  SystemState state;
};

Outcome run_problem(const Problem& p, BackendKind backend, int threads) {
  const Lattice lattice(make_textbook_lattice(p.lattice, 3.0), p.cells);
  HopParameters hp;
  hp.temperature = 500;
  hp.interaction = p.interaction;
  hp.field = {1e5, 0, 0};
  LandscapeSettings land;
  land.site_energy_sigma = p.site_sigma;
  land.barrier_sigma = p.barrier_sigma;
  land.seed = 3;
  Landscape l = draw_landscape(lattice, land);
  const HopModel model(lattice, hp, std::move(l.site_energy), std::move(l.bond_barrier));
  Occupancy occ;
  occ.fraction = p.fraction;
  Outcome out{place_ions(lattice, occ, 21, 2)};
  SolverOptions o;
  o.threads = threads;
  if (p.solver == "sublattice") {
    o.acceptance_ceiling = p.ceiling;
    o.sublattice_attempts = p.attempts;
  }
  auto solver = make_solver(p.solver, backend, lattice, model, 99, o);
  const double unit = 20.0 / (lattice.max_coordination() * model.max_rate());
  for (int m = 1; m <= 3; ++m) {
    AdvanceTarget t;
    t.time = m * unit;
    solver->advance(out.state, t);
  }
  for (int m = 0; m < 3; ++m) {
    AdvanceTarget t;
    t.hops = out.state.hops + 3 * out.state.num_ions();
    solver->advance(out.state, t);
  }
  return out;
}

// Positions and hop counts bit for bit; time to 1e-12 relative (the clocks
// use the same arithmetic on both sides, so in practice they agree exactly).
void expect_same_trajectory(const SystemState& a, const SystemState& b) {
  EXPECT_EQ(a.ion_site, b.ion_site);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.rng_step, b.rng_step);
  EXPECT_NEAR(a.time, b.time, 1e-12 * std::fabs(a.time));
  ASSERT_EQ(a.displacement.size(), b.displacement.size());
  for (size_t i = 0; i < a.displacement.size(); ++i) {
    EXPECT_EQ(a.displacement[i].x, b.displacement[i].x) << "ion " << i;
    EXPECT_EQ(a.displacement[i].y, b.displacement[i].y) << "ion " << i;
    EXPECT_EQ(a.displacement[i].z, b.displacement[i].z) << "ion " << i;
  }
}

// One test body, instantiated per backend: the CPU always, CUDA where a
// device is usable.
class ParallelSolverOnBackend : public ::testing::TestWithParam<std::tuple<BackendKind, Problem>> {
 protected:
  void SetUp() override {
    if (std::get<0>(GetParam()) == BackendKind::Cuda) SKIP_WITHOUT_GPU();
  }
};

// Same seed, same schedule: the same trajectory whatever the thread count
// (CPU) and launch geometry (CUDA), and the hops really happen.
TEST_P(ParallelSolverOnBackend, RunsAreReproducibleAndMoveIons) {
  const auto& [backend, problem] = GetParam();
  const Outcome a = run_problem(problem, backend, 1);
  const Outcome b = run_problem(problem, backend, 2);
  expect_same_trajectory(a.state, b.state);
  EXPECT_GE(a.state.hops, 3u * 3u * static_cast<uint64_t>(a.state.num_ions()));
}

INSTANTIATE_TEST_SUITE_P(Backends, ParallelSolverOnBackend,
                         ::testing::Combine(::testing::Values(BackendKind::Cpu, BackendKind::Cuda),
                                            ::testing::ValuesIn(kProblems)),
                         [](const auto& info) {
                           const Problem& p = std::get<1>(info.param);
                           return std::string(std::get<0>(info.param) == BackendKind::Cuda
                                                  ? "cuda_"
                                                  : "cpu_") +
                                  p.solver + "_" + p.lattice +
                                  (p.attempts.empty() ? "" : "_" + p.attempts);
                         });

class CpuAgainstCuda : public ::testing::TestWithParam<Problem> {};

// The CPU and CUDA backends give the same trajectory bit for bit.
TEST_P(CpuAgainstCuda, SameTrajectoryBitForBit) {
  SKIP_WITHOUT_GPU();
  const Outcome cpu = run_problem(GetParam(), BackendKind::Cpu, 2);
  const Outcome gpu = run_problem(GetParam(), BackendKind::Cuda, 1);
  expect_same_trajectory(cpu.state, gpu.state);
}

INSTANTIATE_TEST_SUITE_P(Problems, CpuAgainstCuda, ::testing::ValuesIn(kProblems),
                         [](const auto& info) {
                           return info.param.solver + "_" + info.param.lattice +
                                  (info.param.attempts.empty() ? "" : "_" + info.param.attempts);
                         });

// --backend cuda without a GPU is a run that cannot proceed (exit status 3).
TEST(CudaBackend, RequestWithoutAUsableGpuCannotProceed) {
  if (backend_info().cuda_devices > 0) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_THROW(resolve_backend("cuda", solver_has_cuda("sublattice")), CannotProceed);
  EXPECT_THROW(resolve_backend("cuda", solver_has_cuda("walkers")), CannotProceed);
  EXPECT_EQ(resolve_backend("auto", solver_has_cuda("sublattice")), BackendKind::Cpu);
}

}  // namespace
