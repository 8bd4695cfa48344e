#pragma once
#include <string>
#include <vector>

#include "kmc/simulation/RunState.hpp"

namespace coatkmc {

// DIR/checkpoint.ckpt: a run stopped at milestones, with the configuration it
// was made from. Layout: a 32-byte header (magic "COATCKPT", format version,
// payload size, FNV-1a-64 checksum of the payload; little-endian), then the
// payload (configuration text, plan, and per replica its SystemState, recorder
// and next milestone). See docs/checkpoints.md.
struct Checkpoint {
  std::string config_toml;  // the resolved configuration of the run
  RunState run;
};

// 2: SystemState's travel record (travel_cells, travel_origin, hops_by_length).
// 3: per-species sums of every closed block (TransportSample::species).
// 4: per-axis tracer sums of every block (TransportSample::sum_r2_axes, also
//    per species) and per MSD row the collective displacement vector and
//    per-axis MSD (MsdPoint::sum_r, msd_axes). Format 3 is still read: those
//    sums are NaN there (docs/observables.md says what is then reported).
constexpr unsigned kCheckpointVersion = 4;

std::string encode_checkpoint(const std::string& config_toml, const RunState& header,
                              const std::vector<const ReplicaRun*>& replicas, double wall_total);

// Decodes and checks a checkpoint; any problem (not a checkpoint, another
// format version, truncated, checksum mismatch, inconsistent contents) throws
// InputError naming `name`.
Checkpoint decode_checkpoint(const std::string& bytes, const std::string& name);
Checkpoint read_checkpoint(const std::string& path);

// Writes atomically (temporary file, then rename).
void write_checkpoint(const std::string& path, const std::string& config_toml,
                      const RunState& header, const std::vector<const ReplicaRun*>& replicas,
                      double wall_total);

}  // namespace coatkmc
