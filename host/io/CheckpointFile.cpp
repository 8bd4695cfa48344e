#include "host/io/CheckpointFile.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <type_traits>

#include "host/io/AtomicFile.hpp"
#include "kernels/SpeciesEnergy.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

constexpr char kMagic[8] = {'C', 'O', 'A', 'T', 'C', 'K', 'P', 'T'};
constexpr size_t kHeaderBytes = 32;
// A checkpoint of a lattice of 2^31 sites with a few replicas stays far below this.
constexpr uint64_t kMaxPayloadBytes = uint64_t(1) << 40;

uint64_t fnv1a64(const char* data, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 1099511628211ull;
  }
  return h;
}

// Plain little-endian encoding of trivially copyable values (the machines
// coatkmc runs on are little-endian; the header check catches the others).
class Writer {
 public:
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  template <class T>
  void put_vector(const std::vector<T>& v) {
    put<uint64_t>(v.size());
    if (!v.empty()) out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void put_string(const std::string& s) {
    put<uint64_t>(s.size());
    out_ += s;
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(const std::string& bytes, size_t begin, std::string name)
      : data_(bytes), pos_(begin), name_(std::move(name)) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  template <class T>
  std::vector<T> get_vector() {
    const uint64_t n = get<uint64_t>();
    if (n > (data_.size() - pos_) / sizeof(T)) fail("an array runs past the end of the file");
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  std::string get_string() {
    const uint64_t n = get<uint64_t>();
    if (n > data_.size() - pos_) fail("a text runs past the end of the file");
    std::string s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A count of entries of at least `min_bytes` each: no more than the bytes
  // left can hold, so a forged count cannot make the reader allocate much.
  uint64_t count(uint64_t max, const char* what, size_t min_bytes) {
    const uint64_t n = get<uint64_t>();
    if (n > max || n > (data_.size() - pos_) / min_bytes)
      fail(std::string("implausible number of ") + what);
    return n;
  }
  size_t left() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(name_, "corrupt checkpoint: " + what);
  }

 private:
  void need(size_t n) const {
    if (n > data_.size() - pos_) fail("a value runs past the end of the file");
  }
  const std::string& data_;
  size_t pos_;
  std::string name_;
};

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

// Sums a format-3 checkpoint does not hold: NaN, so the estimators that need
// them report null instead of a number computed from zeros.
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr Vec3 kMissingVec{kMissing, kMissing, kMissing};

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

void put_replica(Writer& w, const ReplicaRun& rr) {
  w.put<uint8_t>(rr.started);
  if (!rr.started) return;
  w.put(rr.next);
  w.put(rr.h0);
  w.put(rr.t0);
  const SystemState& s = rr.state;
  w.put(s.replica);
  w.put(s.time);
  w.put(s.hops);
  w.put(s.attempts);
  w.put(s.sum_hop_length_sq);
  w.put(s.rng_step);
  w.put<uint8_t>(s.neighbor_counts_valid);
  w.put_vector(s.site_ion);
  w.put_vector(s.occupied);
  w.put_vector(s.occupied_neighbors);
  w.put_vector(s.ion_site);
  w.put_vector(s.displacement);
  w.put_vector(s.ion_species);
  w.put_vector(s.travel_cells);
  w.put_vector(s.travel_origin);
  w.put_vector(s.hops_by_length);
  const TransportRecorder& rec = rr.recorder;
  w.put<uint8_t>(rec.keeps_marks());
  w.put<uint64_t>(rec.marks().size());
  for (const TransportRecorder::Mark& m : rec.marks()) {
    w.put_vector(m.displacement);
    w.put(m.time);
    w.put(m.hops);
    w.put(m.attempts);
    w.put(m.sum_hop_length_sq);
  }
  w.put<uint64_t>(rec.blocks().size());
  for (const TransportSample& b : rec.blocks()) put_sample(w, b);
  w.put_vector(rec.msd());
  put_tags(w, rr.mark_tags);
  put_tags(w, rr.msd_tags);
}

void get_replica(Reader& r, ReplicaRun& rr, uint32_t index, unsigned version) {
  const uint8_t started = r.get<uint8_t>();
  if (started > 1) r.fail("bad replica flag");
  rr.started = started;
  if (!rr.started) return;
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
  rr.mark_tags = get_tags(r, nmarks);
  rr.msd_tags = get_tags(r, msd.size());
  if (rr.mark_tags.size() != nmarks || rr.msd_tags.size() != msd.size())
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
  rr.recorder.restore(std::move(marks), std::move(blocks), std::move(msd), keep, s.ion_species);
}

}  // namespace

std::string encode_checkpoint(const std::string& config_toml, const RunState& header,
                              const std::vector<const ReplicaRun*>& replicas, double wall_total) {
  Writer w;
  w.put_string(config_toml);
  w.put(wall_total);
  w.put<uint8_t>(header.plan.by_time);
  w.put(header.plan.run_hops);
  w.put(header.plan.run_time);
  w.put<int32_t>(header.plan.blocks);
  w.put<int32_t>(header.plan.msd_samples);
  w.put_string(header.solver);
  w.put<uint32_t>(static_cast<uint32_t>(replicas.size()));
  for (const ReplicaRun* rr : replicas) put_replica(w, *rr);

  std::string payload = std::move(w.bytes());
  Writer h;
  h.bytes().append(kMagic, sizeof kMagic);
  h.put<uint32_t>(kCheckpointVersion);
  h.put<uint32_t>(0x01020304u);  // byte-order probe
  h.put<uint64_t>(payload.size());
  h.put<uint64_t>(fnv1a64(payload.data(), payload.size()));
  return h.bytes() + payload;
}

Checkpoint decode_checkpoint(const std::string& bytes, const std::string& name) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw InputError(name, "not a coatkmc checkpoint (no COATCKPT magic at its start)");
  if (bytes.size() < kHeaderBytes)
    throw InputError(name, "truncated checkpoint: " + std::to_string(bytes.size()) +
                               " bytes, shorter than its header");
  Reader hr(bytes, sizeof kMagic, name);
  const uint32_t version = hr.get<uint32_t>();
  const uint32_t probe = hr.get<uint32_t>();
  const uint64_t size = hr.get<uint64_t>();
  const uint64_t sum = hr.get<uint64_t>();
  if (version != kCheckpointVersion && version != 3)
    throw InputError(name, "checkpoint format version " + std::to_string(version) +
                               " (this coatkmc reads versions 3 to " +
                               std::to_string(kCheckpointVersion) + ")");
  if (probe != 0x01020304u)
    throw InputError(name, "checkpoint written on a machine of another byte order");
  const uint64_t held = bytes.size() - kHeaderBytes;
  if (size > kMaxPayloadBytes || size > held)
    throw InputError(name, "truncated checkpoint: its header announces " + std::to_string(size) +
                               " payload bytes, the file holds " + std::to_string(held));
  if (size < held)
    throw InputError(name, "corrupt checkpoint: " + std::to_string(held - size) +
                               " bytes after the payload its header announces");
  if (fnv1a64(bytes.data() + kHeaderBytes, size) != sum)
    throw InputError(name, "corrupt checkpoint: checksum mismatch");

  Reader r(bytes, kHeaderBytes, name);
  Checkpoint c;
  c.config_toml = r.get_string();
  c.run.wall_before = r.get<double>();
  const uint8_t by_time = r.get<uint8_t>();
  if (by_time > 1) r.fail("bad plan flag");
  c.run.plan.by_time = by_time;
  c.run.plan.run_hops = r.get<uint64_t>();
  c.run.plan.run_time = r.get<double>();
  c.run.plan.blocks = r.get<int32_t>();
  c.run.plan.msd_samples = r.get<int32_t>();
  if (c.run.plan.blocks < 1 || c.run.plan.blocks > 100000 || c.run.plan.msd_samples < 1 ||
      c.run.plan.msd_samples > 100000 || !(c.run.plan.run_time >= 0) || !(c.run.wall_before >= 0))
    r.fail("implausible run plan");
  c.run.solver = r.get_string();
  const uint32_t n = r.get<uint32_t>();
  if (n == 0 || n > (1u << 20) || n > r.left()) r.fail("implausible number of replicas");
  const size_t plan_size = plan_milestones(c.run.plan).size();
  c.run.replicas.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    get_replica(r, c.run.replicas[i], i, version);
    if (c.run.replicas[i].next > plan_size) r.fail("a replica is past the end of its plan");
  }
  if (!r.at_end()) r.fail("bytes left after the last replica");
  return c;
}

Checkpoint read_checkpoint(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path, "is a directory, not a checkpoint (give DIR/checkpoint.ckpt)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the checkpoint");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path, "cannot read the checkpoint");
  return decode_checkpoint(bytes, path);
}

void write_checkpoint(const std::string& path, const std::string& config_toml,
                      const RunState& header, const std::vector<const ReplicaRun*>& replicas,
                      double wall_total) {
  write_file_atomically(path, encode_checkpoint(config_toml, header, replicas, wall_total));
}

}  // namespace coatkmc
