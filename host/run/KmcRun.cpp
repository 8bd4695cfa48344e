#include "host/run/KmcRun.hpp"

#include <cstdio>

#include "host/io/ResultWriter.hpp"
#include "host/io/TrajectoryWriter.hpp"
#include "host/run/RunMemory.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

RunPlan plan_configured_run(const LoadedConfig& config, int threads, const RunKeeping& keeping) {
  SimulationSettings settings = config.settings;
  settings.threads = threads;
  MemoryBudget available;
  available.host = usable_memory_bytes();
  RunPlan plan = plan_run(std::move(settings), available, keeping);
  // The GPU is asked for its free memory only when the plan takes it.
  if (plan.ok() && plan.backend == BackendKind::Cuda) {
    available.device = free_device_memory_bytes();
    if (auto p = memory_problem(plan.settings, plan.solver, plan.backend, available, keeping))
      plan.problems.push_back(std::move(*p));
  }
  if (!plan.ok()) {
    const PlanProblem& p = plan.problems.front();
    throw InputError(config.where(p.key), p.message);
  }
  // The ion trajectory's file, like memory, is sized before the run.
  const SimulationSettings& s = plan.settings;
  if (s.trajectory_samples > 0) {
    if (s.trajectory_format == "h5md" && !COATKMC_HAVE_HDF5)
      throw InputError(config.where("run.trajectory_format"),
                       "run.trajectory_format: \"h5md\" needs a build with HDF5 (apt-get install "
                       "libhdf5-dev, then rebuild); \"extxyz\" needs nothing");
    const double bytes = trajectory_bytes(s, plan.ions);
    if (bytes > kTrajectoryLimitBytes) {
      char what[256];
      std::snprintf(what, sizeof what,
                    "the trajectory would take about %.3g GB, over the %.3g GB limit (%d frames x "
                    "%lld ions x %d replicas): fewer samples, replicas or ions%s",
                    bytes / 1e9, kTrajectoryLimitBytes / 1e9, s.trajectory_samples + 1,
                    static_cast<long long>(plan.ions), s.replicas,
                    s.trajectory_format == "h5md" ? "" : ", or run.trajectory_format = \"h5md\"");
      throw InputError(config.where("run.trajectory_samples"),
                       std::string("run.trajectory_samples: ") + what);
    }
  }
  return plan;
}

KmcRun run_configured(const LoadedConfig& config, int threads, const RunProvenance& provenance,
                      const ProgressCallback& progress) {
  const RunKeeping keeping{false, false, false};
  const RunPlan plan = plan_configured_run(config, threads, keeping);
  KmcRun r;
  RunState run;
  r.outcome = run_simulation(plan, run, RunControl{}, progress);
  r.estimates = estimate_transport(r.outcome, plan.settings.hop.temperature, plan.settings.hop.field);
  r.result = make_result_json(config, r.outcome, r.estimates, provenance);
  return r;
}

}  // namespace coatkmc
