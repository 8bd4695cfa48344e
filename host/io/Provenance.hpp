#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "host/config/ConfigReader.hpp"

namespace coatkmc {

// What the caller of a run adds to its provenance: when it started and tags
// (sweep task and replica, the checkpoint a run was restarted from, --tag).
// Passed as a value from the command to the result: no process-wide state.
struct RunProvenance {
  std::string started_utc;                        // "" when not known (null in result.json)
  nlohmann::json tags = nlohmann::json::object();  // added last, so they win
};

// Now, as "YYYY-MM-DDTHH:MM:SSZ".
std::string now_utc();

// Where a result came from, stamped into every result.json: build (version,
// git SHA, compiler, flags, CUDA), machine (host, device), time (start,
// finish), input (configuration text and its SHA-256, seed, replicas), batch
// context (Slurm job and array ids, MPI rank) and the caller's tags.
nlohmann::json make_provenance(const LoadedConfig& config, const std::string& device,
                               const RunProvenance& run);

}  // namespace coatkmc
