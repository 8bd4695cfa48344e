#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "host/analysis/TransportEstimates.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/Provenance.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

// result.json as SPEC defines it (plus provenance and error-model fields).
nlohmann::json make_result_json(const LoadedConfig& config, const SimulationOutcome& outcome,
                                const TransportEstimates& estimates, const RunProvenance& provenance);

// msd.csv: time and MSDs averaged over replicas at each sample instant.
std::string make_msd_csv(const SimulationOutcome& outcome);

// Writes result.json and msd.csv into `dir` atomically (msd.csv first, so a
// result.json on disk always has its msd.csv beside it).
void write_run_outputs(const std::string& dir, const nlohmann::json& result,
                       const std::string& msd_csv);

// A few human-readable lines for the terminal.
std::string format_summary(const nlohmann::json& result);

}  // namespace coatkmc
