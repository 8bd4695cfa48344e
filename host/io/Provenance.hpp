#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "host/config/ConfigReader.hpp"

namespace coatkmc {

// Where a result came from, stamped into every result.json: build (version,
// git SHA, compiler, flags, CUDA), machine (host, device), time (start,
// finish), input (configuration text and its SHA-256, seed, replicas), batch
// context (Slurm job and array ids, MPI rank) and tags set by the caller
// (sweep task and replica, the checkpoint a run was restarted from).
nlohmann::json make_provenance(const LoadedConfig& config, const std::string& device);

// Adds a field to the provenance of results written later by this process.
void set_provenance_tag(const std::string& key, const nlohmann::json& value);
// Forgets the tags (a process that runs several tasks, one after another).
void clear_provenance_tags();
// Marks now as the start of the run.
void mark_run_started();

}  // namespace coatkmc
