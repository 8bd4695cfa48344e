// The command line through the built executable: version, help, exit
// statuses, --print-config, --set/--seed/--backend, and the files a run writes.
#include <gtest/gtest.h>

#include <toml++/toml.h>
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "CommandRunner.hpp"
#include "host/run/RunMemory.hpp"
#include "host/io/BuildInfo.hpp"
#include "kmc/backend/Backend.hpp"

using namespace coatkmc_test;

namespace {

// A run of a few milliseconds: 216 sites, 108 ions, 3 hops per ion.
const char* kSmallConfig = R"(# small run for the command-line tests
[lattice]
type  = "sc"
cells = [6, 6, 6]
a     = 3.9

[occupancy]
fraction = 0.5

[run]
temperature       = 300
hops_per_particle = 3
blocks            = 4
msd_samples       = 5
)";

std::string write_config(const ScratchDir& dir, const std::string& text = kSmallConfig) {
  const std::string path = dir / "small.toml";
  std::ofstream(path) << text;
  return path;
}

int lines_of(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_text(path));
}

TEST(Cli, VersionPrintsVersionAndGitSha) {
  ScratchDir dir;
  const CommandResult r = run_coatkmc({"--version"}, dir.path());
  EXPECT_EQ(r.status, 0);
  const coatkmc::BuildInfo& b = coatkmc::build_info();
  ASSERT_FALSE(b.version.empty());
  ASSERT_FALSE(b.git_sha.empty());
  EXPECT_NE(r.out.find("coatkmc " + b.version), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("git " + b.git_sha), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(Cli, HelpExitsZero) {
  ScratchDir dir;
  CommandResult r = run_coatkmc({"--help"}, dir.path());
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("usage"), std::string::npos);
  EXPECT_NE(r.out.find("run CONFIG.toml"), std::string::npos);
  r = run_coatkmc({"run", "--help"}, dir.path());
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--set"), std::string::npos);
  EXPECT_NE(r.out.find("--print-config"), std::string::npos);
}

TEST(Cli, UnknownCommandOrNoneExitsTwoWithOneLine) {
  ScratchDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"frobnicate"}, std::vector<std::string>{}}) {
    const CommandResult r = run_coatkmc(args, dir.path());
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(lines_of(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("coatkmc: error: ", 0), 0u) << r.err;
    if (!args.empty()) EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  }
}

TEST(Cli, PrintConfigShowsTheResolvedTomlWithDefaults) {
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  const CommandResult r =
      run_coatkmc({"run", cfg, "--print-config", "--set", "hop.barrier=0.25"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  toml::table t;
  ASSERT_NO_THROW(t = toml::parse(r.out)) << r.out;
  // Given in the file:
  EXPECT_EQ(t.at_path("lattice.type").value<std::string>(), "sc");
  EXPECT_EQ(t.at_path("run.blocks").value<int64_t>(), 4);
  // Given with --set:
  EXPECT_EQ(t.at_path("hop.barrier").value<double>(), 0.25);
  // Defaults filled in (SPEC: attempt frequency 1e13 Hz, solver and backend auto, seed 1):
  EXPECT_EQ(t.at_path("hop.attempt_frequency").value<double>(), 1e13);
  EXPECT_EQ(t.at_path("run.solver").value<std::string>(), "auto");
  EXPECT_EQ(t.at_path("run.backend").value<std::string>(), "auto");
  EXPECT_EQ(t.at_path("run.seed").value<int64_t>(), 1);
  ASSERT_TRUE(t.at_path("run.field").is_array());
  EXPECT_EQ(t.at_path("run.field").as_array()->size(), 3u);
  EXPECT_TRUE(t.at_path("hop.interaction").is_number());
  // It only prints.
  EXPECT_FALSE(file_exists(dir / "result.json"));
  // The printed configuration is itself a valid input that resolves to the same.
  const std::string again = dir / "again.toml";
  std::ofstream(again) << r.out;
  const CommandResult r2 = run_coatkmc({"run", again, "--print-config"}, dir.path());
  ASSERT_EQ(r2.status, 0) << r2.err;
  EXPECT_EQ(r2.out, r.out);
}

// The result.json keys of SPEC's table.
const char* kSpecKeys[] = {"D_tracer",
                           "D_tracer_err",
                           "D_jump",
                           "D_jump_err",
                           "haven_ratio",
                           "conductivity",
                           "correlation_factor",
                           "drift_velocity",
                           "conductivity_field",
                           "hops",
                           "attempts",
                           "particles",
                           "sites",
                           "simulated_time",
                           "wall_time",
                           "hops_per_second",
                           "temperature",
                           "seed",
                           "solver",
                           "backend",
                           "device",
                           "version",
                           "config"};

TEST(Cli, RunWritesResultJsonWithEverySpecFieldAndMsdCsv) {
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  const CommandResult r = run_coatkmc({"run", cfg, "--out", "out/nested"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const nlohmann::json j = read_json(dir / "out/nested/result.json");
  for (const char* key : kSpecKeys) EXPECT_TRUE(j.contains(key)) << "missing " << key;
  // What ran, as configured: 6^3 sites, half filled, 3 hops per ion.
  EXPECT_EQ(j["sites"], 216);
  EXPECT_EQ(j["particles"], 108);
  EXPECT_EQ(j["hops"], 3 * 108);
  EXPECT_GE(j["attempts"].get<double>(), j["hops"].get<double>());
  EXPECT_EQ(j["temperature"], 300.0);
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["solver"], "bkl");
  EXPECT_EQ(j["backend"], "cpu");
  EXPECT_EQ(j["version"], coatkmc::build_info().version);
  EXPECT_EQ(j["config"]["lattice"]["cells"], nlohmann::json({6, 6, 6}));
  EXPECT_EQ(j["config"]["run"]["hops_per_particle"], 3);
  EXPECT_EQ(j["drift_velocity"].size(), 3u);
  EXPECT_TRUE(j["conductivity_field"].is_null());  // no field was set
  EXPECT_GT(j["D_tracer"].get<double>(), 0.0);
  EXPECT_GT(j["simulated_time"].get<double>(), 0.0);
  EXPECT_NEAR(j["haven_ratio"].get<double>(),
              j["D_tracer"].get<double>() / j["D_jump"].get<double>(),
              1e-12 * j["haven_ratio"].get<double>());

  // msd.csv: a header and one row per sample (plus the start).
  const std::string csv = read_text(dir / "out/nested/msd.csv");
  std::istringstream rows(csv);
  std::string header;
  std::getline(rows, header);
  EXPECT_EQ(header.rfind("time_s,", 0), 0u) << header;
  EXPECT_GE(lines_of(csv), 1 + 5);
  // Nothing but the two results, the run's checkpoint (docs/checkpoints.md)
  // and its msd.png (docs/outputs.md) is left behind (no temporary files).
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "out/nested")) {
    ++files;
    EXPECT_TRUE(e.path().filename() == "result.json" || e.path().filename() == "msd.csv" ||
                e.path().filename() == "checkpoint.ckpt" || e.path().filename() == "msd.png")
        << e.path();
  }
  EXPECT_EQ(files, 4);
}

TEST(Cli, SetTemperatureChangesTheResult) {
  // The barrier is 0.3 eV: from 300 K to 600 K the hop rate grows by
  // exp(0.3 / kB (1/300 - 1/600)) ~ 330, so D_tracer must grow by far more
  // than its statistical error (a few tens of percent in this short run).
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "t300"}, dir.path()).status, 0);
  const CommandResult r =
      run_coatkmc({"run", cfg, "--out", "t600", "--set", "run.temperature=600"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json a = read_json(dir / "t300/result.json");
  const nlohmann::json b = read_json(dir / "t600/result.json");
  EXPECT_EQ(b["temperature"], 600.0);
  EXPECT_EQ(b["config"]["run"]["temperature"], 600);
  EXPECT_GT(b["D_tracer"].get<double>(), 30 * a["D_tracer"].get<double>());
}

TEST(Cli, SetReplacesTheKeyItExcludes) {
  // The file stops by hops per particle; --set run.time makes it a run by time.
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  const CommandResult r =
      run_coatkmc({"run", cfg, "--out", "out", "--set", "run.time=2e-10"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = read_json(dir / "out/result.json");
  EXPECT_FALSE(j["config"]["run"].contains("hops_per_particle"));
  EXPECT_EQ(j["config"]["run"]["time"], 2e-10);
  EXPECT_NEAR(j["simulated_time"].get<double>(), 2e-10, 1e-22);
}

TEST(Cli, SeedChangesTheTrajectoryAndTheSameSeedRepeatsIt) {
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  for (const char* seed : {"5", "6"}) {
    for (const char* copy : {"a", "b"}) {
      const CommandResult r = run_coatkmc(
          {"run", cfg, "--seed", seed, "--out", std::string("s") + seed + copy}, dir.path());
      ASSERT_EQ(r.status, 0) << r.err;
    }
  }
  EXPECT_EQ(read_json(dir / "s5a/result.json")["seed"], 5);
  EXPECT_EQ(read_json(dir / "s6a/result.json")["seed"], 6);
  EXPECT_EQ(read_text(dir / "s5a/msd.csv"), read_text(dir / "s5b/msd.csv"));
  EXPECT_EQ(read_text(dir / "s6a/msd.csv"), read_text(dir / "s6b/msd.csv"));
  EXPECT_NE(read_text(dir / "s5a/msd.csv"), read_text(dir / "s6a/msd.csv"));
}

TEST(Cli, ThreadCountDoesNotChangeTheResult) {
  // Replica r always uses random stream r, whichever thread runs it.
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  for (const char* threads : {"1", "2"}) {
    const CommandResult r = run_coatkmc({"run", cfg, "--set", "run.replicas=3", "--threads",
                                         threads, "--out", std::string("t") + threads},
                                        dir.path());
    ASSERT_EQ(r.status, 0) << r.err;
  }
  EXPECT_EQ(read_text(dir / "t1/msd.csv"), read_text(dir / "t2/msd.csv"));
  EXPECT_EQ(read_json(dir / "t1/result.json")["D_tracer"],
            read_json(dir / "t2/result.json")["D_tracer"]);
}

TEST(Cli, BackendCudaWithoutAGpuExitsThree) {
  if (coatkmc::backend_info().cuda_devices > 0)
    GTEST_SKIP() << "a CUDA device is present; this test is for machines without one";
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  const CommandResult r =
      run_coatkmc({"run", cfg, "--backend", "cuda", "--out", "out"}, dir.path());
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(lines_of(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("coatkmc: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("cuda"), std::string::npos) << r.err;
  EXPECT_FALSE(file_exists(dir / "out/result.json"));
}

TEST(Cli, RunTooBigForTheMachineExitsTwoBeforeAllocating) {
  // 1290^3 simple-cubic sites (just under 2^31) in 4 replicas side by side need
  // at least ~500 GB: refused at once as bad input naming the cells, not killed part way.
  if (coatkmc::usable_memory_bytes() > 1e12) GTEST_SKIP() << "this machine has over 1 TB of memory";
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  const CommandResult r =
      run_coatkmc({"run", cfg, "--out", "out", "--set", "lattice.cells=[1290,1290,1290]", "--set",
                   "run.replicas=4", "--threads", "4"},
                  dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines_of(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("coatkmc: error: --set lattice.cells=[1290,1290,1290]: lattice.cells: ", 0),
            0u)
      << r.err;
  EXPECT_NE(r.err.find("memory"), std::string::npos) << r.err;
  EXPECT_FALSE(file_exists(dir / "out"));
}

TEST(Cli, TooManyReplicasForTheMachineNameRunReplicas) {
  // One replica of 64^3 sites fits anywhere; 2^20 of them, each kept to the end
  // with its block marks, need tens of TB: the replicas are what is too many,
  // and the error points at the --set that asked for them (plan_run's typed
  // problem, not the text of an error read back).
  if (coatkmc::usable_memory_bytes() > 1e15) GTEST_SKIP() << "this machine has over 1 PB of memory";
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  const CommandResult r =
      run_coatkmc({"run", cfg, "--out", "out", "--set", "lattice.cells=[64,64,64]", "--set",
                   "run.replicas=1048576"},
                  dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines_of(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("coatkmc: error: --set run.replicas=1048576: run.replicas: ", 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find("fewer replicas"), std::string::npos) << r.err;
  EXPECT_FALSE(file_exists(dir / "out"));
}

TEST(Cli, RunIntoAFolderHoldingResultsRefusesUnlessForced) {
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "out"}, dir.path()).status, 0);
  const std::string first = read_text(dir / "out/result.json");

  CommandResult r = run_coatkmc({"run", cfg, "--out", "out", "--seed", "7"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines_of(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("coatkmc: error: --out: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(dir / "out/result.json"), first);  // untouched

  // msd.csv alone (a run killed before its result.json) is a result too.
  std::filesystem::create_directories(dir / "half");
  std::ofstream(dir / "half/msd.csv") << "time_s\n";
  EXPECT_EQ(run_coatkmc({"run", cfg, "--out", "half"}, dir.path()).status, 2);

  // --force replaces them, and the leftovers of a killed write go too.
  std::ofstream(dir / "out/result.json.tmp.12345") << "{";
  r = run_coatkmc({"run", cfg, "--out", "out", "--seed", "7", "--force"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_json(dir / "out/result.json")["seed"], 7);
  EXPECT_FALSE(file_exists(dir / "out/result.json.tmp.12345"));
  // Other files in the folder are not the run's to remove.
  std::ofstream(dir / "out/notes.txt") << "mine";
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "out", "--force"}, dir.path()).status, 0);
  EXPECT_EQ(read_text(dir / "out/notes.txt"), "mine");
}

TEST(Cli, TheCheckpointOfAnInterruptedRunIsKeptUnlessForcedOrContinued) {
  // An interrupted run leaves only its checkpoint: another run into that
  // folder would overwrite it, so it refuses; continuing that checkpoint there
  // (what coatkmc task does) is the same run and goes ahead.
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "cut"}, dir.path()).status, 0);
  ASSERT_TRUE(file_exists(dir / "cut/checkpoint.ckpt"));
  std::filesystem::remove(dir / "cut/result.json");
  std::filesystem::remove(dir / "cut/msd.csv");
  const std::string saved = read_text(dir / "cut/checkpoint.ckpt");

  CommandResult r = run_coatkmc({"run", cfg, "--out", "cut", "--seed", "9"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("checkpoint.ckpt"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(dir / "cut/checkpoint.ckpt"), saved);

  r = run_coatkmc({"run", "--restart", "cut/checkpoint.ckpt", "--out", "cut"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(file_exists(dir / "cut/result.json"));
  // Continuing it again would replace the results it now holds: that needs --force.
  EXPECT_EQ(run_coatkmc({"run", "--restart", "cut/checkpoint.ckpt", "--out", "cut"}, dir.path())
                .status,
            2);
}

TEST(Cli, UnusableOutputFolderOrConfigPathIsBadInput) {
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  std::ofstream(dir / "a_file") << "x";
  CommandResult r = run_coatkmc({"run", cfg, "--out", "a_file"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("coatkmc: error: --out: ", 0), 0u) << r.err;
  EXPECT_EQ(lines_of(r.err), 1) << r.err;

  r = run_coatkmc({"run", dir.path(), "--out", "out"}, dir.path());  // a directory as config
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("coatkmc: error: " + dir.path() + ": ", 0), 0u) << r.err;
  r = run_coatkmc({"run", dir / "missing.toml", "--out", "out"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines_of(r.err), 1) << r.err;
  r = run_coatkmc({"run", cfg, cfg, "--out", "out"}, dir.path());  // two configurations
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines_of(r.err), 1) << r.err;
  EXPECT_FALSE(file_exists(dir / "out/result.json"));
}

}  // namespace

// Issue 17: a configuration that asks for nothing is not a run of defaults.
TEST(Cli, EmptyOrLatticeLessConfigurationIsRefusedWithOneLine) {
  ScratchDir dir;
  const struct {
    const char* name;
    const char* text;
    const char* says;
  } cases[] = {
      {"empty.toml", "", ": the configuration is empty (zero bytes)"},
      {"blank.toml", "  \n\t\n", ": the configuration is empty (only whitespace)"},
      {"comments.toml", "# a copy that lost its tables\n", ": lattice: the configuration names no lattice"},
      {"run_only.toml", "[run]\nseed = 3\n", ": lattice: the configuration names no lattice"},
  };
  for (const auto& c : cases) {
    std::ofstream(dir / c.name) << c.text;
    for (const std::vector<std::string>& mode :
         {std::vector<std::string>{"--out", "out"}, std::vector<std::string>{"--print-config"}}) {
      std::vector<std::string> args = {"run", c.name};
      args.insert(args.end(), mode.begin(), mode.end());
      const CommandResult r = run_coatkmc(args, dir.path());
      EXPECT_EQ(r.status, 2) << c.name;
      EXPECT_EQ(lines_of(r.err), 1) << r.err;
      EXPECT_EQ(r.err.rfind(std::string("coatkmc: error: ") + c.name + c.says, 0), 0u) << r.err;
      EXPECT_EQ(r.out, "") << c.name;
      EXPECT_FALSE(file_exists(dir / "out"));
    }
  }
}

// run.checkpoint = "none": no checkpoint, nothing said about one; "end" says its size first.
TEST(Cli, CheckpointNoneWritesNoCheckpointAndEndSaysItsSize) {
  ScratchDir dir;
  const std::string cfg = write_config(dir);
  CommandResult r = run_coatkmc({"run", cfg, "--out", "none", "--set", "run.checkpoint=\"none\""},
                                dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(file_exists(dir / "none/result.json"));
  EXPECT_FALSE(file_exists(dir / "none/checkpoint.ckpt"));
  EXPECT_EQ(r.out.find("checkpoint:"), std::string::npos) << r.out;
  r = run_coatkmc({"run", cfg, "--out", "none2", "--set", "run.checkpoint=\"none\"",
                   "--checkpoint-every", "5"},
                  dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("coatkmc: error: --checkpoint-every: ", 0), 0u) << r.err;
  r = run_coatkmc({"run", cfg, "--out", "end"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(file_exists(dir / "end/checkpoint.ckpt"));
  EXPECT_EQ(r.out.rfind("checkpoint: about ", 0), 0u) << r.out;
}
