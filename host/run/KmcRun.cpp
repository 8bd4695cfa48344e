#include "host/run/KmcRun.hpp"

#include "host/io/ResultWriter.hpp"
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
