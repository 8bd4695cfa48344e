#include <gtest/gtest.h>

#include <string>

#include "ValidationSupport.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

void expect_same_sample(const TransportSample& a, const TransportSample& b) {
  EXPECT_EQ(a.duration, b.duration);
  EXPECT_EQ(a.sum_r2, b.sum_r2);
  EXPECT_EQ(a.com_r2, b.com_r2);
  EXPECT_EQ(a.sum_r.x, b.sum_r.x);
  EXPECT_EQ(a.sum_r.y, b.sum_r.y);
  EXPECT_EQ(a.sum_r.z, b.sum_r.z);
  EXPECT_EQ(a.sum_hop_l2, b.sum_hop_l2);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.attempts, b.attempts);
}

// Replica r draws from its own counter-based stream whatever thread runs it,
// so one and two threads must give bit-identical outcomes.
TEST(RunSimulation, ThreadCountDoesNotChangeResults) {
  SimulationSettings s = textbook_settings("bcc", {5, 5, 5}, 300, 601);
  s.occupancy.fraction = 0.4;
  s.hop.interaction = 0.02;
  s.hop.field = {2e4, -1e4, 0};
  s.replicas = 5;
  s.blocks = 4;
  s.msd_samples = 7;
  s.hops_per_particle = 20;
  s.equilibration_hops_per_particle = 2;
  s.threads = 1;
  const SimulationOutcome one = run_simulation(s);
  s.threads = 2;
  const SimulationOutcome two = run_simulation(s);

  ASSERT_EQ(one.replicas.size(), two.replicas.size());
  for (size_t r = 0; r < one.replicas.size(); ++r) {
    SCOPED_TRACE("replica " + std::to_string(r));
    const ReplicaOutcome &a = one.replicas[r], &b = two.replicas[r];
    EXPECT_EQ(a.total_hops, b.total_hops);
    EXPECT_EQ(a.total_attempts, b.total_attempts);
    EXPECT_EQ(a.total_time, b.total_time);
    expect_same_sample(a.whole, b.whole);
    ASSERT_EQ(a.blocks.size(), b.blocks.size());
    for (size_t k = 0; k < a.blocks.size(); ++k) expect_same_sample(a.blocks[k], b.blocks[k]);
    ASSERT_EQ(a.msd.size(), b.msd.size());
    for (size_t k = 0; k < a.msd.size(); ++k) {
      EXPECT_EQ(a.msd[k].time, b.msd[k].time);
      EXPECT_EQ(a.msd[k].msd_tracer, b.msd[k].msd_tracer);
      EXPECT_EQ(a.msd[k].msd_com, b.msd[k].msd_com);
    }
  }
  // Replicas really differ from each other (distinct streams and placements).
  EXPECT_NE(one.replicas[0].whole.sum_r2, one.replicas[1].whole.sum_r2);
}

}  // namespace
