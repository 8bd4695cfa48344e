// Formats 3 and 4 (read only): the replica's arrays as they are in memory,
// and a full displacement copy per recorder mark (about 280 bytes per site
// and replica for the shipped configurations; format 5 replaced them).
#include "host/io/CheckpointParts.hpp"

namespace coatkmc::checkpoint_parts {

void get_replica_legacy(Reader& r, ReplicaRun& rr, uint32_t index, unsigned version) {
  if (!get_replica_header(r, rr, index)) return;
  SystemState& s = rr.state;
  const uint8_t valid = r.get<uint8_t>();
  if (valid > 1) r.fail("bad neighbour-count flag");
  s.neighbor_counts_valid = valid;
  s.site_ion = r.get_vector<int32_t>();
  s.occupied = r.get_vector<uint8_t>();
  s.occupied_neighbors = r.get_vector<uint8_t>();
  s.ion_site = r.get_vector<int32_t>();
  s.displacement = r.get_vector<Vec3>();
  s.ion_species = r.get_vector<uint8_t>();
  s.travel_cells = r.get_vector<int32_t>();
  s.travel_origin = r.get_vector<int32_t>();
  s.hops_by_length = r.get_vector<uint64_t>();
  check_state(r, rr, index);
  const size_t ions = s.ion_site.size();

  const uint8_t keep = r.get<uint8_t>();
  if (keep > 1) r.fail("bad recorder flag");
  const uint64_t nmarks = r.count(uint64_t(1) << 20, "recorder marks", 40);
  if (nmarks == 0) r.fail("recorder without marks");
  std::vector<TransportRecorder::Mark> marks(nmarks);
  for (TransportRecorder::Mark& m : marks) {
    m.displacement = r.get_vector<Vec3>();
    if (m.displacement.size() != ions) r.fail("a recorder mark has the wrong number of ions");
    m.time = r.get<double>();
    m.hops = r.get<uint64_t>();
    m.attempts = r.get<uint64_t>();
    m.sum_hop_length_sq = r.get<double>();
  }
  read_recorder_tail(r, rr, index, version, std::move(marks), keep);
}

}  // namespace coatkmc::checkpoint_parts
