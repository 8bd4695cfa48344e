// plan_run (kmc/simulation/RunPlan.hpp): the one place a run's solver,
// backend, sites, ions and memory are decided, and its problems typed by the
// configuration key they belong to. run_simulation carries the plan out, so
// what it reports must be what the plan decided.
#include <gtest/gtest.h>

#include <numeric>

#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/simulation/RunPlan.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {
namespace {

SimulationSettings small_sc(int cells) {
  SimulationSettings s;
  s.lattice = make_textbook_lattice("sc", 3.0);
  s.cells = {cells, cells, cells};
  s.occupancy.fraction = 0.5;
  s.hops_per_particle = 2;
  s.solver = "auto";
  s.backend = "cpu";
  return s;
}

TEST(RunPlan, SeveralSpeciesRunOnBklAndTheRunSaysSo) {
  // The memory check used to size the solver auto_solver picks from the ion
  // count alone; with species the run takes bkl (walkers take no species).
  SimulationSettings s = small_sc(6);
  s.species.species.push_back({"A", 0, 40, 0.3, {}});
  s.species.species.push_back({"B", 0, 20, 0.3, {}});
  const RunPlan plan = plan_run(s);
  ASSERT_TRUE(plan.ok()) << plan.problems.front().message;
  EXPECT_EQ(plan.solver, "bkl");
  EXPECT_EQ(plan.ions, 60);
  RunState run;
  const SimulationOutcome out = run_simulation(plan, run, RunControl{});
  EXPECT_EQ(out.solver, plan.solver);
  EXPECT_EQ(out.particles, plan.ions);
  EXPECT_EQ(out.sites, plan.open_sites);
}

TEST(RunPlan, BlockedSitesAreCountedOnceAndTheRunUsesThem) {
  SimulationSettings s = small_sc(10);
  s.microstructure.type = "crystalline";
  s.microstructure.blocked_fractions = {0.2};
  const RunPlan plan = plan_run(s);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan.host_sites, 1000);
  // 20 % blocked, each site an independent draw: 200 +- 13 expected; far from 0 and 1000.
  EXPECT_GT(plan.host_sites - plan.open_sites, 120);
  EXPECT_LT(plan.host_sites - plan.open_sites, 280);
  EXPECT_EQ(plan.ions, s.occupancy.ion_count(plan.open_sites));
  ASSERT_TRUE(plan.world);
  const int64_t blocked =
      std::accumulate(plan.world->blocked.begin(), plan.world->blocked.end(), int64_t(0));
  EXPECT_EQ(blocked, plan.host_sites - plan.open_sites);
  RunState run;
  const SimulationOutcome out = run_simulation(plan, run, RunControl{});
  EXPECT_EQ(out.sites, plan.open_sites);
  EXPECT_EQ(out.particles, plan.ions);
}

TEST(RunPlan, SpeciesBeyondTheOpenSitesAreAProblemOfOccupancySpecies) {
  SimulationSettings s = small_sc(8);
  s.species.species.push_back({"A", 0, 300, 0.3, {}});
  s.species.species.push_back({"B", 0, 200, 0.3, {}});
  s.microstructure.type = "crystalline";
  s.microstructure.blocked_fractions = {0.1};
  const RunPlan plan = plan_run(s);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_EQ(plan.problems[0].key, "occupancy.species");
  EXPECT_EQ(plan.problems[0].message.rfind("occupancy.species: ", 0), 0u);
  EXPECT_FALSE(plan.world);  // nothing to run
}

TEST(RunPlan, MemoryProblemsNameTheKeyThatIsTooBig) {
  SimulationSettings s = small_sc(16);
  s.replicas = 64;
  s.threads = 1;
  const RunMemory all = minimum_run_memory(s, "bkl", BackendKind::Cpu);
  SimulationSettings one = s;
  one.replicas = 1;
  const RunMemory single = minimum_run_memory(one, "bkl", BackendKind::Cpu);
  ASSERT_LT(single.host, all.host);
  s.solver = "bkl";
  // Room for one replica, not for 64: the replicas are too many.
  MemoryBudget budget;
  budget.host = 0.5 * (single.host + all.host);
  RunPlan plan = plan_run(s, budget);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_EQ(plan.problems[0].key, "run.replicas");
  EXPECT_NE(plan.problems[0].message.find("fewer replicas"), std::string::npos);
  EXPECT_FALSE(plan.world);  // refused before the lattice is built
  // Not even one replica fits: the cells are too many.
  budget.host = 0.5 * single.host;
  plan = plan_run(s, budget);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_EQ(plan.problems[0].key, "lattice.cells");
  // Unknown memory (0) is never a problem; enough is not either.
  EXPECT_TRUE(plan_run(s, MemoryBudget{}).ok());
  budget.host = all.host;
  EXPECT_TRUE(plan_run(s, budget).ok());
}

TEST(RunPlan, ASolverTheRegistryDoesNotKnowIsAProblemOfRunSolver) {
  SimulationSettings s = small_sc(4);
  s.solver = "metropolis";
  const RunPlan plan = plan_run(s);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_EQ(plan.problems[0].key, "run.solver");
  EXPECT_FALSE(plan.world);
}

}  // namespace
}  // namespace coatkmc
