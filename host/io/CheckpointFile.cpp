#include "host/io/CheckpointFile.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "host/io/AtomicFile.hpp"
#include "host/io/CheckpointParts.hpp"
#include "host/io/Zstd.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

using checkpoint_bytes::Reader;
using checkpoint_bytes::Writer;

constexpr char kMagic[8] = {'C', 'O', 'A', 'T', 'C', 'K', 'P', 'T'};
constexpr size_t kHeaderBytes = 32;
// A checkpoint of a lattice of 2^31 sites with a few replicas stays far below this.
constexpr uint64_t kMaxPayloadBytes = uint64_t(1) << 40;
constexpr unsigned kOldestReadable = 3;
// Format 5 and 6 payload: the decoded size (u64) and how it is stored (u8), then the data.
enum : uint8_t { kStored = 0, kZstd = 1 };
// zstd reaches a few thousand to one only on long runs of equal bytes; a
// payload announcing more than this per compressed byte is forged.
constexpr uint64_t kMaxExpansion = uint64_t(1) << 15;

uint64_t fnv1a64(const char* data, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 1099511628211ull;
  }
  return h;
}

// The decoded format-5 payload held after the header.
std::string unpack_payload(const std::string& bytes, const std::string& name) {
  Reader r(bytes, kHeaderBytes, name);
  const uint64_t raw_size = r.get<uint64_t>();
  const uint8_t method = r.get<uint8_t>();
  const std::string data = bytes.substr(kHeaderBytes + 9);
  if (method == kStored) {
    if (raw_size != data.size()) r.fail("the stored payload's size disagrees with its record");
    return data;
  }
  if (method != kZstd) r.fail("unknown payload compression " + std::to_string(method));
  if (raw_size > kMaxPayloadBytes || raw_size / kMaxExpansion > data.size())
    r.fail("implausible decompressed size " + std::to_string(raw_size));
  try {
    return zstd_decompress(data, raw_size);
  } catch (const std::runtime_error& e) {
    r.fail(std::string("cannot decompress the payload: ") + e.what());
  }
}

}  // namespace

std::string encode_checkpoint(const std::string& config_toml, const RunState& header,
                              const std::vector<const ReplicaRun*>& replicas, double wall_total,
                              CheckpointCompression compression) {
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
  for (const ReplicaRun* rr : replicas) checkpoint_parts::put_replica_compact(w, *rr);

  const std::string& raw = w.bytes();
  const bool zstd = compression == CheckpointCompression::Zstd;
  Writer p;
  p.put<uint64_t>(raw.size());
  p.put<uint8_t>(zstd ? kZstd : kStored);
  p.bytes() += zstd ? zstd_compress(raw) : raw;
  const std::string& payload = p.bytes();
  Writer h;
  h.bytes().append(kMagic, sizeof kMagic);
  h.put<uint32_t>(kCheckpointVersion);
  h.put<uint32_t>(0x01020304u);  // byte-order probe
  h.put<uint64_t>(payload.size());
  h.put<uint64_t>(fnv1a64(payload.data(), payload.size()));
  return h.bytes() + payload;
}

double estimated_checkpoint_bytes(const SimulationSettings& s, int64_t ions, bool travel_record) {
  const double species = s.species.active() ? 1 : 0;
  // Per ion: its site (2-3 varint bytes), species byte, travel record (about
  // 5 bytes); per ion and displacement row 3 index changes of about a byte
  // each before compression, which zstd halves or better.
  const double per_ion = 3 + species + (travel_record ? 5 : 0) + (s.blocks + 2.0) * 3 * 0.75;
  const double per_replica = 256 + double(ions) * per_ion +
                             s.blocks * (160 + 72 * double(s.species.species.size())) +
                             (s.msd_samples + 1.0) * sizeof(MsdPoint) + (s.blocks + 1.0) * 48 +
                             // profiles: per slab and block D, occupancy and
                             // per-axis D, and the species samples (layers are
                             // a few bins more); the ions' block-start sites
                             // are mostly zeros that zstd takes away.
                             s.slabs * (64 + s.blocks * 40.0 +
                                        (s.blocks + 1.0) * 8 * double(s.species.species.size()));
  return 4096 + s.replicas * per_replica;
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
  if (version > kCheckpointVersion || version < kOldestReadable)
    throw InputError(name, "checkpoint format version " + std::to_string(version) +
                               " (this coatkmc reads versions " + std::to_string(kOldestReadable) + " to " +
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

  // Formats 5 and 6 decoded into `raw`; formats 3 and 4 are read where they lie.
  const std::string raw = version >= 5 ? unpack_payload(bytes, name) : std::string();
  Reader r(version >= 5 ? raw : bytes, version >= 5 ? 0 : kHeaderBytes, name);
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
    if (version >= 5)
      checkpoint_parts::get_replica_compact(r, c.run.replicas[i], i, version);
    else
      checkpoint_parts::get_replica_legacy(r, c.run.replicas[i], i, version);
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
