#include "host/io/CheckpointParts.hpp"

#include <limits>

#include "kernels/SpeciesEnergy.hpp"

namespace coatkmc::checkpoint_parts {

namespace {
// Sums a format-3 checkpoint does not hold: NaN, so the estimators that need
// them report null instead of a number computed from zeros.
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr Vec3 kMissingVec{kMissing, kMissing, kMissing};
}  // namespace

void put_sample(Writer& w, const TransportSample& s) {
  w.put(s.duration);
  w.put(s.sum_r2);
  w.put(s.com_r2);
  w.put(s.sum_r);
  w.put(s.sum_r2_axes);  // format 4
  w.put(s.sum_hop_l2);
  w.put(s.hops);
  w.put(s.attempts);
  // Per-species sums (format 3): count, then (sum_r2, ions) per species.
  w.put<uint64_t>(s.species.size());
  for (const TransportSample::Species& q : s.species) {
    w.put(q.sum_r2);
    w.put(q.ions);
    w.put(q.sum_r2_axes);  // format 4
  }
}

TransportSample get_sample(Reader& r, unsigned version) {
  TransportSample s;
  s.duration = r.get<double>();
  s.sum_r2 = r.get<double>();
  s.com_r2 = r.get<double>();
  s.sum_r = r.get<Vec3>();
  s.sum_r2_axes = version >= 4 ? r.get<Vec3>() : kMissingVec;
  s.sum_hop_l2 = r.get<double>();
  s.hops = r.get<uint64_t>();
  s.attempts = r.get<uint64_t>();
  s.species.resize(r.count(kMaxSpecies, "species of a block", 16));
  for (TransportSample::Species& q : s.species) {
    q.sum_r2 = r.get<double>();
    q.ions = r.get<int64_t>();
    q.sum_r2_axes = version >= 4 ? r.get<Vec3>() : kMissingVec;
    if (!(q.sum_r2 >= 0) || q.ions < 0) r.fail("a block's species sums are negative");
  }
  return s;
}

void put_tags(Writer& w, const std::vector<MilestoneTag>& tags) {
  w.put<uint64_t>(tags.size());
  for (const MilestoneTag& t : tags) {
    w.put(t.hops);
    w.put(t.time);
  }
}

std::vector<MilestoneTag> get_tags(Reader& r, uint64_t max) {
  std::vector<MilestoneTag> tags(r.count(max, "milestone tags", 16));
  for (MilestoneTag& t : tags) {
    t.hops = r.get<uint64_t>();
    t.time = r.get<double>();
  }
  return tags;
}

bool get_replica_header(Reader& r, ReplicaRun& rr, uint32_t index) {
  const uint8_t started = r.get<uint8_t>();
  if (started > 1) r.fail("bad replica flag");
  rr.started = started;
  if (!rr.started) return false;
  rr.next = r.get<uint32_t>();
  rr.h0 = r.get<uint64_t>();
  rr.t0 = r.get<double>();
  SystemState& s = rr.state;
  s.replica = r.get<uint32_t>();
  if (s.replica != index)
    r.fail("replica " + std::to_string(index) + " is numbered " + std::to_string(s.replica));
  s.time = r.get<double>();
  s.hops = r.get<uint64_t>();
  s.attempts = r.get<uint64_t>();
  s.sum_hop_length_sq = r.get<double>();
  s.rng_step = r.get<uint64_t>();
  return true;
}

void check_state(const Reader& r, const ReplicaRun& rr, uint32_t index) {
  const SystemState& s = rr.state;
  const size_t sites = s.site_ion.size(), ions = s.ion_site.size();
  const bool travel = !s.travel_cells.empty() || !s.travel_origin.empty();
  if (s.occupied.size() != sites || s.occupied_neighbors.size() != sites ||
      s.displacement.size() != ions || (!s.ion_species.empty() && s.ion_species.size() != ions) ||
      (travel && (s.travel_cells.size() != 3 * ions || s.travel_origin.size() != ions)) ||
      s.hops_by_length.size() > 256 || ions > sites || sites > size_t(INT32_MAX))
    r.fail("replica " + std::to_string(index) + ": array sizes disagree");
  for (int32_t site : s.travel_origin)
    if (site < 0 || size_t(site) >= sites) r.fail("an ion started on a site outside the lattice");
  for (int32_t site : s.ion_site)
    if (site < 0 || size_t(site) >= sites) r.fail("an ion sits on a site outside the lattice");
  for (int32_t ion : s.site_ion)
    if (ion < -1 || (ion >= 0 && size_t(ion) >= ions))
      r.fail("a site holds an ion that does not exist");
  if (!(s.time >= 0) || !(rr.t0 >= 0) || rr.t0 > s.time || rr.h0 > s.hops)
    r.fail("replica " + std::to_string(index) + ": times or hop counts out of order");
}

void read_recorder_tail(Reader& r, ReplicaRun& rr, uint32_t index, unsigned version,
                        std::vector<TransportRecorder::Mark> marks, bool keep_marks) {
  const SystemState& s = rr.state;
  const size_t ions = s.ion_site.size();
  std::vector<TransportSample> blocks(r.count(uint64_t(1) << 20, "blocks", 80));
  for (TransportSample& b : blocks) b = get_sample(r, version);
  std::vector<MsdPoint> msd;
  if (version >= 4) {
    msd = r.get_vector<MsdPoint>();
  } else {
    // Format 3 rows: time, tracer MSD, collective MSD, hops per ion only.
    struct Row3 {
      double time, msd_tracer, msd_com, hops_per_particle;
    };
    for (const Row3& o : r.get_vector<Row3>()) {
      MsdPoint p;
      p.time = o.time;
      p.msd_tracer = o.msd_tracer;
      p.msd_com = o.msd_com;
      p.hops_per_particle = o.hops_per_particle;
      p.sum_r = p.msd_axes = kMissingVec;
      msd.push_back(p);
    }
  }
  rr.mark_tags = get_tags(r, marks.size());
  rr.msd_tags = get_tags(r, msd.size());
  if (rr.mark_tags.size() != marks.size() || rr.msd_tags.size() != msd.size())
    r.fail("replica " + std::to_string(index) + ": milestone tags do not match the records");
  for (const TransportSample& b : blocks) {
    int64_t counted = 0;
    for (const TransportSample::Species& q : b.species) {
      // Each count bounded first, so the sum cannot overflow (the fuzzer's find).
      if (q.ions > int64_t(ions))  // negative counts were refused when read
        r.fail("replica " + std::to_string(index) + ": a block's species count is out of range");
      counted += q.ions;
    }
    if (!b.species.empty() && (s.ion_species.empty() || counted != int64_t(ions)))
      r.fail("replica " + std::to_string(index) + ": a block's species do not hold its ions");
  }
  rr.recorder.restore(std::move(marks), std::move(blocks), std::move(msd), keep_marks,
                      s.ion_species);
}

}  // namespace coatkmc::checkpoint_parts
