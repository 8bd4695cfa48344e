// Format 5: a replica as little as restarts it bit for bit.
//
// Stored: the scalars of the state and plan position; per ion its site (a
// varint), species byte and, for the parallel solvers, travel record
// (varints); the recorder's mark scalars, closed blocks and MSD rows; and
// the unwrapped displacements of every mark and of the state as a table of
// doubles, column by column (x, y, z): the distinct values of a column, then
// per row and ion the change of that value's index since the row before.
// Ions hop between lattice sites, so a column holds few distinct doubles
// (about a hundred on the shipped configurations) and most index changes
// fit a byte. A column with many distinct values (no lattice, random
// positions) is stored as the raw bits XOR the row before. Exact: every
// double comes back bit for bit.
//
// Not stored, recomputed when decoding: site -> ion and the occupancy (the
// inverse of the ion sites, or for walkers, whose site table keeps the
// placement, of the travel origins; stored explicitly only where neither
// matches), and the neighbour counts (decoded as stale; a solver that reads
// them recounts: SystemState::neighbor_counts_valid). The random numbers
// are keyed by the state's rng_step, so no generator state exists to store.
// CheckpointFile.cpp compresses the whole payload with zstd.
#include <algorithm>
#include <stdexcept>

#include "host/io/CheckpointParts.hpp"

namespace coatkmc::checkpoint_parts {

namespace {

constexpr uint64_t kSignBit = uint64_t(1) << 63;

// Doubles ordered by value (and -0 before +0) through their bits.
uint64_t sortable(uint64_t bits) { return (bits & kSignBit) ? ~bits : bits | kSignBit; }
uint64_t unsortable(uint64_t key) { return (key & kSignBit) ? key & ~kSignBit : ~key; }

uint64_t bits_of(double v) {
  uint64_t b;
  std::memcpy(&b, &v, 8);
  return b;
}
double double_of(uint64_t b) {
  double v;
  std::memcpy(&v, &b, 8);
  return v;
}

// Column `axis` of the displacement table: rows[r][ion].
using Rows = std::vector<const std::vector<Vec3>*>;
double component(const Vec3& v, int axis) { return axis == 0 ? v.x : axis == 1 ? v.y : v.z; }
void set_component(Vec3& v, int axis, double x) { (axis == 0 ? v.x : axis == 1 ? v.y : v.z) = x; }

enum : uint8_t { kDictionary = 0, kRawXor = 1 };

void put_column(Writer& w, const Rows& rows, size_t ions, int axis) {
  std::vector<uint64_t> keys;
  keys.reserve(rows.size() * ions);
  for (const auto* row : rows)
    for (const Vec3& v : *row) keys.push_back(sortable(bits_of(component(v, axis))));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.size() * 4 > rows.size() * ions) {
    w.put<uint8_t>(kRawXor);
    std::vector<uint64_t> prev(ions, 0);
    for (const auto* row : rows)
      for (size_t i = 0; i < ions; ++i) {
        const uint64_t b = bits_of(component((*row)[i], axis));
        w.put<uint64_t>(b ^ prev[i]);
        prev[i] = b;
      }
    return;
  }
  w.put<uint8_t>(kDictionary);
  w.put_varint(keys.size());
  uint64_t last = 0;
  for (size_t k = 0; k < keys.size(); ++k) {
    w.put_varint(k ? keys[k] - last : keys[k]);  // ascending: every gap after the first >= 1
    last = keys[k];
  }
  std::vector<int64_t> prev(ions, 0);
  for (const auto* row : rows)
    for (size_t i = 0; i < ions; ++i) {
      const uint64_t key = sortable(bits_of(component((*row)[i], axis)));
      const int64_t index = std::lower_bound(keys.begin(), keys.end(), key) - keys.begin();
      w.put_svarint(index - prev[i]);
      prev[i] = index;
    }
}

void get_column(Reader& r, std::vector<std::vector<Vec3>>& rows, size_t ions, int axis) {
  const uint8_t mode = r.get<uint8_t>();
  if (mode == kRawXor) {
    std::vector<uint64_t> prev(ions, 0);
    for (auto& row : rows)
      for (size_t i = 0; i < ions; ++i) {
        prev[i] ^= r.get<uint64_t>();
        set_component(row[i], axis, double_of(prev[i]));
      }
    return;
  }
  if (mode != kDictionary) r.fail("unknown displacement encoding");
  const uint64_t n = r.get_varint();
  if (n > rows.size() * ions || n > r.left()) r.fail("implausible number of distinct displacements");
  std::vector<uint64_t> keys(n);
  for (uint64_t k = 0; k < n; ++k) {
    const uint64_t gap = r.get_varint();
    if (k && (gap == 0 || gap > ~uint64_t(0) - keys[k - 1]))
      r.fail("distinct displacements out of order");
    keys[k] = k ? keys[k - 1] + gap : gap;
  }
  std::vector<int64_t> prev(ions, 0);
  for (auto& row : rows)
    for (size_t i = 0; i < ions; ++i) {
      const int64_t step = r.get_svarint();
      // prev is in [0, n) and n < 2^52, so only a forged step can leave the range.
      if (step < -prev[i] || step >= int64_t(n) - prev[i])
        r.fail("a displacement index is out of range");
      prev[i] += step;
      set_component(row[i], axis, double_of(unsortable(keys[prev[i]])));
    }
}

// How site -> ion is recovered: the inverse of ion -> site (bkl, sublattice),
// of the travel origins (walkers keep the placement there), or stored.
enum : uint8_t { kInverseOfSites = 0, kInverseOfOrigins = 1, kExplicit = 2 };

bool is_inverse(const std::vector<int32_t>& site_ion, const std::vector<int32_t>& sites) {
  size_t placed = 0;
  for (size_t i = 0; i < sites.size(); ++i) {
    if (size_t(sites[i]) >= site_ion.size() || site_ion[sites[i]] != int32_t(i)) return false;
    ++placed;
  }
  size_t held = 0;
  for (int32_t ion : site_ion) held += ion >= 0;
  return held == placed;
}

// The inverse of `sites` (ion -> site), or false when two ions share a site.
bool invert(const std::vector<int32_t>& sites, std::vector<int32_t>& site_ion) {
  for (size_t i = 0; i < sites.size(); ++i) {
    int32_t& slot = site_ion[sites[i]];  // sites were checked to lie on the lattice
    if (slot != -1) return false;
    slot = static_cast<int32_t>(i);
  }
  return true;
}

}  // namespace

void put_replica_compact(Writer& w, const ReplicaRun& rr) {
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
  const size_t sites = s.site_ion.size(), ions = s.ion_site.size();
  w.put_varint(sites);
  w.put_varint(ions);
  for (int32_t site : s.ion_site) w.put_varint(static_cast<uint32_t>(site));
  const bool travel = !s.travel_cells.empty() || !s.travel_origin.empty();
  w.put<uint8_t>((s.ion_species.empty() ? 0 : 1) | (travel ? 2 : 0));
  if (!s.ion_species.empty()) w.bytes().append(s.ion_species.begin(), s.ion_species.end());
  if (travel) {
    for (int32_t c : s.travel_cells) w.put_svarint(c);
    for (int32_t site : s.travel_origin) w.put_varint(static_cast<uint32_t>(site));
  }
  if (is_inverse(s.site_ion, s.ion_site)) {
    w.put<uint8_t>(kInverseOfSites);
  } else if (travel && is_inverse(s.site_ion, s.travel_origin)) {
    w.put<uint8_t>(kInverseOfOrigins);
  } else {
    w.put<uint8_t>(kExplicit);
    for (int32_t ion : s.site_ion) w.put_svarint(ion);
  }
  bool occupancy_follows = true;
  for (size_t k = 0; k < sites && occupancy_follows; ++k)
    occupancy_follows = s.occupied[k] == (s.site_ion[k] >= 0 ? 1 : 0);
  w.put<uint8_t>(occupancy_follows ? 0 : 1);
  if (!occupancy_follows) w.bytes().append(s.occupied.begin(), s.occupied.end());
  w.put_vector(s.hops_by_length);

  const TransportRecorder& rec = rr.recorder;
  w.put<uint8_t>(rec.keeps_marks());
  w.put_varint(rec.marks().size());
  Rows rows;
  for (const TransportRecorder::Mark& m : rec.marks())
    // A mark holds every ion's displacement when it is offered (a solver that
    // keeps the ions on its engine fills them first); anything else is a bug
    // upstream, reported as a checkpoint that could not be written.
    if (m.displacement.size() != ions)
      throw std::runtime_error("a recorder mark holds " + std::to_string(m.displacement.size()) +
                               " displacements for " + std::to_string(ions) + " ions");
  for (const TransportRecorder::Mark& m : rec.marks()) {
    w.put(m.time);
    w.put(m.hops);
    w.put(m.attempts);
    w.put(m.sum_hop_length_sq);
    rows.push_back(&m.displacement);
  }
  rows.push_back(&s.displacement);
  for (int axis = 0; axis < 3; ++axis) put_column(w, rows, ions, axis);
  w.put<uint64_t>(rec.blocks().size());
  for (const TransportSample& b : rec.blocks()) put_sample(w, b);
  w.put_vector(rec.msd());
  put_tags(w, rr.mark_tags);
  put_tags(w, rr.msd_tags);
}

void get_replica_compact(Reader& r, ReplicaRun& rr, uint32_t index) {
  if (!get_replica_header(r, rr, index)) return;
  SystemState& s = rr.state;
  const uint64_t sites = r.get_varint(), ions = r.get_varint();
  // Sites are not backed by bytes of their own: beyond 2^22 a payload must
  // hold at least a byte per 4096 sites, so a forged count cannot make the
  // reader allocate gigabytes (a real lattice that large has ions to store).
  if (sites > uint64_t(INT32_MAX) || ions > sites || ions > r.left() ||
      (sites > (uint64_t(1) << 22) && sites / 4096 > r.left()))
    r.fail("replica " + std::to_string(index) + ": implausible numbers of sites and ions");
  s.ion_site.resize(ions);
  for (int32_t& site : s.ion_site) {
    const uint64_t v = r.get_varint();
    if (v >= sites) r.fail("an ion sits on a site outside the lattice");
    site = static_cast<int32_t>(v);
  }
  const uint8_t flags = r.get<uint8_t>();
  if (flags > 3) r.fail("bad state flags");
  if (flags & 1) {
    for (uint64_t i = 0; i < ions; ++i) s.ion_species.push_back(r.get<uint8_t>());
  }
  if (flags & 2) {
    if (3 * ions > r.left()) r.fail("a travel record runs past the end of the file");
    s.travel_cells.resize(3 * ions);
    for (int32_t& c : s.travel_cells) {
      const int64_t v = r.get_svarint();
      if (v < INT32_MIN || v > INT32_MAX) r.fail("a travel record is out of range");
      c = static_cast<int32_t>(v);
    }
    s.travel_origin.resize(ions);
    for (int32_t& site : s.travel_origin) {
      const uint64_t v = r.get_varint();
      if (v >= sites) r.fail("an ion started on a site outside the lattice");
      site = static_cast<int32_t>(v);
    }
  }
  s.site_ion.assign(sites, -1);
  const uint8_t source = r.get<uint8_t>();
  if (source == kInverseOfSites || (source == kInverseOfOrigins && (flags & 2))) {
    if (!invert(source == kInverseOfSites ? s.ion_site : s.travel_origin, s.site_ion))
      r.fail("two ions on one site");
  } else if (source == kExplicit) {
    if (sites > r.left()) r.fail("the site table runs past the end of the file");
    for (int32_t& ion : s.site_ion) {
      const int64_t v = r.get_svarint();
      if (v < -1 || v >= int64_t(ions)) r.fail("a site holds an ion that does not exist");
      ion = static_cast<int32_t>(v);
    }
  } else {
    r.fail("bad site-table flag");
  }
  const uint8_t occupancy = r.get<uint8_t>();
  if (occupancy > 1) r.fail("bad occupancy flag");
  if (occupancy == 0) {
    s.occupied.resize(sites);
    for (uint64_t k = 0; k < sites; ++k) s.occupied[k] = s.site_ion[k] >= 0 ? 1 : 0;
  } else {
    if (sites > r.left()) r.fail("the occupancy runs past the end of the file");
    for (uint64_t k = 0; k < sites; ++k) s.occupied.push_back(r.get<uint8_t>());
  }
  // Recounted by the solver that needs them.
  s.occupied_neighbors.assign(sites, 0);
  s.neighbor_counts_valid = false;
  s.hops_by_length = r.get_vector<uint64_t>();

  const uint8_t keep = r.get<uint8_t>();
  if (keep > 1) r.fail("bad recorder flag");
  const uint64_t nmarks = r.get_varint();
  if (nmarks == 0) r.fail("recorder without marks");
  // 32 bytes of scalars per mark, and at least 3 bytes per ion and row.
  if (nmarks > (uint64_t(1) << 20) || nmarks * 32 > r.left() ||
      (nmarks + 1) * ions > r.left() / 3)
    r.fail("implausible number of recorder marks");
  std::vector<TransportRecorder::Mark> marks(nmarks);
  for (TransportRecorder::Mark& m : marks) {
    m.time = r.get<double>();
    m.hops = r.get<uint64_t>();
    m.attempts = r.get<uint64_t>();
    m.sum_hop_length_sq = r.get<double>();
  }
  std::vector<std::vector<Vec3>> rows(nmarks + 1, std::vector<Vec3>(ions));
  for (int axis = 0; axis < 3; ++axis) get_column(r, rows, ions, axis);
  for (uint64_t m = 0; m < nmarks; ++m) marks[m].displacement = std::move(rows[m]);
  s.displacement = std::move(rows[nmarks]);
  check_state(r, rr, index);
  read_recorder_tail(r, rr, index, 5, std::move(marks), keep);
}

}  // namespace coatkmc::checkpoint_parts
