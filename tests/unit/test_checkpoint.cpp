// Checkpoint and restart: a run stopped at a milestone and continued from its
// checkpoint, or continued to a longer run, ends exactly where an
// uninterrupted run ends; checkpoint files are a reader (truncated, corrupt
// and foreign files are bad input); SIGTERM and SIGUSR1 leave a checkpoint.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "CommandRunner.hpp"
#include "host/io/BuildInfo.hpp"
#include "host/io/CheckpointFile.hpp"
#include "kmc/core/Sha256.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/simulation/Simulation.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

// 256 fcc sites (12 hop directions, several hop vectors), an interaction for
// the solvers that take one, three replicas on two threads (one waits while
// the others run, so checkpoints hold running, waiting and finished
// replicas), and two slabs along z (profiles, which a checkpoint carries
// from format 6 on). A few milliseconds per run.
SimulationSettings settings_for(const std::string& solver, double hops_per_particle = 12) {
  SimulationSettings s;
  s.lattice = make_textbook_lattice("fcc", 3.9);
  s.cells = {4, 4, 4};
  s.occupancy.fraction = solver == "walkers" ? 0.25 : 0.5;
  s.hop.temperature = 600;
  s.hop.interaction = solver == "walkers" ? 0.0 : 0.01;
  s.hops_per_particle = hops_per_particle;
  s.blocks = 4;
  s.msd_samples = 6;
  s.slabs = 2;
  s.replicas = 3;
  s.threads = 2;
  s.seed = 11;
  s.solver = solver;
  s.backend = "cpu";
  return s;
}

// How equal two runs must be: bit for bit, for every solver. bkl accumulates
// every displacement hop by hop, so a restarted run repeats the same
// floating-point operations; walkers and sublattice compute a displacement
// from integer cells travelled since placement (SystemState::travel_cells)
// and sum_hop_length_sq from integer hop counts, which a restart carries over.
double tolerance_of(const std::string&) {
  return 0.0;
}

void expect_close(double a, double b, double rel, const std::string& what) {
  if (rel == 0)
    EXPECT_EQ(a, b) << what;
  else
    EXPECT_NEAR(a, b, 1e-10 + rel * std::max(std::fabs(a), std::fabs(b))) << what;
}

void expect_same_sample(const TransportSample& a, const TransportSample& b, double rel,
                        const std::string& what) {
  EXPECT_EQ(a.duration, b.duration) << what;
  EXPECT_EQ(a.hops, b.hops) << what;
  EXPECT_EQ(a.attempts, b.attempts) << what;
  expect_close(a.sum_r2, b.sum_r2, rel, what + " sum_r2");
  expect_close(a.com_r2, b.com_r2, rel, what + " com_r2");
  expect_close(a.sum_r.x, b.sum_r.x, rel, what + " sum_r.x");
  expect_close(a.sum_hop_l2, b.sum_hop_l2, rel, what + " sum_hop_l2");
}

void expect_same_outcome(const SimulationOutcome& a, const SimulationOutcome& b, double rel) {
  ASSERT_EQ(a.replicas.size(), b.replicas.size());
  for (size_t r = 0; r < a.replicas.size(); ++r) {
    const ReplicaOutcome &x = a.replicas[r], &y = b.replicas[r];
    const std::string rep = "replica " + std::to_string(r);
    EXPECT_EQ(x.total_hops, y.total_hops) << rep;
    EXPECT_EQ(x.total_attempts, y.total_attempts) << rep;
    EXPECT_EQ(x.total_time, y.total_time) << rep;
    expect_same_sample(x.whole, y.whole, rel, rep + " whole");
    ASSERT_EQ(x.blocks.size(), y.blocks.size()) << rep;
    for (size_t k = 0; k < x.blocks.size(); ++k)
      expect_same_sample(x.blocks[k], y.blocks[k], rel, rep + " block " + std::to_string(k));
    ASSERT_EQ(x.msd.size(), y.msd.size()) << rep;
    for (size_t k = 0; k < x.msd.size(); ++k) {
      EXPECT_EQ(x.msd[k].time, y.msd[k].time) << rep << " msd " << k;
      EXPECT_EQ(x.msd[k].hops_per_particle, y.msd[k].hops_per_particle) << rep << " msd " << k;
      expect_close(x.msd[k].msd_tracer, y.msd[k].msd_tracer, rel, rep + " msd");
      expect_close(x.msd[k].msd_com, y.msd[k].msd_com, rel, rep + " msd com");
    }
  }
}

void expect_same_bins(const std::vector<ProfileBin>& a, const std::vector<ProfileBin>& b,
                      const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t k = 0; k < a.size(); ++k) {
    const ProfileBin &x = a[k], &y = b[k];
    const std::string bin = what + " bin " + std::to_string(k);
    EXPECT_EQ(x.block_d, y.block_d) << bin;
    EXPECT_EQ(x.block_occupancy, y.block_occupancy) << bin;
    EXPECT_EQ(x.sum_r2, y.sum_r2) << bin;
    EXPECT_EQ(x.sum_ion_time, y.sum_ion_time) << bin;
    EXPECT_EQ(std::memcmp(&x.sum_r2_axes, &y.sum_r2_axes, sizeof(Vec3)), 0) << bin;
    ASSERT_EQ(x.block_d_axes.size(), y.block_d_axes.size()) << bin;
    EXPECT_EQ(std::memcmp(x.block_d_axes.data(), y.block_d_axes.data(),
                          x.block_d_axes.size() * sizeof(Vec3)),
              0)
        << bin;
  }
}

void expect_same_snapshots(const std::vector<ProfileSnapshot>& a,
                           const std::vector<ProfileSnapshot>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].time, b[k].time) << what << " " << k;
    EXPECT_EQ(a[k].replicas, b[k].replicas) << what << " " << k;
    EXPECT_EQ(a[k].ions, b[k].ions) << what << " " << k;
  }
}

// The profiles (slabs, layers and their species samples), bit for bit; `a`
// must have some, so that a run that lost them fails.
void expect_same_profiles(const SimulationOutcome& a, const SimulationOutcome& b) {
  ASSERT_FALSE(a.slabs.empty() && a.layers.empty()) << "the reference run has no profiles";
  EXPECT_FALSE(b.profiles_lost);
  expect_same_bins(a.slabs, b.slabs, "slabs");
  expect_same_bins(a.layers, b.layers, "layers");
  expect_same_snapshots(a.slab_snapshots, b.slab_snapshots, "slab species samples");
  expect_same_snapshots(a.layer_snapshots, b.layer_snapshots, "layer species samples");
}

// A control that keeps what a checkpoint needs and stores the saved bytes.
struct Recorded {
  std::string bytes;
  int saves = 0;
};
RunControl saving_control(Recorded& rec) {
  RunControl c;
  c.keep_marks = true;
  c.keep_states = true;
  c.save = [&rec](const RunState& header, const std::vector<const ReplicaRun*>& replicas) {
    rec.bytes = encode_checkpoint("# test", header, replicas, 0.0);
    ++rec.saves;
  };
  return c;
}

// Every checkpoint goes through the file format before it is continued.
RunState reread(const Recorded& rec) {
  return decode_checkpoint(rec.bytes, "memory").run;
}

// Runs `s` to its end and returns its final state as a checkpoint of it
// reads back (every replica's), ready to be continued by a longer plan.
RunState finished_and_reread(const SimulationSettings& s) {
  Recorded rec;
  RunState run;
  run_simulation(s, run, saving_control(rec));
  std::vector<const ReplicaRun*> all;
  for (const ReplicaRun& rr : run.replicas) all.push_back(&rr);
  rec.bytes = encode_checkpoint("# test", run, all, 0.0);
  return reread(rec);
}

class EverySolver : public ::testing::TestWithParam<std::string> {};

TEST_P(EverySolver, StoppedAtAMilestoneAndRestartedEndsLikeTheWholeRun) {
  const SimulationSettings s = settings_for(GetParam());
  const SimulationOutcome whole = run_simulation(s);

  // Stop once the replicas have passed 40 milestones between them (of ~3 x 200).
  Recorded rec;
  RunControl stop = saving_control(rec);
  std::atomic<int> polls{0};
  stop.stop_requested = [&] { return ++polls >= 40; };
  RunState run;
  const SimulationOutcome first = run_simulation(s, run, stop);
  ASSERT_TRUE(first.interrupted);
  ASSERT_EQ(rec.saves, 1);

  RunState resumed = reread(rec);
  int started = 0;
  for (const ReplicaRun& rr : resumed.replicas) started += rr.started;
  EXPECT_LT(started, s.replicas) << "the third replica should still wait for a thread";
  const SimulationOutcome rest = run_simulation(s, resumed, RunControl{});
  EXPECT_FALSE(rest.interrupted);
  expect_same_outcome(whole, rest, tolerance_of(GetParam()));
  expect_same_profiles(whole, rest);
}

TEST_P(EverySolver, CheckpointTakenWhileReplicasRunOnRestartsExactly) {
  const SimulationSettings s = settings_for(GetParam());
  const SimulationOutcome whole = run_simulation(s);

  // One checkpoint asked for part way; the replicas leave copies and go on.
  Recorded rec;
  RunControl c = saving_control(rec);
  std::atomic<int> polls{0};
  c.checkpoint_due = [&] { return ++polls == 60; };
  RunState run;
  const SimulationOutcome through = run_simulation(s, run, c);
  ASSERT_EQ(rec.saves, 1);
  EXPECT_FALSE(through.interrupted);
  expect_same_outcome(whole, through, 0.0);  // checkpointing does not disturb the run
  expect_same_profiles(whole, through);

  RunState resumed = reread(rec);
  const SimulationOutcome rest = run_simulation(s, resumed, RunControl{});
  expect_same_outcome(whole, rest, tolerance_of(GetParam()));
  expect_same_profiles(whole, rest);
}

// With two species (bkl and sublattice; walkers take one): the profiles'
// species samples (species_profile.csv) come back too, stopped part way as above.
TEST(Checkpoint, StoppedRunWithSpeciesKeepsItsSpeciesProfiles) {
  for (const std::string solver : {"bkl", "sublattice"}) {
    SCOPED_TRACE(solver);
    SimulationSettings s = settings_for(solver);
    s.species.species.push_back({"A", 0.25, -1, 0.30, {}});
    s.species.species.push_back({"B", 0.25, -1, 0.33, {}});
    const SimulationOutcome whole = run_simulation(s);
    ASSERT_FALSE(whole.slab_snapshots.empty());
    Recorded rec;
    RunControl stop = saving_control(rec);
    std::atomic<int> polls{0};
    stop.stop_requested = [&] { return ++polls >= 40; };
    RunState run;
    ASSERT_TRUE(run_simulation(s, run, stop).interrupted);
    RunState resumed = reread(rec);
    const SimulationOutcome rest = run_simulation(s, resumed, RunControl{});
    expect_same_outcome(whole, rest, 0.0);
    expect_same_profiles(whole, rest);
  }
}

INSTANTIATE_TEST_SUITE_P(Checkpoint, EverySolver,
                         ::testing::Values("bkl", "walkers", "sublattice"));

// N hops per particle at once, and N/2 continued to N. Every solver stops
// where the milestones ask without changing its trajectory (bkl after exactly
// that many hops, sublattice at the end of the sweep that reaches it, walkers
// at the end of the round of its fixed time grid that reaches it), so the
// longer plan's milestones inside the first half hit the same states.
class ExtendableSolver : public ::testing::TestWithParam<std::string> {};

TEST_P(ExtendableSolver, HalfRunContinuedToTheFullLengthEqualsTheFullRun) {
  const SimulationOutcome whole = run_simulation(settings_for(GetParam(), 12));
  RunState resumed = finished_and_reread(settings_for(GetParam(), 6));
  const SimulationOutcome longer =
      run_simulation(settings_for(GetParam(), 12), resumed, RunControl{});
  expect_same_outcome(whole, longer, tolerance_of(GetParam()));
  // The blocks of the longer plan are twice as long: the profiles' blocks
  // cannot be rebuilt from the half run's, so the run reports none.
  EXPECT_TRUE(longer.profiles_lost);
  EXPECT_TRUE(longer.slabs.empty());
}

// N/2 with half the blocks and MSD samples continued to N: every block
// boundary stays, so the profiles go on and end as the whole run's.
TEST_P(ExtendableSolver, HalfRunWithHalfTheBlocksContinuedKeepsItsProfiles) {
  const SimulationOutcome whole = run_simulation(settings_for(GetParam(), 12));
  SimulationSettings half = settings_for(GetParam(), 6);
  half.blocks = 2;
  half.msd_samples = 3;
  RunState resumed = finished_and_reread(half);
  const SimulationOutcome longer =
      run_simulation(settings_for(GetParam(), 12), resumed, RunControl{});
  expect_same_outcome(whole, longer, tolerance_of(GetParam()));
  expect_same_profiles(whole, longer);
}

INSTANTIATE_TEST_SUITE_P(Checkpoint, ExtendableSolver,
                         ::testing::Values("bkl", "walkers", "sublattice"));

RunState finished_run(const SimulationSettings& s) {
  Recorded rec;
  RunState run;
  run_simulation(s, run, saving_control(rec));
  return run;
}

TEST(Checkpoint, ContinuingToAPlanThatWasNotObservedIsRefused) {
  const SimulationSettings half = settings_for("bkl", 6);
  // 1.5 x: the new block boundary at 0.375 of the old length was never observed.
  RunState a = finished_run(half);
  EXPECT_THROW(run_simulation(settings_for("bkl", 9), a, RunControl{}), ReplanError);
  // Shorter than what has run already.
  RunState b = finished_run(half);
  EXPECT_THROW(run_simulation(settings_for("bkl", 3), b, RunControl{}), ReplanError);
  // From a hop target to a time target.
  RunState c = finished_run(half);
  SimulationSettings timed = half;
  timed.time = 1e-6;
  EXPECT_THROW(run_simulation(timed, c, RunControl{}), ReplanError);
  // Another replica count is another run.
  RunState d = finished_run(half);
  SimulationSettings more = settings_for("bkl", 12);
  more.replicas = 4;
  EXPECT_THROW(run_simulation(more, d, RunControl{}), ReplanError);
}

// ---- the file format as a reader ---------------------------------------------

std::string small_checkpoint() {
  SimulationSettings s = settings_for("bkl", 2);
  s.replicas = 1;
  RunState run = finished_run(s);
  return encode_checkpoint("[run]\nseed = 11\n", run, {&run.replicas[0]}, 1.5);
}

std::string reject(const std::string& bytes) {
  try {
    decode_checkpoint(bytes, "file.ckpt");
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "file.ckpt");
    return e.what();
  }
  ADD_FAILURE() << "accepted a bad checkpoint of " << bytes.size() << " bytes";
  return "";
}

uint64_t fnv1a64(const std::string& s, size_t from) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = from; i < s.size(); ++i) {
    h ^= static_cast<unsigned char>(s[i]);
    h *= 1099511628211ull;
  }
  return h;
}

TEST(CheckpointFile, RoundTripKeepsEveryField) {
  const std::string bytes = small_checkpoint();
  const Checkpoint c = decode_checkpoint(bytes, "file.ckpt");
  EXPECT_EQ(c.config_toml, "[run]\nseed = 11\n");
  EXPECT_EQ(c.run.wall_before, 1.5);
  ASSERT_EQ(c.run.replicas.size(), 1u);
  const ReplicaRun& rr = c.run.replicas[0];
  EXPECT_TRUE(rr.started);
  EXPECT_EQ(rr.state.ion_site.size(), 128u);
  EXPECT_EQ(rr.recorder.marks().size(), 5u);  // start + 4 block boundaries, all kept
  EXPECT_EQ(rr.recorder.blocks().size(), 4u);
  EXPECT_EQ(rr.recorder.msd().size(), 7u);  // the start and 6 samples
  // Encoding the decoded checkpoint gives the same bytes.
  std::vector<const ReplicaRun*> all{&rr};
  EXPECT_EQ(encode_checkpoint(c.config_toml, c.run, all, 1.5), bytes);
}

// Format 3: the closed blocks' per-species sums travel with the checkpoint,
// and the recorder takes the species labels back from the state.
TEST(CheckpointFile, RoundTripKeepsPerSpeciesBlockSums) {
  SimulationSettings s = settings_for("bkl", 2);
  s.replicas = 1;
  s.species.species.push_back({"A", 0.25, -1, 0.30, {}});
  s.species.species.push_back({"B", 0.25, -1, 0.33, {}});
  RunState run = finished_run(s);
  const ReplicaRun& before = run.replicas[0];
  ASSERT_EQ(before.recorder.blocks().size(), 4u);
  const std::string bytes = encode_checkpoint("", run, {&before}, 0.0);
  const Checkpoint c = decode_checkpoint(bytes, "file.ckpt");
  const ReplicaRun& after = c.run.replicas[0];
  ASSERT_EQ(after.recorder.blocks().size(), 4u);
  for (size_t b = 0; b < 4; ++b) {
    const auto& want = before.recorder.blocks()[b].species;
    const auto& got = after.recorder.blocks()[b].species;
    ASSERT_EQ(want.size(), 2u);
    ASSERT_EQ(got.size(), 2u);
    for (size_t q = 0; q < 2; ++q) {
      EXPECT_EQ(got[q].sum_r2, want[q].sum_r2);
      EXPECT_EQ(got[q].ions, want[q].ions);
    }
  }
  // The whole window, computed from the labels the recorder took back.
  const TransportSample w0 = before.recorder.whole_run(before.state);
  const TransportSample w1 = after.recorder.whole_run(after.state);
  ASSERT_EQ(w1.species.size(), 2u);
  EXPECT_EQ(w1.species[0].sum_r2, w0.species[0].sum_r2);
  EXPECT_EQ(w1.species[1].ions, w0.species[1].ions);
}

TEST(CheckpointFile, TruncatedFilesAreRejectedAtEveryLength) {
  const std::string bytes = small_checkpoint();
  for (size_t n : {size_t(0), size_t(5), size_t(8), size_t(20), size_t(31), size_t(32), size_t(33),
                   bytes.size() / 2, bytes.size() - 1}) {
    const std::string why = reject(bytes.substr(0, n));
    if (n < 8)
      EXPECT_NE(why.find("not a coatkmc checkpoint"), std::string::npos) << n << ": " << why;
    else
      EXPECT_NE(why.find("truncated checkpoint"), std::string::npos) << n << ": " << why;
  }
}

TEST(CheckpointFile, CorruptionForeignVersionsAndTrailingBytesAreRejected) {
  const std::string bytes = small_checkpoint();
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  EXPECT_NE(reject(flipped).find("checksum mismatch"), std::string::npos);

  std::string version = bytes;
  version[8] = 9;
  EXPECT_NE(reject(version).find("format version 9"), std::string::npos);

  EXPECT_NE(reject(bytes + "x").find("bytes after the payload"), std::string::npos);
  EXPECT_NE(reject("[run]\nseed = 1\n").find("not a coatkmc checkpoint"), std::string::npos);

  // Contents that pass the checksum but contradict themselves: the replica
  // count (after the config text, wall time, plan and solver name) set to 0.
  // Format 5 compresses the payload: this one is stored as it is (its
  // decoded size and the storage byte come first, 9 bytes).
  SimulationSettings s = settings_for("bkl", 2);
  s.replicas = 1;
  RunState run = finished_run(s);
  std::string forged = encode_checkpoint("[run]\nseed = 11\n", run, {&run.replicas[0]}, 1.5,
                                         CheckpointCompression::Stored);
  const size_t config_len = 16, solver_len = 3;
  const size_t count_at = 32 + 9 + 8 + config_len + 8 + 1 + 8 + 8 + 4 + 4 + 8 + solver_len;
  ASSERT_EQ(forged.substr(count_at - solver_len, solver_len), "bkl");
  forged[count_at] = 0;
  const uint64_t sum = fnv1a64(forged, 32);
  std::memcpy(&forged[24], &sum, 8);
  EXPECT_NE(reject(forged).find("corrupt checkpoint"), std::string::npos);
}

// A format-3 file (the fuzz seed, written before the per-axis sums existed)
// still decodes; the sums it lacks are NaN, so the results report them as
// null and D_jump falls back to the blocks (docs/checkpoints.md).
TEST(CheckpointFile, FormatThreeIsReadWithoutTheAxisSums) {
  std::ifstream in(COATKMC_SOURCE_DIR "/tests/fuzz/seeds/checkpoint/bkl_two_replicas.ckpt",
                   std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 32u);
  ASSERT_EQ(bytes[8], 3);
  const Checkpoint c = decode_checkpoint(bytes, "v3.ckpt");
  ASSERT_FALSE(c.run.replicas.empty());
  const TransportRecorder& rec = c.run.replicas[0].recorder;
  ASSERT_FALSE(rec.msd().empty());
  EXPECT_TRUE(std::isnan(rec.msd()[0].sum_r.x));
  for (const TransportSample& b : rec.blocks()) EXPECT_TRUE(std::isnan(b.sum_r2_axes.x));
}

// Format 4 (written before the compact format 5) still decodes, its per-axis
// sums present.
TEST(CheckpointFile, FormatFourIsStillRead) {
  std::ifstream in(COATKMC_SOURCE_DIR "/tests/fuzz/seeds/checkpoint/bkl_format4.ckpt",
                   std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 32u);
  ASSERT_EQ(bytes[8], 4);
  const Checkpoint c = decode_checkpoint(bytes, "v4.ckpt");
  ASSERT_FALSE(c.run.replicas.empty());
  const TransportRecorder& rec = c.run.replicas[0].recorder;
  ASSERT_FALSE(rec.blocks().empty());
  EXPECT_FALSE(std::isnan(rec.blocks()[0].sum_r2_axes.x));
}

// Format 5, compressed or stored as it is, decodes to the same run: every
// displacement of every mark and of the state bit for bit, the site table
// and occupancy rebuilt from the ions, for every solver (walkers keep the
// placement in their site table, which is rebuilt from the travel origins).
TEST(CheckpointFile, CompactFormatKeepsEveryDisplacementBitForBit) {
  for (const std::string solver : {"bkl", "walkers", "sublattice"}) {
    SimulationSettings s = settings_for(solver, 4);
    s.replicas = 1;
    RunState run = finished_run(s);
    const ReplicaRun& before = run.replicas[0];
    const std::string zstd = encode_checkpoint("", run, {&before}, 0.0);
    const std::string stored =
        encode_checkpoint("", run, {&before}, 0.0, CheckpointCompression::Stored);
    EXPECT_LT(zstd.size(), stored.size()) << solver;
    for (const std::string* bytes : {&zstd, &stored}) {
      const Checkpoint c = decode_checkpoint(*bytes, "file.ckpt");
      const ReplicaRun& after = c.run.replicas[0];
      const SystemState &a = before.state, &b = after.state;
      EXPECT_EQ(b.site_ion, a.site_ion) << solver;
      EXPECT_EQ(b.occupied, a.occupied) << solver;
      EXPECT_EQ(b.ion_site, a.ion_site) << solver;
      EXPECT_EQ(b.travel_cells, a.travel_cells) << solver;
      EXPECT_EQ(b.travel_origin, a.travel_origin) << solver;
      ASSERT_EQ(b.displacement.size(), a.displacement.size());
      EXPECT_EQ(std::memcmp(b.displacement.data(), a.displacement.data(),
                            a.displacement.size() * sizeof(Vec3)),
                0)
          << solver;
      ASSERT_EQ(after.recorder.marks().size(), before.recorder.marks().size());
      for (size_t m = 0; m < before.recorder.marks().size(); ++m) {
        const auto& x = before.recorder.marks()[m].displacement;
        const auto& y = after.recorder.marks()[m].displacement;
        ASSERT_EQ(x.size(), y.size());
        EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(Vec3)), 0) << solver << m;
      }
      EXPECT_FALSE(b.neighbor_counts_valid);  // recounted by the solver that reads them
    }
  }
}

// A payload announcing far more decoded bytes than zstd can make of it, a
// damaged frame, and an unknown storage byte are bad input, not allocations.
TEST(CheckpointFile, ForgedCompressedPayloadsAreRejected) {
  const std::string bytes = small_checkpoint();
  auto resealed = [](std::string b) {
    const uint64_t sum = fnv1a64(b, 32);
    std::memcpy(&b[24], &sum, 8);
    return b;
  };
  std::string huge = bytes;
  const uint64_t raw = uint64_t(1) << 39;
  std::memcpy(&huge[32], &raw, 8);
  EXPECT_NE(reject(resealed(huge)).find("implausible decompressed size"), std::string::npos);
  std::string damaged = bytes;
  damaged[bytes.size() - 3] ^= 0x5a;
  EXPECT_NE(reject(resealed(damaged)).find("corrupt checkpoint"), std::string::npos);
  std::string method = bytes;
  method[40] = 7;
  EXPECT_NE(reject(resealed(method)).find("unknown payload compression"), std::string::npos);
}

// ---- through the executable ----------------------------------------------------

const char* kRunConfig = R"([lattice]
type  = "sc"
cells = [8, 8, 8]
[occupancy]
fraction = 0.5
[run]
temperature       = 500
hops_per_particle = 20
blocks            = 4
msd_samples       = 10
replicas          = 2
)";

// The fields that depend on the trajectory only.
const char* kPhysics[] = {"D_tracer",
                          "D_tracer_err",
                          "D_jump",
                          "D_jump_err",
                          "haven_ratio",
                          "haven_ratio_err",
                          "correlation_factor",
                          "correlation_factor_err",
                          "conductivity",
                          "conductivity_err",
                          "hops",
                          "attempts",
                          "simulated_time",
                          "particles",
                          "sites",
                          "seed",
                          "config"};

nlohmann::json result_of(const std::string& dir) {
  return nlohmann::json::parse(read_text(dir + "/result.json"));
}

void expect_same_physics(const nlohmann::json& a, const nlohmann::json& b) {
  for (const char* key : kPhysics) EXPECT_EQ(a[key], b[key]) << key;
}

std::string write_run_config(const ScratchDir& dir, const std::string& text = kRunConfig) {
  std::ofstream(dir / "run.toml") << text;
  return dir / "run.toml";
}

// result.json without what says how and where a run went rather than what it
// found: provenance (host, time, restarted_from), wall time and speed.
nlohmann::json physics_of(nlohmann::json r) {
  for (const char* key : {"provenance", "wall_time", "hops_per_second"}) r.erase(key);
  return r;
}

// The same run with two species (and a direct exchange), for result.json's
// per-species fields across a restart.
const char* kSpeciesRunConfig = R"([lattice]
type  = "sc"
cells = [8, 8, 8]
[[occupancy.species]]
name     = "A"
fraction = 0.3
[[occupancy.species]]
name     = "B"
fraction = 0.3
barrier  = 0.33
[[hop.exchange]]
a       = "A"
b       = "B"
barrier = 0.35
[run]
temperature       = 500
hops_per_particle = 20
blocks            = 4
msd_samples       = 10
replicas          = 2
# An array of floats below 0.1: toml++ 3.3's formatter is undefined for
# them, so the restart check must print it with TomlWriter (UBSan build).
field             = [0.0, 0.0, 1e-4]
)";

// N hops per particle in one run, and N/2 followed by `coatkmc run --restart
// ... --set run.hops_per_particle=N`, through the executable: every field of
// result.json but provenance and timing, and msd.csv, byte for byte equal.
// A parameter "SOLVER+species" runs kSpeciesRunConfig (species[name] too).
class CheckpointCliSolver : public ::testing::TestWithParam<std::string> {};

TEST_P(CheckpointCliSolver, HalfRunRestartedToTheFullLengthGivesTheSameResultJson) {
  ScratchDir dir;
  const std::string param = GetParam();
  const size_t plus = param.find("+species");
  const bool with_species = plus != std::string::npos;
  const std::string solver_name = with_species ? param.substr(0, plus) : param;
  const std::string cfg = write_run_config(dir, with_species ? kSpeciesRunConfig : kRunConfig);
  const std::string solver = "run.solver=\"" + solver_name + "\"";
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "whole", "--set", solver}, dir.path()).status, 0);
  ASSERT_EQ(run_coatkmc(
                {"run", cfg, "--out", "half", "--set", solver, "--set", "run.hops_per_particle=10"},
                dir.path())
                .status,
            0);
  ASSERT_TRUE(file_exists(dir / "half/checkpoint.ckpt"));
  const CommandResult r = run_coatkmc({"run", "--restart", "half/checkpoint.ckpt", "--set",
                                       "run.hops_per_particle=20", "--out", "continued"},
                                      dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json whole = result_of(dir / "whole"), continued = result_of(dir / "continued");
  ASSERT_EQ(whole["solver"], solver_name);
  if (with_species) {
    ASSERT_TRUE(whole.contains("species"));
    ASSERT_TRUE(continued.contains("species")) << "species left out after the restart";
    EXPECT_EQ(whole["species"].dump(), continued["species"].dump());
  }
  expect_same_physics(whole, continued);
  EXPECT_EQ(physics_of(whole).dump(), physics_of(continued).dump());
  // The halves differ from the whole (the test can fail): fewer hops.
  EXPECT_LT(result_of(dir / "half")["hops"].get<uint64_t>(), whole["hops"].get<uint64_t>());
  EXPECT_EQ(read_text(dir / "whole/msd.csv"), read_text(dir / "continued/msd.csv"));
  EXPECT_EQ(continued["provenance"]["restarted_from"], "half/checkpoint.ckpt");
}

// profile.csv (and species_profile.csv) across a restart, byte for byte:
// N/2 hops with half the blocks and MSD samples continued to N keeps every
// block boundary of the whole run, so the profiles go on from the
// checkpoint. Continued with the same block count instead (the blocks move),
// the run writes no profile and says why.
TEST_P(CheckpointCliSolver, HalfRunWithHalfTheBlocksRestartedWritesTheSameProfiles) {
  ScratchDir dir;
  const std::string param = GetParam();
  const size_t plus = param.find("+species");
  const bool with_species = plus != std::string::npos;
  const std::string solver_name = with_species ? param.substr(0, plus) : param;
  const std::string cfg = write_run_config(
      dir, std::string(with_species ? kSpeciesRunConfig : kRunConfig) + "slabs = 4\n");
  const std::string solver = "run.solver=\"" + solver_name + "\"";
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "whole", "--set", solver}, dir.path()).status, 0);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "half", "--set", solver, "--set",
                         "run.hops_per_particle=10", "--set", "run.blocks=2", "--set",
                         "run.msd_samples=5"},
                        dir.path())
                .status,
            0);
  CommandResult r = run_coatkmc({"run", "--restart", "half/checkpoint.ckpt", "--set",
                                 "run.hops_per_particle=20", "--set", "run.blocks=4", "--set",
                                 "run.msd_samples=10", "--out", "continued"},
                                dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(file_exists(dir / "whole/profile.csv"));
  ASSERT_TRUE(file_exists(dir / "continued/profile.csv")) << r.err;
  EXPECT_EQ(read_text(dir / "whole/profile.csv"), read_text(dir / "continued/profile.csv"));
  EXPECT_EQ(read_text(dir / "whole/msd.csv"), read_text(dir / "continued/msd.csv"));
  EXPECT_EQ(physics_of(result_of(dir / "whole")).dump(),
            physics_of(result_of(dir / "continued")).dump());
  if (with_species) {
    ASSERT_TRUE(file_exists(dir / "whole/species_profile.csv"));
    EXPECT_EQ(read_text(dir / "whole/species_profile.csv"),
              read_text(dir / "continued/species_profile.csv"));
  }
  // The halves' profiles differ from the whole's (the comparison can fail).
  EXPECT_NE(read_text(dir / "half/profile.csv"), read_text(dir / "whole/profile.csv"));

  r = run_coatkmc({"run", "--restart", "half/checkpoint.ckpt", "--set", "run.hops_per_particle=20",
                   "--set", "run.msd_samples=10", "--out", "moved"},
                  dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(file_exists(dir / "moved/profile.csv"));
  EXPECT_NE(r.err.find("no profile.csv"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(dir / "whole/msd.csv"), read_text(dir / "moved/msd.csv"));
}

INSTANTIATE_TEST_SUITE_P(Checkpoint, CheckpointCliSolver,
                         ::testing::Values("bkl", "walkers", "sublattice", "bkl+species",
                                           "sublattice+species"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (c == '+') c = '_';
                           return name;
                         });

// A checkpoint holds the resolved configuration, which --restart reads again
// away from the configuration's folder: files it names by relative paths
// (lattice.file, environment.coefficients) must still be found. The shipped
// configurations, run from outside configs/, restarted from another folder.
TEST(CheckpointCli, RelativeFilePathsOfTheConfigurationSurviveARestart) {
  const std::string configs = std::string(COATKMC_SOURCE_DIR) + "/configs";
  struct Case {
    std::string config;
    std::vector<std::string> sets;
  };
  const std::vector<Case> cases = {
      {configs + "/licoo2_from_cif.toml", {"lattice.cells=[6,6,2]"}},
      {configs + "/llto_a_site_environment.toml", {"lattice.cells=[4,4,4]", "run.replicas=1"}}};
  for (const Case& c : cases) {
    ScratchDir dir;
    std::filesystem::create_directories(dir / "elsewhere");
    auto run = [&](const std::string& out, const std::string& hops) {
      std::vector<std::string> args = {"run", c.config, "--out", out, "--no-plots", "--set",
                                       "run.hops_per_particle=" + hops, "--set", "run.blocks=2"};
      for (const std::string& x : c.sets) args.insert(args.end(), {"--set", x});
      return run_coatkmc(args, dir.path());
    };
    CommandResult r = run("whole", "8");
    ASSERT_EQ(r.status, 0) << c.config << ": " << r.err;
    r = run("half", "4");
    ASSERT_EQ(r.status, 0) << c.config << ": " << r.err;
    r = run_coatkmc({"run", "--restart", dir / "half/checkpoint.ckpt", "--set",
                     "run.hops_per_particle=8", "--out", dir / "continued", "--no-plots"},
                    dir / "elsewhere");
    ASSERT_EQ(r.status, 0) << c.config << ": " << r.err;
    const nlohmann::json whole = result_of(dir / "whole"), continued = result_of(dir / "continued");
    expect_same_physics(whole, continued);
    EXPECT_EQ(physics_of(whole).dump(), physics_of(continued).dump()) << c.config;
    EXPECT_EQ(read_text(dir / "whole/msd.csv"), read_text(dir / "continued/msd.csv")) << c.config;
    EXPECT_LT(result_of(dir / "half")["hops"].get<uint64_t>(), whole["hops"].get<uint64_t>());
  }
}

TEST(CheckpointCli, BadCheckpointsAndForbiddenChangesAreOneLineErrors) {
  ScratchDir dir;
  const std::string cfg = write_run_config(dir);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "a"}, dir.path()).status, 0);
  const std::string bytes = read_text(dir / "a/checkpoint.ckpt");
  std::ofstream(dir / "cut.ckpt", std::ios::binary) << bytes.substr(0, bytes.size() - 100);

  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"run", "--restart", "cut.ckpt", "--out", "b"},
       "coatkmc: error: cut.ckpt: truncated checkpoint"},
      {{"run", "--restart", "run.toml", "--out", "b"},
       "coatkmc: error: run.toml: not a coatkmc checkpoint"},
      {{"run", "--restart", "a", "--out", "b"}, "is a directory"},
      {{"run", "--restart", "missing.ckpt", "--out", "b"}, "cannot open the checkpoint"},
      {{"run", "--restart", "a/checkpoint.ckpt", "--set", "lattice.cells=[6,6,6]", "--out", "b"},
       "lattice.cells cannot change on restart"},
      {{"run", "--restart", "a/checkpoint.ckpt", "--seed", "5", "--out", "b"},
       "run.seed cannot change on restart"},
      {{"run", "--restart", "a/checkpoint.ckpt", "--set", "run.hops_per_particle=30", "--out", "b"},
       "cannot continue this checkpoint"},
      {{"run", cfg, "--restart", "a/checkpoint.ckpt", "--out", "b"}, "not both"},
      {{"run", cfg, "--checkpoint-every=0", "--out", "b"}, "--checkpoint-every"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_coatkmc(c.args, dir.path());
    EXPECT_EQ(r.status, 2) << c.says << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_FALSE(file_exists(dir / "b/result.json"));
  }
}

// ---- signals -----------------------------------------------------------------

// coatkmc started directly (no shell), so that signals reach it.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& dir) {
    std::vector<std::string> words = {COATKMC_BINARY};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    for (int fd : {0, 1, 2})
      posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
    posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Child() {
    if (pid_ > 0 && !done_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  void signal(int sig) { ::kill(pid_, sig); }
  int wait() {
    if (!done_) {
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      done_ = true;
    }
    return status_;
  }
  bool started() const { return pid_ > 0; }
  // Whether it has ended (reaps it then).
  bool ended() {
    if (done_) return true;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) done_ = true;
    return done_;
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool done_ = false;
};

// Waits (at most 20 s) until `path` exists or the child has ended.
bool appears(const std::string& path, Child& child) {
  for (int i = 0; i < 2000; ++i) {
    if (file_exists(path)) return true;
    if (child.ended()) return file_exists(path);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// About 0.4 s of bkl on one thread in a Release build: long enough to be
// interrupted in the middle at the moments below.
const char* kLongConfig = R"([lattice]
type  = "sc"
cells = [20, 20, 20]
[occupancy]
fraction = 0.5
[run]
temperature       = 500
hops_per_particle = 60
blocks            = 4
msd_samples       = 10
slabs             = 4
)";

// Starts `coatkmc ARGS` (its output folder dir/stopped) and sends SIGTERM part
// way: the run must stop at a milestone, exit 3, with no result.json. Skips
// the test when the run ended before the signal came; callers return on a
// skip or a fatal failure.
void stop_with_sigterm(const std::vector<std::string>& args, const ScratchDir& dir) {
  Child run(args, dir.path());
  ASSERT_TRUE(run.started());
  // The output folder appears once the configuration is read, after the
  // handlers are installed; then the run is part way.
  ASSERT_TRUE(appears(dir / "stopped", run));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  run.signal(SIGTERM);
  const int status = run.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "SIGTERM killed the run instead of stopping it";
  if (WEXITSTATUS(status) == 0) GTEST_SKIP() << "the run ended before SIGTERM came (machine fast)";
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_FALSE(file_exists(dir / "stopped/result.json"));
}

TEST(CheckpointSignals, SigtermSavesACheckpointAndStopsAndTheRestartEndsLikeTheWholeRun) {
  ScratchDir dir;
  const std::string cfg = write_run_config(dir, kLongConfig);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "whole"}, dir.path()).status, 0);

  stop_with_sigterm({"run", cfg, "--out", "stopped"}, dir);
  if (IsSkipped() || HasFatalFailure()) return;
  ASSERT_TRUE(file_exists(dir / "stopped/checkpoint.ckpt"));
  const CommandResult r =
      run_coatkmc({"run", "--restart", "stopped/checkpoint.ckpt", "--out", "resumed"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  expect_same_physics(result_of(dir / "whole"), result_of(dir / "resumed"));
  EXPECT_EQ(read_text(dir / "whole/msd.csv"), read_text(dir / "resumed/msd.csv"));
  ASSERT_TRUE(file_exists(dir / "resumed/profile.csv")) << r.err;
  EXPECT_EQ(read_text(dir / "whole/profile.csv"), read_text(dir / "resumed/profile.csv"));
}

// run.checkpoint = "none": SIGTERM still stops the run at a milestone (exit 3),
// and nothing is saved.
TEST(CheckpointSignals, SigtermStopsARunThatSavesNoCheckpoint) {
  ScratchDir dir;
  const std::string cfg = write_run_config(dir, kLongConfig);
  stop_with_sigterm({"run", cfg, "--out", "stopped", "--set", "run.checkpoint=\"none\""}, dir);
  if (IsSkipped() || HasFatalFailure()) return;
  EXPECT_FALSE(file_exists(dir / "stopped/checkpoint.ckpt"));
}

TEST(CheckpointSignals, SigusrOneAndTheTimerSaveCheckpointsThatSurviveAKill) {
  ScratchDir dir;
  const std::string cfg = write_run_config(dir, kLongConfig);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "whole"}, dir.path()).status, 0);
  const nlohmann::json whole = result_of(dir / "whole");

  // SIGUSR1 asks for a checkpoint and the run goes on; once the checkpoint is
  // there the run is killed. The timer (every 0.001 minutes = 60 ms) does the
  // same without a signal.
  const std::vector<std::vector<std::string>> ways = {
      {"run", cfg, "--out", "usr1"}, {"run", cfg, "--out", "timer", "--checkpoint-every", "0.001"}};
  for (const auto& args : ways) {
    const std::string out = args[3];
    Child run(args, dir.path());
    ASSERT_TRUE(run.started());
    ASSERT_TRUE(appears(dir / out, run));
    if (out == "usr1") run.signal(SIGUSR1);
    const bool saved = appears(dir / (out + "/checkpoint.ckpt"), run);
    run.signal(SIGKILL);
    const int status = run.wait();
    if (WIFEXITED(status)) GTEST_SKIP() << "the run ended before it was killed (machine fast)";
    ASSERT_TRUE(saved) << out;
    ASSERT_FALSE(file_exists(dir / (out + "/result.json")));
    // A checkpoint from the middle of the run, not the one saved at its end.
    const Checkpoint c = read_checkpoint(dir / (out + "/checkpoint.ckpt"));
    if (c.run.replicas[0].done(plan_milestones(c.run.plan).size()))
      GTEST_SKIP() << "killed only after the run's final checkpoint (machine fast)";
    const CommandResult r = run_coatkmc(
        {"run", "--restart", out + "/checkpoint.ckpt", "--out", out + "-resumed"}, dir.path());
    ASSERT_EQ(r.status, 0) << r.err;
    expect_same_physics(whole, result_of(dir / (out + "-resumed")));
    ASSERT_TRUE(file_exists(dir / (out + "-resumed/profile.csv"))) << r.err;
    EXPECT_EQ(read_text(dir / "whole/profile.csv"), read_text(dir / (out + "-resumed/profile.csv")));
  }
}

// ---- provenance -----------------------------------------------------------------

TEST(Provenance, EveryResultSaysWhatRanWhereAndWhen) {
  ScratchDir dir;
  const std::string cfg = write_run_config(dir);
  ::setenv("SLURM_JOB_ID", "4242", 1);
  ::setenv("SLURM_ARRAY_TASK_ID", "7", 1);
  const CommandResult r = run_coatkmc(
      {"run", cfg, "--out", "a", "--seed", "9", "--tag", "sweep_replica=3"}, dir.path());
  ::unsetenv("SLURM_JOB_ID");
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json p = result_of(dir / "a")["provenance"];
  const BuildInfo& b = build_info();
  EXPECT_EQ(p["version"], b.version);
  EXPECT_EQ(p["git_sha"], b.git_sha);
  EXPECT_EQ(p["build_flags"], b.flags);
  EXPECT_EQ(p["cuda"], b.cuda);
  EXPECT_EQ(p["cuda_version"], b.cuda_version);
  EXPECT_EQ(p["device"], result_of(dir / "a")["device"]);
  EXPECT_FALSE(p["host"].get<std::string>().empty());
  EXPECT_EQ(p["started_utc"].get<std::string>().size(), 20u);
  EXPECT_EQ(p["finished_utc"].get<std::string>().size(), 20u);
  EXPECT_EQ(p["config_sha256"], sha256_hex(p["config_text"].get<std::string>()));
  EXPECT_NE(p["config_text"].get<std::string>().find("seed = 9"), std::string::npos);
  EXPECT_EQ(p["seed"], 9);
  EXPECT_EQ(p["sweep_replica"], 3);
  EXPECT_EQ(p["slurm"]["job_id"], "4242");
  EXPECT_EQ(p["slurm"]["array_task_id"], "7");
  EXPECT_TRUE(p["slurm"]["array_job_id"].is_null());
}

TEST(Sha256, KnownAnswers) {
  // FIPS 180-4 examples, and the empty message.
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace

namespace {

// The shipped run configurations (configs/*.toml without a [macro] or [anneal] table).
std::vector<std::string> shipped_run_configs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(COATKMC_SOURCE_DIR "/configs")) {
    if (e.path().extension() != ".toml") continue;
    const std::string text = read_text(e.path().string());
    if (text.find("[macro") != std::string::npos || text.find("[anneal") != std::string::npos)
      continue;
    out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// Issue 17's budget: a checkpoint a cluster can afford, at most 24 bytes per
// site and replica for every shipped configuration (format 4 took about 280),
// besides the profiles' per-block values (format 6), which grow with the
// bins and blocks, not the sites.
// The measured figures are in docs/checkpoints.md.
TEST(CheckpointCli, ShippedConfigurationsCheckpointInAtMost24BytesPerSiteAndReplica) {
  const std::vector<std::string> configs = shipped_run_configs();
  ASSERT_GE(configs.size(), 8u);
  for (const std::string& config : configs) {
    ScratchDir dir;
    const CommandResult r = run_coatkmc({"run", config, "--out", dir / "o", "--threads", "2"},
                                        dir.path());
    ASSERT_EQ(r.status, 0) << config << ": " << r.err;
    const nlohmann::json result = result_of(dir / "o");
    // Per host site of the lattice, open or blocked (a checkpoint holds every
    // site's state; result.json's `sites` counts only the open ones, which an
    // immobile species or a microstructure can halve).
    double cells = 1;
    for (const auto& c : result["config"]["lattice"]["cells"]) cells *= c.get<double>();
    const double host_sites =
        result["hop_network"]["host_sites_per_cell"].get<double>() * cells;
    ASSERT_GE(host_sites, result["sites"].get<double>()) << config;
    const double replicas = result["replicas"].get<double>();
    const double sites = host_sites * replicas;
    const double bytes = static_cast<double>(std::filesystem::file_size(dir / "o/checkpoint.ckpt"));
    // The profiles (format 6) do not grow with the sites: per bin and closed
    // block four D values and an occupancy, at most 40 bytes, are allowed on
    // top (llto_a_site_environment's 4 slabs x 10 blocks x 8 replicas take
    // 11.3 kB, 2.8 bytes per host site and replica).
    double bins = 0;
    if (file_exists(dir / "o/profile.csv")) {
      const std::string csv = read_text(dir / "o/profile.csv");
      bins = double(std::count(csv.begin(), csv.end(), '\n')) - 1;  // less the header
    }
    const double profile_bytes = 40.0 * bins * result["blocks"].get<double>() * replicas;
    EXPECT_LE((bytes - profile_bytes) / sites, 24.0) << config;
    std::printf("%s: %.2f bytes per site and replica (%.2f with %.0f profile bins)\n",
                config.c_str(), (bytes - profile_bytes) / sites, bytes / sites, bins);
  }
}
