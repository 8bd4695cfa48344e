// Whole runs (kmc/simulation run_simulation) with the state resident on the
// engine: every milestone is a window sum reduced where the engine keeps the
// ions (Thrust: CPP system for cpu and replay, CUDA for cuda) and the ions
// reach the host only for a checkpoint or a kept final state. Each body is
// written once and instantiated per backend; the reference is the CPU backend.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kmc/backend/Backend.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/simulation/RunPlan.hpp"
#include "kmc/simulation/RunState.hpp"
#include "kmc/simulation/Simulation.hpp"
#include "DeviceBackends.hpp"

using namespace coatkmc;
using namespace coatkmc::device_tests;

namespace {

struct RunCase {
  std::string name, solver;
  bool species = false;
  std::string class_rule = "tiles";  // sublattice.class_rule
};
void PrintTo(const RunCase& c, std::ostream* os) { *os << c.name; }
const RunCase kRunCases[] = {{"sublattice_slabs", "sublattice"},
                             {"sublattice_species_slabs", "sublattice", true},
                             // the lattice-wide class rule (16 x 8 x 16 cells: M = 8 wraps)
                             {"sublattice_lattice_slabs", "sublattice", false, "lattice"},
                             {"sublattice_lattice_species_slabs", "sublattice", true, "lattice"},
                             {"walkers_slabs", "walkers"}};


SimulationSettings settings_of(const RunCase& c) {
  SimulationSettings s;
  s.lattice = make_textbook_lattice("sc", 3.0);
  s.cells = {10, 8, 9};
  s.sublattice_class_rule = c.class_rule;
  if (c.class_rule == "lattice") s.cells = {16, 8, 16};
  s.occupancy.fraction = c.solver == "walkers" ? 0.1 : 0.5;
  s.hop.temperature = 500;
  s.slabs = 3;
  s.hops_per_particle = 6;
  s.blocks = 3;
  s.msd_samples = 6;
  s.replicas = 2;
  s.threads = 2;
  s.seed = 5;
  s.solver = c.solver;
  if (c.species) {
    s.species.species.push_back({"P", 0.25, -1, 0.30, {}});
    s.species.species.push_back({"Q", 0.25, -1, 0.34, {}});
  }
  return s;
}

RunPlan plan_for(const RunCase& c, BackendKind backend) {
  RunPlan plan = plan_run(settings_of(c));
  EXPECT_TRUE(plan.ok());
  plan.backend = backend;
  return plan;
}

void expect_same(const TransportSample& a, const TransportSample& b, bool exact) {
  auto same = [&](double x, double y) {
    if (exact)
      EXPECT_EQ(x, y);
    else
      EXPECT_NEAR(x, y, 1e-12 * (std::fabs(x) + 1.0));
  };
  EXPECT_EQ(a.duration, b.duration);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.sum_hop_l2, b.sum_hop_l2);
  same(a.sum_r2, b.sum_r2);
  same(a.com_r2, b.com_r2);
  same(a.sum_r.x, b.sum_r.x);
  same(a.sum_r2_axes.z, b.sum_r2_axes.z);
  ASSERT_EQ(a.species.size(), b.species.size());
  for (size_t q = 0; q < a.species.size(); ++q) {
    same(a.species[q].sum_r2, b.species[q].sum_r2);
    EXPECT_EQ(a.species[q].ions, b.species[q].ions);
  }
}

void expect_same(const SimulationOutcome& a, const SimulationOutcome& b, bool exact,
                 bool profiles = true) {
  ASSERT_EQ(a.replicas.size(), b.replicas.size());
  for (size_t r = 0; r < a.replicas.size(); ++r) {
    SCOPED_TRACE("replica " + std::to_string(r));
    expect_same(a.replicas[r].whole, b.replicas[r].whole, exact);
    ASSERT_EQ(a.replicas[r].blocks.size(), b.replicas[r].blocks.size());
    for (size_t k = 0; k < a.replicas[r].blocks.size(); ++k)
      expect_same(a.replicas[r].blocks[k], b.replicas[r].blocks[k], exact);
    ASSERT_EQ(a.replicas[r].msd.size(), b.replicas[r].msd.size());
    for (size_t k = 0; k < a.replicas[r].msd.size(); ++k) {
      EXPECT_EQ(a.replicas[r].msd[k].time, b.replicas[r].msd[k].time);
      EXPECT_NEAR(a.replicas[r].msd[k].msd_tracer, b.replicas[r].msd[k].msd_tracer,
                  exact ? 0.0 : 1e-12 * a.replicas[r].msd[k].msd_tracer);
    }
  }
  if (!profiles) return;
  ASSERT_EQ(a.slabs.size(), b.slabs.size());
  for (size_t i = 0; i < a.slabs.size(); ++i) {
    EXPECT_EQ(a.slabs[i].block_occupancy, b.slabs[i].block_occupancy);
    ASSERT_EQ(a.slabs[i].block_d.size(), b.slabs[i].block_d.size());
    for (size_t k = 0; k < a.slabs[i].block_d.size(); ++k)
      EXPECT_NEAR(a.slabs[i].block_d[k], b.slabs[i].block_d[k],
                  exact ? 0.0 : 1e-12 * a.slabs[i].block_d[k]);
  }
  ASSERT_EQ(a.slab_snapshots.size(), b.slab_snapshots.size());
  for (size_t k = 0; k < a.slab_snapshots.size(); ++k)
    EXPECT_EQ(a.slab_snapshots[k].ions, b.slab_snapshots[k].ions);
}

class ResidentRuns : public PerBackend<std::tuple<BackendParam, RunCase>> {};

// The run's results (blocks, MSD rows, slab profiles, species snapshots) on
// this backend equal the CPU backend's; the run really moved ions.
TEST_P(ResidentRuns, SameResultsAsTheCpuBackend) {
  const auto& param = GetParam();
  const BackendParam backend = std::get<0>(param);
  const RunCase c = std::get<1>(param);
  RunState cpu_run, run;
  const SimulationOutcome ref = run_simulation(plan_for(c, BackendKind::Cpu), cpu_run, {}, {});
  const SimulationOutcome got = run_simulation(plan_for(c, backend.kind), run, {}, {});
  expect_same(ref, got, backend.kind != BackendKind::Cuda);
  EXPECT_GT(ref.replicas[0].whole.sum_r2, 0.0);
  ASSERT_EQ(ref.slabs.size(), 3u);
  EXPECT_EQ(ref.slabs[0].block_d.size(), 2u * 3u);  // 2 replicas x 3 blocks
  if (c.species) EXPECT_EQ(ref.replicas[0].whole.species.size(), 2u);
}

// Stopped at a checkpoint half way (the state and the marks come to the host
// there), then resumed on this backend from what was saved: the same results
// as the CPU run that never stopped, slab profiles and species samples
// included (checkpoint format 6 carries them).
TEST_P(ResidentRuns, CheckpointedHalfWayAndResumed) {
  const auto& param = GetParam();
  const BackendParam backend = std::get<0>(param);
  const RunCase c = std::get<1>(param);
  RunState reference_run;
  const SimulationOutcome ref =
      run_simulation(plan_for(c, BackendKind::Cpu), reference_run, {}, {});

  RunState run, saved;
  int polls = 0;
  RunControl control;
  control.keep_marks = control.keep_states = true;
  control.stop_requested = [&] { return ++polls > 8; };  // some milestones in
  control.save = [&](const RunState& header, const std::vector<const ReplicaRun*>& replicas) {
    saved.plan = header.plan;
    saved.solver = header.solver;
    saved.replicas.clear();
    for (const ReplicaRun* r : replicas) saved.replicas.push_back(*r);
  };
  RunPlan first = plan_for(c, backend.kind);
  first.settings.threads = 1;  // one replica at a time: the stop lands in replica 0
  const SimulationOutcome stopped = run_simulation(first, run, control, {});
  ASSERT_TRUE(stopped.interrupted);
  ASSERT_FALSE(saved.replicas.empty());
  ASSERT_TRUE(saved.replicas[0].started);
  // What was saved holds every mark's displacements and the synced state.
  for (const auto& m : saved.replicas[0].recorder.marks())
    EXPECT_EQ(m.displacement.size(), static_cast<size_t>(saved.replicas[0].state.num_ions()));
  const SimulationOutcome resumed =
      run_simulation(plan_for(c, backend.kind), saved, RunControl{}, {});
  ASSERT_FALSE(resumed.profiles_lost);
  expect_same(ref, resumed, backend.kind != BackendKind::Cuda);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResidentRuns,
                         ::testing::Combine(::testing::ValuesIn(kBackends),
                                            ::testing::ValuesIn(kRunCases)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) + "_" +
                                  std::get<1>(info.param).name;
                         });

}  // namespace
