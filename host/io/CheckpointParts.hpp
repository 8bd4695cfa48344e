#pragma once
// What the checkpoint formats share (host/io/CheckpointFile.cpp dispatches on
// the version): block sums, milestone tags, the checks of a decoded replica,
// and the per-replica codecs, formats 5 and 6 (compact, CheckpointCompact.cpp) and
// formats 3 and 4 (read only, CheckpointLegacy.cpp).
#include <vector>

#include "host/io/CheckpointBytes.hpp"
#include "kmc/simulation/RunState.hpp"

namespace coatkmc::checkpoint_parts {

using checkpoint_bytes::Reader;
using checkpoint_bytes::Writer;

void put_sample(Writer& w, const TransportSample& s);
// Format 3 lacks the per-axis sums (NaN then).
TransportSample get_sample(Reader& r, unsigned version);

void put_tags(Writer& w, const std::vector<MilestoneTag>& tags);
std::vector<MilestoneTag> get_tags(Reader& r, uint64_t max);

// The state of replica `index` as decoded: array sizes agree, ions and sites
// on the lattice, times and hop counts in order.
void check_state(const Reader& r, const ReplicaRun& rr, uint32_t index);

// The recorder part after the marks (blocks, MSD rows in the format of
// `version`, milestone tags), checked against the state, and the recorder
// restored from it all.
void read_recorder_tail(Reader& r, ReplicaRun& rr, uint32_t index, unsigned version,
                        std::vector<TransportRecorder::Mark> marks, bool keep_marks);

// The replica's opening fields, the same in formats 3, 4 and 5: the started
// flag, then (when started) the milestone cursor, the window origin and the
// state's counters, with the replica's number checked. False when not started.
bool get_replica_header(Reader& r, ReplicaRun& rr, uint32_t index);

// Format 5, and 6 with the replica's profiles after it (`version`).
void put_replica_compact(Writer& w, const ReplicaRun& rr);
void get_replica_compact(Reader& r, ReplicaRun& rr, uint32_t index, unsigned version);
void get_replica_legacy(Reader& r, ReplicaRun& rr, uint32_t index, unsigned version);

}  // namespace coatkmc::checkpoint_parts
