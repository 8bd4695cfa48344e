#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/analysis/TransportEstimates.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/Provenance.hpp"
#include "kmc/simulation/RunPlan.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

// The one validated way into the engine: `coatkmc run`, the sweep tasks and
// the models' inline kMC runs all go through here. A configuration is read by
// load_config (every key checked, FILE:LINE errors), planned by plan_run on
// this machine (its memory), and each problem of the plan becomes an
// InputError at the line (or --set) of the key it names.

// The plan of `config` run on `threads` threads; throws InputError for a
// problem, CannotProceed for a backend this machine does not have.
RunPlan plan_configured_run(const LoadedConfig& config, int threads, const RunKeeping& keeping);

// A run that does not checkpoint, carried out: its outcome, the transport
// estimates and result.json.
struct KmcRun {
  SimulationOutcome outcome;
  TransportEstimates estimates;
  nlohmann::json result;
};
KmcRun run_configured(const LoadedConfig& config, int threads, const RunProvenance& provenance,
                      const ProgressCallback& progress = {});

}  // namespace coatkmc
