#pragma once
#include <string>
#include <vector>

#include "kmc/simulation/RunState.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

// DIR/checkpoint.ckpt: a run stopped at milestones, with the configuration it
// was made from. Layout: a 32-byte header (magic "COATCKPT", format version,
// payload size, FNV-1a-64 checksum of the payload; little-endian), then the
// payload: in formats 5 and 6 its decoded size and a zstd frame (with its own
// checksum) of the configuration text, plan, and per replica what restarts it
// (host/io/CheckpointCompact.cpp). See docs/checkpoints.md.
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
// 5: compact (at most a few bytes per site and replica, docs/checkpoints.md):
//    only what cannot be recomputed, displacements as indices into each
//    column's distinct values, the whole payload compressed with zstd.
//    Formats 3 and 4 are still read.
// 6: per replica its profiles (run.slabs, layers: ReplicaRun::profiles and
//    the ions' sites at the open block's start), so that a restarted run
//    writes profile.csv. Formats 3 to 5 are still read; their replicas hold
//    no profiles, and a run resumed from one reports none.
constexpr unsigned kCheckpointVersion = 6;

// Zstd is what coatkmc writes; Stored (the payload as it is) is read as well
// and written by tests, so that fuzzing reaches the payload decoder.
enum class CheckpointCompression { Zstd, Stored };

std::string encode_checkpoint(const std::string& config_toml, const RunState& header,
                              const std::vector<const ReplicaRun*>& replicas, double wall_total,
                              CheckpointCompression compression = CheckpointCompression::Zstd);

// About how many bytes the final checkpoint of a run takes (format 6): per
// replica a few bytes per ion and displacement row (blocks + 2 rows), its
// blocks and MSD rows, and its slabs' blocks; calibrated on the shipped configurations
// (docs/checkpoints.md), where the files come out smaller than this.
double estimated_checkpoint_bytes(const SimulationSettings& settings, int64_t ions,
                                  bool travel_record);

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
