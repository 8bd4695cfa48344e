// [[anneal.segment]]: a furnace programme of ramps and holds (issue 6 item 2),
// "T" standing for each case's temperature.
#include <gtest/gtest.h>

#include <fstream>

#include "AnnealTestLayers.hpp"
#include "host/continuum/AnnealStudy.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {
namespace {

const std::string kLayers = "\n" + test::film_on_bulk_layers(10, 200);

AnnealStudySettings load_text(const std::string& name, const std::string& anneal) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << "[anneal]\nspecies = \"X\"\ntemperatures_C = [450, 600]\n" + anneal +
                             kLayers;
  return load_anneal_config(path, {});
}

// The usual programme written as segments is the ramp_C_per_min / hold_s
// study, bit for bit.
TEST(AnnealProgram, RampHoldCoolAsSegmentsIsTheSameStudy) {
  const AnnealStudySettings plain =
      load_text("p_plain.toml", "hold_s = 3600\nramp_C_per_min = 20\n");
  const AnnealStudySettings seg = load_text(
      "p_seg.toml",
      "[[anneal.segment]]\nto_C = \"T\"\nrate_C_per_min = 20\n[[anneal.segment]]\nhold_s = 3600\n"
      "[[anneal.segment]]\nto_C = 25\nrate_C_per_min = 20\n");
  EXPECT_EQ(seg.hold_s, 3600.0);
  const AnnealStudyResult a = run_anneal_study(plain), b = run_anneal_study(seg);
  ASSERT_EQ(a.cases.size(), b.cases.size());
  for (size_t i = 0; i < a.cases.size(); ++i) {
    EXPECT_EQ(a.cases[i].c, b.cases[i].c);
    EXPECT_EQ(a.cases[i].schedule_s, b.cases[i].schedule_s);
    EXPECT_EQ(a.cases[i].D_fit, b.cases[i].D_fit);
  }
}

// Temperature against time of a two-stage programme: a jump to "T", a hold,
// a ramp down to 300 C at 5 C/min, a second hold, a jump to room.
TEST(AnnealProgram, TwoStageProgrammeFollowsItsSegments) {
  const AnnealStudySettings s = load_text(
      "p_two.toml",
      "[[anneal.segment]]\nto_C = \"T\"\nduration_s = 0\n[[anneal.segment]]\nhold_s = 600\n"
      "[[anneal.segment]]\nto_C = 300\nrate_C_per_min = 5\n[[anneal.segment]]\nhold_s = 1200\n"
      "[[anneal.segment]]\nto_C = 25\nduration_s = 0\n");
  EXPECT_EQ(s.hold_s, 600.0);  // the time at "T" only
  const AnnealSchedule sch = anneal_schedule_for(s, 600);
  ASSERT_EQ(sch.segments().size(), 3u);  // the jumps take no time
  EXPECT_DOUBLE_EQ(sch.total_time(), 600 + 300 / (5 / 60.0) + 1200);
  EXPECT_DOUBLE_EQ(sch.temperature_at(300), 873.15);
  EXPECT_DOUBLE_EQ(sch.temperature_at(600 + 1800), 573.15 + 150);
  EXPECT_DOUBLE_EQ(sch.temperature_at(600 + 3600 + 10), 573.15);
  // The slow cool-down adds diffusion: more leaves the film than in the plain hold.
  const AnnealStudyResult two = run_anneal_study(s);
  const AnnealStudyResult hold = run_anneal_study(load_text("p_hold.toml", "hold_s = 600\n"));
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_LT(two.cases[i].film_remaining_fraction, hold.cases[i].film_remaining_fraction);
    EXPECT_LT(two.cases[i].mass_balance_rel_error, 1e-9);
  }
}

// Profiles against time: one snapshot at the end of each segment, the last
// the final profile; profile_times_s adds snapshots inside segments at the
// right times and temperatures, and the amount left in the film only falls.
TEST(AnnealProgram, ProfilesAgainstTime) {
  const AnnealStudySettings plain =
      load_text("t_plain.toml", "hold_s = 3600\nramp_C_per_min = 20\n");
  const AnnealStudyResult a = run_anneal_study(plain);
  ASSERT_EQ(a.cases[1].snapshots.size(), 3u);  // ramp, hold, cool
  EXPECT_EQ(a.cases[1].snapshots.back().c, a.cases[1].c);
  EXPECT_DOUBLE_EQ(a.cases[1].snapshots[1].time_s, 575.0 / 20 * 60 + 3600);
  EXPECT_DOUBLE_EQ(a.cases[1].snapshots[0].temperature_C, 600.0);

  const AnnealStudySettings timed = load_text(
      "t_timed.toml", "hold_s = 3600\nramp_C_per_min = 20\nprofile_times_s = [2600, 1000]\n");
  const AnnealStudyResult b = run_anneal_study(timed);
  const auto& snaps = b.cases[1].snapshots;
  ASSERT_EQ(snaps.size(), 5u);
  EXPECT_DOUBLE_EQ(snaps[0].time_s, 1000.0);
  EXPECT_NEAR(snaps[0].temperature_C, 25 + 1000 * 20 / 60.0, 1e-9);  // on the ramp
  EXPECT_DOUBLE_EQ(snaps[2].time_s, 2600.0);
  EXPECT_NEAR(snaps[2].temperature_C, 600.0, 1e-9);  // in the hold
  for (size_t i = 1; i < snaps.size(); ++i)
    EXPECT_LE(snaps[i].film_remaining_fraction, snaps[i - 1].film_remaining_fraction);
  // Splitting a segment restarts its step ladder: the same physics to the
  // discretization error, not bit for bit (measured 4.6e-5; tolerance 5e-4).
  EXPECT_NEAR(snaps.back().film_remaining_fraction, a.cases[1].film_remaining_fraction, 5e-4);
}

TEST(AnnealProgram, SegmentErrorsNameTheirKey) {
  auto error_of = [](const std::string& anneal) -> std::string {
    try {
      load_text("p_bad.toml", anneal);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(
      error_of("[[anneal.segment]]\nto_C = 500\nrate_C_per_min = 5\n").rfind("anneal.segment:", 0),
      0u);
  EXPECT_EQ(
      error_of(
          "[[anneal.segment]]\nto_C = \"hot\"\nduration_s = 0\n[[anneal.segment]]\nhold_s = 5\n")
          .rfind("anneal.segment[0].to_C:", 0),
      0u);
  EXPECT_EQ(error_of("[[anneal.segment]]\nto_C = \"T\"\nrate_C_per_min = 5\nduration_s = 9\n"
                     "[[anneal.segment]]\nhold_s = 5\n")
                .rfind("anneal.segment[0].to_C:", 0),
            0u);
  EXPECT_EQ(error_of("hold_s = 5\n[[anneal.segment]]\nto_C = \"T\"\nduration_s = 0\n"
                     "[[anneal.segment]]\nhold_s = 5\n")
                .rfind("anneal.hold_s:", 0),
            0u);
  EXPECT_EQ(
      error_of("[[anneal.segment]]\nhold_s = 5\nto_C = 3\n").rfind("anneal.segment[0].to_C:", 0),
      0u);
}

}  // namespace
}  // namespace coatkmc
