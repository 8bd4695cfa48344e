// Sweeps: --vary lists and --replicas become a task table; tasks run here
// (child processes), `collect` gathers them, fits Arrhenius, lists failed and
// missing tasks and runs only those again. The Slurm job array and MPI ranks
// are tested against a real Slurm and a real mpirun in tests/scripts/.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "CommandRunner.hpp"
#include "host/sweep/SlurmScript.hpp"
#include "host/sweep/TaskTable.hpp"
#include "kernels/HopEnergy.hpp"
#include "kmc/core/Error.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

TEST(TaskTable, VaryValuesSplitAtTopLevelCommasOnly) {
  const VaryAxis a = parse_vary("lattice.cells=[8,8,8], [16,16,16]");
  EXPECT_EQ(a.key, "lattice.cells");
  EXPECT_EQ(a.values, (std::vector<std::string>{"[8,8,8]", "[16,16,16]"}));
  const VaryAxis b = parse_vary("run.solver=\"bkl\",'walk,ers'");
  EXPECT_EQ(b.values, (std::vector<std::string>{"\"bkl\"", "'walk,ers'"}));
  EXPECT_EQ(parse_vary("run.temperature=300").values.size(), 1u);
  for (const char* bad :
       {"run.temperature", "=1,2", "run.temperature=1,,2", "x=[1,2", "run.temperature=1,"})
    EXPECT_THROW(parse_vary(bad), InputError) << bad;
}

TEST(TaskTable, CartesianProductWithReplicasAndSeeds) {
  const std::vector<VaryAxis> axes = {parse_vary("run.temperature=300,400"),
                                      parse_vary("occupancy.fraction=0.25,0.5,0.75")};
  const TaskTable t = expand_tasks(axes, 2, 100);
  ASSERT_EQ(t.tasks.size(), 12u);
  // The last axis varies fastest; replicas of a point are neighbours.
  EXPECT_EQ(t.tasks[0].values, (std::vector<std::string>{"300", "0.25"}));
  EXPECT_EQ(t.tasks[1].values, (std::vector<std::string>{"300", "0.25"}));
  EXPECT_EQ(t.tasks[1].replica, 1);
  EXPECT_EQ(t.tasks[2].values, (std::vector<std::string>{"300", "0.5"}));
  EXPECT_EQ(t.tasks[11].values, (std::vector<std::string>{"400", "0.75"}));
  for (const SweepTask& x : t.tasks) EXPECT_EQ(x.seed, 100u + x.index);
  EXPECT_EQ(t.tasks[11].dir, "011");
  EXPECT_EQ(
      t.overrides(t.tasks[5]),
      (std::vector<std::string>{"run.temperature=300", "occupancy.fraction=0.75", "run.seed=105"}));
  // A varied seed is used as given, plus the replica index.
  const TaskTable s = expand_tasks({parse_vary("run.seed=7,20")}, 2, 100);
  EXPECT_EQ(s.tasks[1].seed, 8u);
  EXPECT_EQ(s.tasks[2].seed, 20u);
  EXPECT_THROW(expand_tasks({parse_vary("run.seed=x")}, 1, 1), InputError);
  EXPECT_THROW(expand_tasks({parse_vary("a.b=1"), parse_vary("a.b=2")}, 1, 1), InputError);
}

TEST(TaskTable, CsvRoundTripAndMalformedTablesNameTheLine) {
  ScratchDir dir;
  const TaskTable t = expand_tasks(
      {parse_vary("lattice.cells=[8,8,8],[6,6,6]"), parse_vary("run.solver=\"bkl\",\"sub\"\"q\"")},
      1, 1);
  std::ofstream(dir / "tasks.csv") << task_table_csv(t);
  const TaskTable back = read_task_table(dir / "tasks.csv");
  EXPECT_EQ(back.keys, t.keys);
  ASSERT_EQ(back.tasks.size(), t.tasks.size());
  for (size_t i = 0; i < t.tasks.size(); ++i) {
    EXPECT_EQ(back.tasks[i].values, t.tasks[i].values);
    EXPECT_EQ(back.tasks[i].seed, t.tasks[i].seed);
    EXPECT_EQ(back.tasks[i].dir, t.tasks[i].dir);
  }
  struct Bad {
    std::string text, says;
  };
  for (const Bad& b :
       std::vector<Bad>{{"", "empty task table"},
                        {"a,b\n", ":1: not a task table"},
                        {"task,dir,replica,seed\n0,000,0,1\n2,002,0,1\n", ":3: task numbers"},
                        {"task,dir,replica,seed,k\n0,000,0,1\n", ":2: 4 fields"},
                        {"task,dir,replica,seed\n0,../x,0,1\n", ":2: task folder"},
                        {"task,dir,replica,seed\n0,000,0,-1\n", ":2: seed"},
                        {"task,dir,replica,seed\n0,\"000,0,1\n", ":2: malformed CSV"}}) {
    std::ofstream(dir / "bad.csv") << b.text;
    try {
      read_task_table(dir / "bad.csv");
      ADD_FAILURE() << "accepted: " << b.text;
    } catch (const InputError& e) {
      EXPECT_NE((e.where() + ": " + e.what()).find(b.says), std::string::npos)
          << e.where() << ": " << e.what();
    }
  }
}

TEST(SlurmScript, OneArrayTaskPerRowAndAGpuWhenTheBackendIsCuda) {
  SlurmJob job;
  job.sweep_dir = "/data/s";
  job.binary = "/opt/coatkmc";
  job.tasks = 12;
  job.threads = 4;
  const std::string cpu = slurm_job_script(job);
  EXPECT_NE(cpu.find("#SBATCH --array=0-11\n"), std::string::npos) << cpu;
  EXPECT_NE(cpu.find("#SBATCH --cpus-per-task=4\n"), std::string::npos);
  EXPECT_NE(cpu.find("#SBATCH --output=/data/s/logs/%a.log\n"), std::string::npos);
  EXPECT_NE(cpu.find("#SBATCH --signal=B:USR1@120\n"), std::string::npos);
  EXPECT_NE(cpu.find("exec '/opt/coatkmc' task '/data/s' \"${SLURM_ARRAY_TASK_ID"),
            std::string::npos);
  EXPECT_EQ(cpu.find("--gres"), std::string::npos);
  job.gpu = true;
  job.extra = {"--time=01:00:00"};
  const std::string gpu = slurm_job_script(job);
  EXPECT_NE(gpu.find("#SBATCH --gres=gpu:1\n"), std::string::npos);
  EXPECT_NE(gpu.find("#SBATCH --time=01:00:00\n"), std::string::npos);
  EXPECT_EQ(array_list({0, 1, 2, 5, 7, 8}), "0-2,5,7-8");
}

// ---- through the executable ------------------------------------------------------

// Independent walkers on sc (a = 3.9 Å, z = 6): D = z nu exp(-Eb/kT) l^2 / 6
// exactly, so an Arrhenius fit must find Eb and D0 = nu l^2.
const char* kWalkers = R"([lattice]
type  = "sc"
cells = [12, 12, 12]
a     = 3.9
[occupancy]
fraction = 0.5
[hop]
barrier = 0.30
attempt_frequency = 1e13
[run]
solver = "walkers"
backend = "cpu"
hops_per_particle = 100
blocks = 10
msd_samples = 4
)";

nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_text(path));
}

TEST(SweepCli, LocalSweepCollectsTasksAndRecoversTheArrheniusBarrier) {
  ScratchDir dir;
  std::ofstream(dir / "w.toml") << kWalkers;
  const CommandResult r =
      run_coatkmc({"sweep", "w.toml", "--vary", "run.temperature=400,500,650,800", "--replicas",
                   "2", "--out", "s", "--jobs", "2"},
                  dir.path());
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const TaskTable table = read_task_table(dir / "s/tasks.csv");
  ASSERT_EQ(table.tasks.size(), 8u);
  for (const SweepTask& t : table.tasks) {
    const nlohmann::json res = read_json(dir / ("s/" + t.dir + "/result.json"));
    EXPECT_EQ(res["temperature"].get<double>(), std::stod(t.values[0]));
    EXPECT_EQ(res["seed"], t.seed);
    EXPECT_EQ(res["provenance"]["sweep_task"], t.index);
    EXPECT_EQ(res["provenance"]["sweep_replica"], t.replica);
  }

  const CommandResult c = run_coatkmc({"collect", "s"}, dir.path());
  ASSERT_EQ(c.status, 0) << c.err;
  const nlohmann::json s = read_json(dir / "s/sweep.json");
  EXPECT_EQ(s["complete"], true);
  EXPECT_EQ(s["tasks_done"], 8);
  ASSERT_EQ(s["points"].size(), 4u);
  EXPECT_EQ(s["points"][0]["replicas"], 2);
  const std::string csv = read_text(dir / "s/sweep.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 9);  // header + 8 tasks
  ASSERT_EQ(s["arrhenius"].size(), 2u);
  const nlohmann::json fit = s["arrhenius"][0];
  ASSERT_EQ(fit["quantity"], "D_tracer");
  ASSERT_FALSE(fit.contains("error")) << fit.dump();
  // 864 walkers, 100 hops each, two tasks per temperature: D to ~2% (the
  // spread of |R|^2 over the walkers), Ea to ~0.002 eV. Both within 5
  // standard errors of the exact values.
  const double ea = fit["activation_energy_eV"], ea_err = fit["activation_energy_err"];
  const double d0 = fit["prefactor"], d0_err = fit["prefactor_err"];
  const double d0_exact = 1e13 * std::pow(3.9e-8, 2);  // z nu l^2 / (2 d), z = 2 d
  std::printf("  Ea = %.5f +- %.5f eV (0.3), D0 = %.5g +- %.2g cm^2/s (%.5g)\n", ea, ea_err, d0,
              d0_err, d0_exact);
  EXPECT_GT(ea_err, 0);
  EXPECT_LT(ea_err, 0.01);
  EXPECT_NEAR(ea, 0.30, 5 * ea_err);
  EXPECT_NEAR(d0, d0_exact, 5 * d0_err);
}

const char* kTiny = R"([lattice]
type  = "sc"
cells = [6, 6, 6]
[occupancy]
fraction = 0.5
[run]
hops_per_particle = 3
blocks = 2
msd_samples = 2
)";

TEST(SweepCli, CollectListsFailedAndMissingTasksAndResubmitRunsOnlyThose) {
  namespace fs = std::filesystem;
  ScratchDir dir;
  std::ofstream(dir / "t.toml") << kTiny;
  ASSERT_EQ(run_coatkmc({"sweep", "t.toml", "--vary", "run.temperature=300,400,500", "--out", "s"},
                        dir.path())
                .status,
            0);
  // Task 1 lost its results; task 2 failed (a status left by `coatkmc task`).
  fs::remove(dir / "s/001/result.json");
  fs::remove(dir / "s/002/result.json");
  std::ofstream(dir / "s/002/task.json") << R"({"task": 2, "status": 3, "error": "no GPU"})";
  const auto untouched = fs::last_write_time(dir / "s/000/result.json");

  const CommandResult c = run_coatkmc({"collect", "s"}, dir.path());
  ASSERT_EQ(c.status, 0) << c.err;
  nlohmann::json s = read_json(dir / "s/sweep.json");
  EXPECT_EQ(s["complete"], false);
  ASSERT_EQ(s["missing"].size(), 1u);
  EXPECT_EQ(s["missing"][0]["task"], 1);
  ASSERT_EQ(s["failed"].size(), 1u);
  EXPECT_EQ(s["failed"][0]["task"], 2);
  EXPECT_EQ(s["failed"][0]["error"], "no GPU");
  EXPECT_NE(c.out.find("missing: task 1"), std::string::npos) << c.out;

  const CommandResult re = run_coatkmc({"collect", "s", "--resubmit"}, dir.path());
  ASSERT_EQ(re.status, 0) << re.out << re.err;
  EXPECT_NE(re.out.find("running 2 task(s) here: 1-2"), std::string::npos) << re.out;
  EXPECT_EQ(fs::last_write_time(dir / "s/000/result.json"), untouched);
  ASSERT_EQ(run_coatkmc({"collect", "s"}, dir.path()).status, 0);
  s = read_json(dir / "s/sweep.json");
  EXPECT_EQ(s["complete"], true);
  EXPECT_EQ(s["tasks_done"], 3);
}

TEST(SweepCli, BadSweepsAreOneLineErrorsBeforeAnythingIsWritten) {
  ScratchDir dir;
  std::ofstream(dir / "t.toml") << kTiny;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"sweep", "t.toml", "--vary", "run.temperature=300,-5", "--out", "s"}, "run.temperature"},
      {{"sweep", "t.toml", "--vary", "run.temprature=300", "--out", "s"}, "run.temprature"},
      {{"sweep", "t.toml", "--vary", "run.temperature", "--out", "s"}, "--vary"},
      {{"sweep", "t.toml", "--replicas", "0", "--out", "s"}, "--replicas"},
      {{"sweep", "t.toml", "--submit", "--out", "s"}, "--submit"},
      {{"collect", "nowhere"}, "nowhere: no such folder"},
      {{"collect", "."}, "neither a sweep"},
      {{"task", ".", "0"}, "tasks.csv: cannot open the task table"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_coatkmc(c.args, dir.path());
    EXPECT_EQ(r.status, 2) << c.says << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_FALSE(file_exists(dir / "s"));
  }
  ASSERT_EQ(run_coatkmc({"sweep", "t.toml", "--out", "s", "--slurm"}, dir.path()).status, 0);
  EXPECT_TRUE(file_exists(dir / "s/job.sbatch"));
  EXPECT_FALSE(file_exists(dir / "s/000"));  // --slurm writes the job, runs nothing here
  const CommandResult again = run_coatkmc({"sweep", "t.toml", "--out", "s"}, dir.path());
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find("already holds a sweep"), std::string::npos) << again.err;
}

// Files named by relative paths in a configuration (lattice.file,
// lattice.site_map, environment.coefficients) start from the configuration's
// folder; a sweep writes the configuration anew into its own folder
// (sweep.toml), from where every task reads it: the tasks must still find the
// files, locally, as a Slurm array task started from another folder, and with
// a --vary of a file (relative to the working directory, like --set). The
// shipped configurations are run from outside configs/.
TEST(SweepCli, RelativeFilePathsOfTheConfigurationReachEveryTask) {
  namespace fs = std::filesystem;
  ScratchDir dir;
  const std::string configs = std::string(COATKMC_SOURCE_DIR) + "/configs";
  const std::string licoo2 = configs + "/licoo2_from_cif.toml";  // file = "structures/LiCoO2.cif"
  const std::string short_run = "run.hops_per_particle=2";
  CommandResult r = run_coatkmc(
      {"sweep", licoo2, "--vary", "run.temperature=298,350", "--set", short_run, "--out", "s1"},
      dir.path());
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  // Task 0 is the configuration itself (temperature 298, the base seed): the
  // same msd.csv as a plain run of it.
  r = run_coatkmc({"run", licoo2, "--set", short_run, "--out", "plain", "--no-plots"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_text(dir / "s1/000/msd.csv"), read_text(dir / "plain/msd.csv"));
  EXPECT_TRUE(file_exists(dir / "s1/001/result.json"));

  // environment.coefficients = "environment/llto_a_site_neb.json".
  r = run_coatkmc({"sweep", configs + "/llto_a_site_environment.toml", "--vary",
                   "run.temperature=600", "--set", "lattice.cells=[4,4,4]", "--set",
                   "run.hops_per_particle=1", "--set", "run.replicas=1", "--out", "s2"},
                  dir.path());
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(file_exists(dir / "s2/000/result.json"));

  // lattice.file and lattice.site_map relative to a configuration in cfg/;
  // the Slurm array's task command run from another folder.
  fs::create_directories(dir / "cfg");
  fs::create_directories(dir / "elsewhere");
  fs::copy_file(configs + "/structures/LiCoO2.cif", dir / "cfg/LiCoO2.cif");
  fs::copy_file(configs + "/structures/LiCoO2.cif", dir / "cfg/copy.cif");
  const std::string lattice =
      "[lattice]\ntype = \"file\"\nfile = \"LiCoO2.cif\"\nmobile = [\"Li\"]\ncells = [4, 4, 2]\n";
  const std::string rest = "[occupancy]\nfraction = 0.5\n[run]\nhops_per_particle = 2\n";
  std::ofstream(dir / "cfg/c.toml") << lattice << rest;
  std::ofstream(dir / "cfg/m.toml") << lattice << "site_map = \"st/site_map.txt\"\n" << rest;
  ASSERT_EQ(run_coatkmc({"structure", "cfg/c.toml", "--out", "cfg/st"}, dir.path()).status, 0);
  r = run_coatkmc({"sweep", "cfg/m.toml", "--slurm", "--out", "s3"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_coatkmc({"task", dir / "s3", "0"}, dir / "elsewhere");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("from this site map"), std::string::npos) << r.err;
  r = run_coatkmc({"run", "cfg/c.toml", "--out", "plain_c", "--no-plots"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_text(dir / "s3/000/msd.csv"), read_text(dir / "plain_c/msd.csv"));

  // --vary of a file: from the working directory, written absolute into tasks.csv.
  r = run_coatkmc({"sweep", "cfg/c.toml", "--vary", "lattice.file=\"cfg/LiCoO2.cif\",'cfg/copy.cif'",
                   "--slurm", "--out", "s4"},
                  dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const TaskTable table = read_task_table(dir / "s4/tasks.csv");
  ASSERT_EQ(table.tasks.size(), 2u);
  EXPECT_EQ(table.tasks[1].values[0], "'" + fs::path(dir / "cfg/copy.cif").lexically_normal().string() + "'");
  for (const char* id : {"0", "1"}) {
    r = run_coatkmc({"task", dir / "s4", id}, dir / "elsewhere");
    EXPECT_EQ(r.status, 0) << id << ": " << r.out << r.err;
  }
}

}  // namespace
