// Interrupted runs (SIGINT, SIGTERM, kill -9 at random moments) never leave a
// result.json that looks complete, and never one beside another run's files:
// whatever is on disk afterwards is either the earlier run's results untouched
// or this run's complete ones.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "CommandRunner.hpp"
#include "SpawnedRun.hpp"

using namespace coatkmc_test;

namespace {

// A few tenths of a second of bkl in a Release build (13,824 sites, 6,912 ions).
const char* kConfig = R"([lattice]
type  = "sc"
cells = [24, 24, 24]
[occupancy]
fraction = 0.5
[run]
hops_per_particle = 60
blocks = 4
msd_samples = 20
)";

const char* kOldResult = "{\"an_earlier_run\": true}\n";
const char* kOldMsd = "an earlier run's msd.csv\n";

// The fields that depend on the trajectory only (not on wall time or host).
const char* kPhysics[] = {"D_tracer", "D_jump", "haven_ratio", "correlation_factor", "hops",
                          "attempts", "particles", "sites", "simulated_time", "seed"};

using Clock = std::chrono::steady_clock;

ino_t inode_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST(InterruptedRuns, LeaveEitherTheEarlierResultsOrTheirOwnCompleteOnes) {
  ScratchDir dir;
  const std::string cfg = dir / "run.toml";
  std::ofstream(cfg) << kConfig;

  // The uninterrupted run, and how long it takes from start to exit.
  const auto t0 = Clock::now();
  // --no-plots: the claim is about the results; msd.png comes after them and
  // would only stretch the time over which the kills are drawn.
  SpawnedRun whole({"run", cfg, "--out", "reference", "--no-plots"}, dir.path());
  ASSERT_EQ(whole.wait(), 0);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const nlohmann::json reference = nlohmann::json::parse(read_text(dir / "reference/result.json"));
  const std::string reference_msd = read_text(dir / "reference/msd.csv");

  // Each run replaces an earlier run's results (--force) and is killed either
  // at a moment drawn uniformly over its duration, or while it writes its
  // results: once its new msd.csv is there, after a further 0-1 ms. Fixed
  // draws; the claim must hold wherever a kill lands.
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> anywhere(0.0, 1.0), after_msd(0.0, 1e-3);
  int trials = 0, early_trials = 0, early_interrupted = 0, between_writes = 0;
  for (int sig : {SIGINT, SIGTERM, SIGKILL}) {
    for (int k = 0; k < 5; ++k) {
      const bool at_write = k >= 2;
      const std::string out = "killed-" + std::to_string(trials++);
      std::filesystem::create_directories(dir / out);
      std::ofstream(dir / (out + "/result.json")) << kOldResult;
      std::ofstream(dir / (out + "/msd.csv")) << kOldMsd;
      const std::string result_path = dir / (out + "/result.json");
      const std::string msd_path = dir / (out + "/msd.csv");
      const ino_t old_msd = inode_of(msd_path);

      SpawnedRun run({"run", cfg, "--out", out, "--force", "--no-plots"}, dir.path());
      std::string what = "signal " + std::to_string(sig);
      if (at_write) {
        const auto give_up = Clock::now() + std::chrono::duration<double>(10 * seconds + 5);
        ino_t now = old_msd;
        while ((now = inode_of(msd_path)) == 0 || now == old_msd) {
          if (Clock::now() > give_up) break;
          std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
        const double delay = after_msd(rng);
        std::this_thread::sleep_for(std::chrono::duration<double>(delay));
        what += " " + std::to_string(delay * 1e3) + " ms after the new msd.csv, " + out;
      } else {
        const double at = anywhere(rng) * seconds;
        std::this_thread::sleep_for(std::chrono::duration<double>(at));
        what += " at " + std::to_string(at) + " s of " + std::to_string(seconds) + " s, " + out;
      }
      run.signal(sig);
      const int status = run.wait();
      const bool completed = WIFEXITED(status) && WEXITSTATUS(status) == 0;

      const std::string msd = read_text(msd_path);
      const std::string text = file_exists(result_path) ? read_text(result_path) : "";
      const bool own_msd = file_exists(msd_path) && msd != kOldMsd;
      if (!at_write) ++early_trials;
      if (text.empty() || text == kOldResult) {
        // No result.json, or the earlier run's whole: the run did not finish.
        if (!at_write) ++early_interrupted;
        if (own_msd) ++between_writes;
        EXPECT_FALSE(completed) << what << ": a run that ended well left no result.json of its own";
        if (text == kOldResult)
          EXPECT_EQ(msd, kOldMsd) << what << ": the earlier result.json beside another msd.csv";
        continue;
      }
      // Otherwise it is this run's and complete: the trajectory of the
      // uninterrupted run, with its msd.csv beside it.
      nlohmann::json j;
      ASSERT_NO_THROW(j = nlohmann::json::parse(text)) << what << ": a partial result.json";
      for (const char* key : kPhysics) EXPECT_EQ(j[key], reference[key]) << what << " " << key;
      EXPECT_EQ(msd, reference_msd) << what << ": result.json beside another msd.csv";
    }
  }
  std::printf("  %d kills of a %.2f s run: %d of %d at random moments interrupted it, %d landed "
              "between its msd.csv and its result.json\n",
              trials, seconds, early_interrupted, early_trials, between_writes);
  // The claim is about interrupted runs: kills at random moments must mostly interrupt.
  EXPECT_GE(early_interrupted, early_trials / 2);
}

}  // namespace
