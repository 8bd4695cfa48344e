// Formats 5 and 6: a replica as little as restarts it bit for bit.
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
//
// Format 6 adds, per started replica, its profiles (run.slabs and the layers
// of a multilayer): what each profile recorder has accumulated (per bin the
// blocks' D and occupancy and the sums; the species samples) and every ion's
// site at the open block's start, as the change from its site now (zeros for
// the ions that stayed: a checkpoint at a block end stores only zeros).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "host/io/CheckpointParts.hpp"
#include "kernels/SpeciesEnergy.hpp"

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

// Doubles as byte planes, the most significant bytes of all first: the
// per-block D of a profile share their sign, exponent and leading mantissa
// bits, which zstd then takes away (the low bytes stay as they are).
void put_planes(Writer& w, const std::vector<double>& v) {
  for (int plane = 7; plane >= 0; --plane)
    for (double x : v) w.put<uint8_t>(static_cast<uint8_t>(bits_of(x) >> (8 * plane)));
}

std::vector<double> get_planes(Reader& r, uint64_t n) {
  if (n > r.left() / 8) r.fail("a profile's values run past the end of the file");
  std::vector<uint64_t> bits(n, 0);
  for (int plane = 7; plane >= 0; --plane)
    for (uint64_t& b : bits) b |= uint64_t(r.get<uint8_t>()) << (8 * plane);
  std::vector<double> v(n);
  for (uint64_t i = 0; i < n; ++i) v[i] = double_of(bits[i]);
  return v;
}

// A bin's occupancy per block end is ions / open sites: stored as the ion
// counts (varints) where that division gives every value back bit for bit,
// else as the doubles.
enum : uint8_t { kOccupancyCounts = 0, kOccupancyDoubles = 1 };

void put_occupancy(Writer& w, const ProfileProgress::Bin& b) {
  std::vector<uint64_t> counts;
  bool exact = b.open_sites > 0;
  for (size_t k = 0; exact && k < b.block_occupancy.size(); ++k) {
    const double x = b.block_occupancy[k] * double(b.open_sites);
    exact = x >= 0 && x < 9e15;
    if (!exact) break;
    const uint64_t n = static_cast<uint64_t>(std::llround(x));
    exact = bits_of(double(n) / double(b.open_sites)) == bits_of(b.block_occupancy[k]);
    counts.push_back(n);
  }
  w.put<uint8_t>(exact ? kOccupancyCounts : kOccupancyDoubles);
  if (exact)
    for (uint64_t n : counts) w.put_varint(n);
  else
    for (double x : b.block_occupancy) w.put(x);
}

void put_profile(Writer& w, const ProfileProgress& p) {
  w.put<int32_t>(p.species);
  w.put(p.origin_time);
  w.put(p.start_time);
  w.put_varint(p.bins.size());
  std::vector<double> d;  // every bin's block D, then its per-axis D (x, y, z per block)
  for (const ProfileProgress::Bin& b : p.bins) {
    if (b.block_d_axes.size() != b.block_d.size())
      throw std::runtime_error("a profile bin holds " + std::to_string(b.block_d.size()) +
                               " block D and " + std::to_string(b.block_d_axes.size()) +
                               " per-axis ones");
    w.put_varint(static_cast<uint64_t>(b.open_sites));
    w.put_varint(b.block_d.size());
    w.put_varint(b.block_occupancy.size());
    w.put(b.sum_r2);
    w.put(b.sum_ion_time);
    w.put(b.sum_r2_axes);
    put_occupancy(w, b);
    d.insert(d.end(), b.block_d.begin(), b.block_d.end());
    for (const Vec3& a : b.block_d_axes) d.insert(d.end(), {a.x, a.y, a.z});
  }
  put_planes(w, d);
  w.put_varint(p.snapshots.size());
  for (const ProfileSnapshot& q : p.snapshots) {
    w.put(q.time);
    w.put<int32_t>(q.replicas);
    for (int64_t n : q.ions) w.put_varint(static_cast<uint64_t>(n));  // as many as bins x species
  }
}

// One profile of replica `rr` (its recorder decoded already), checked
// against the recorder: as many blocks, a species sample per block end.
ProfileProgress get_profile(Reader& r, const ReplicaRun& rr, uint32_t index) {
  const std::string who = "replica " + std::to_string(index) + ": a profile ";
  const size_t closed = rr.recorder.blocks().size();
  const size_t ions = rr.state.ion_site.size();
  ProfileProgress p;
  const int32_t species = r.get<int32_t>();
  if (species < 0 || species > kMaxSpecies) r.fail(who + "has an implausible species count");
  p.species = species;
  p.origin_time = r.get<double>();
  p.start_time = r.get<double>();
  if (!(p.origin_time >= 0) || !(p.start_time >= p.origin_time) ||
      p.start_time != rr.recorder.marks().back().time)
    r.fail(who + "starts its open block at another time than the recorder");
  const uint64_t bins = r.get_varint();
  // At least 44 bytes a bin (three counts, the sums and the occupancy flag).
  if (bins == 0 || bins > (uint64_t(1) << 20) || bins > r.left() / 44)
    r.fail(who + "has an implausible number of bins");
  p.bins.resize(bins);
  uint64_t values = 0;
  for (ProfileProgress::Bin& b : p.bins) {
    const uint64_t open = r.get_varint();
    const uint64_t blocks_d = r.get_varint(), blocks_occupancy = r.get_varint();
    if (open > uint64_t(INT32_MAX) || blocks_d > closed ||
        (blocks_occupancy != 0 && blocks_occupancy != closed))
      r.fail(who + "holds other blocks than the recorder");
    b.open_sites = static_cast<int64_t>(open);
    b.sum_r2 = r.get<double>();
    b.sum_ion_time = r.get<double>();
    b.sum_r2_axes = r.get<Vec3>();
    if (!(b.sum_r2 >= 0) || !(b.sum_ion_time >= 0)) r.fail(who + "holds negative sums");
    const uint8_t mode = r.get<uint8_t>();
    if (blocks_occupancy > r.left()) r.fail(who + "holds more occupancies than bytes");
    if (mode == kOccupancyCounts && open > 0) {
      for (uint64_t k = 0; k < blocks_occupancy; ++k)
        b.block_occupancy.push_back(double(r.get_varint()) / double(open));
    } else if (mode == kOccupancyDoubles) {
      for (uint64_t k = 0; k < blocks_occupancy; ++k) b.block_occupancy.push_back(r.get<double>());
    } else {
      r.fail(who + "has a bad occupancy flag");
    }
    b.block_d.resize(blocks_d);
    b.block_d_axes.resize(blocks_d);
    values += 4 * blocks_d;
  }
  const std::vector<double> d = get_planes(r, values);
  size_t at = 0;
  for (ProfileProgress::Bin& b : p.bins) {
    for (double& x : b.block_d) x = d[at++];
    for (Vec3& a : b.block_d_axes) {
      a = {d[at], d[at + 1], d[at + 2]};
      at += 3;
    }
  }
  const uint64_t samples = r.get_varint();
  if (samples != (species > 0 ? closed + 1 : 0))
    r.fail(who + "holds other species samples than one per block end");
  if (samples * bins * uint64_t(species) > r.left())
    r.fail(who + "holds more species samples than bytes");
  p.snapshots.resize(samples);
  for (ProfileSnapshot& q : p.snapshots) {
    q.time = r.get<double>();
    q.replicas = r.get<int32_t>();
    if (q.replicas != 1 || !(q.time >= 0)) r.fail(who + "holds a malformed species sample");
    q.ions.resize(bins * uint64_t(species));
    for (int64_t& n : q.ions) {
      const uint64_t v = r.get_varint();
      if (v > ions) r.fail(who + "counts more ions in a bin than there are");
      n = static_cast<int64_t>(v);
    }
  }
  return p;
}

// The profile section of format 6: ReplicaRun::profiles and block_start_site.
void put_profiles(Writer& w, const ReplicaRun& rr) {
  const SystemState& s = rr.state;
  if (rr.profiles.size() > 2 ||
      (!rr.profiles.empty() && rr.block_start_site.size() != s.ion_site.size()))
    throw std::runtime_error("a replica's profiles are inconsistent (" +
                             std::to_string(rr.profiles.size()) + " profiles, " +
                             std::to_string(rr.block_start_site.size()) + " block-start sites for " +
                             std::to_string(s.ion_site.size()) + " ions)");
  w.put<uint8_t>(static_cast<uint8_t>(rr.profiles.size()));
  if (rr.profiles.empty()) return;
  for (size_t i = 0; i < s.ion_site.size(); ++i)
    w.put_svarint(int64_t(rr.block_start_site[i]) - int64_t(s.ion_site[i]));
  for (const ProfileProgress& p : rr.profiles) put_profile(w, p);
}

void get_profiles(Reader& r, ReplicaRun& rr, uint32_t index) {
  const uint8_t count = r.get<uint8_t>();
  if (count > 2) r.fail("replica " + std::to_string(index) + ": bad profile count");
  if (count == 0) return;
  const SystemState& s = rr.state;
  const size_t sites = s.site_ion.size(), ions = s.ion_site.size();
  if (ions > r.left()) r.fail("the profiles' block-start sites run past the end of the file");
  // (Walkers do not exclude each other: two may have shared a site.)
  rr.block_start_site.resize(ions);
  for (size_t i = 0; i < ions; ++i) {
    const int64_t site = int64_t(s.ion_site[i]) + r.get_svarint();
    if (site < 0 || site >= int64_t(sites)) r.fail("an ion started a block outside the lattice");
    rr.block_start_site[i] = static_cast<int32_t>(site);
  }
  for (uint8_t k = 0; k < count; ++k) rr.profiles.push_back(get_profile(r, rr, index));
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
  put_profiles(w, rr);
}

void get_replica_compact(Reader& r, ReplicaRun& rr, uint32_t index, unsigned version) {
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
  read_recorder_tail(r, rr, index, version, std::move(marks), keep);
  if (version >= 6) get_profiles(r, rr, index);
}

}  // namespace coatkmc::checkpoint_parts
