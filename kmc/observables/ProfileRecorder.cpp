#include "kmc/observables/ProfileRecorder.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace coatkmc {

namespace {

// Cell index of a site along the third lattice vector.
int cell_z(const Lattice& lat, int64_t site) {
  return static_cast<int>((site / lat.basis_size()) / (int64_t(lat.cells()[0]) * lat.cells()[1]));
}

double cell_height(const Lattice& lat) {
  // Spacing of the cell planes along the third vector: the cell volume over the base area.
  const Vec3* a = lat.description().vectors;
  return std::fabs(dot(a[0], cross(a[1], a[2]))) / norm(cross(a[0], a[1]));
}

void count_open(const Lattice& lat, const std::vector<int>& bin_of_site,
                const std::vector<uint8_t>& blocked, std::vector<ProfileBin>& bins) {
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    if (bin_of_site[s] >= 0 && lat.is_host(s) && (blocked.empty() || !blocked[s]))
      ++bins[bin_of_site[s]].open_sites;
}

}  // namespace

ProfileRecorder::ProfileRecorder(const Lattice& lattice, std::vector<int> bin_of_site,
                                 std::vector<ProfileBin> bins)
    : dimension_(lattice.dimension()),
      bin_of_site_(std::move(bin_of_site)),
      bins_(std::move(bins)) {}

void ProfileRecorder::take_snapshot(const SystemState& st) {
  ProfileSnapshot snap;
  snap.time = st.time - origin_time_;
  snap.replicas = 1;
  snap.ions.assign(bins_.size() * species_, 0);
  for (size_t i = 0; i < st.ion_site.size(); ++i) {
    const int b = bin_of_site_[st.ion_site[i]];
    const int s = st.ion_species.empty() ? 0 : st.ion_species[i];
    if (b >= 0 && s < species_) ++snap.ions[size_t(b) * species_ + s];
  }
  snapshots_.push_back(std::move(snap));
}

void ProfileRecorder::start(const SystemState& st) {
  if (species_ > 0 && snapshots_.empty()) {
    origin_time_ = st.time;
    take_snapshot(st);
  }
  start_bin_.resize(st.ion_site.size());
  start_r_.resize(st.ion_site.size());
  for (size_t i = 0; i < st.ion_site.size(); ++i) {
    start_bin_[i] = bin_of_site_[st.ion_site[i]];
    start_r_[i] = st.displacement[i];
  }
  start_time_ = st.time;
}

void ProfileRecorder::close_block(const SystemState& st) {
  const double dt = st.time - start_time_;
  std::vector<double> r2(bins_.size(), 0.0);
  std::vector<Vec3> r2_axes(bins_.size());
  std::vector<int64_t> ions(bins_.size(), 0), now(bins_.size(), 0);
  for (size_t i = 0; i < st.ion_site.size(); ++i) {
    const int b = start_bin_[i];
    if (b >= 0) {
      const Vec3 d = st.displacement[i] - start_r_[i];
      r2[b] += dot(d, d);
      r2_axes[b] += Vec3{d.x * d.x, d.y * d.y, d.z * d.z};
      ++ions[b];
    }
    const int b_now = bin_of_site_[st.ion_site[i]];
    if (b_now >= 0) ++now[b_now];
  }
  for (size_t b = 0; b < bins_.size(); ++b) {
    ProfileBin& bin = bins_[b];
    if (dt > 0 && ions[b] > 0) {
      bin.block_d.push_back(r2[b] / (2.0 * dimension_ * double(ions[b]) * dt));
      bin.sum_r2 += r2[b];
      bin.sum_ion_time += double(ions[b]) * dt;
      const double per_axis = 2.0 * double(ions[b]) * dt;
      bin.block_d_axes.push_back(
          {r2_axes[b].x / per_axis, r2_axes[b].y / per_axis, r2_axes[b].z / per_axis});
      bin.sum_r2_axes += r2_axes[b];
    }
    if (bin.open_sites > 0) bin.block_occupancy.push_back(double(now[b]) / double(bin.open_sites));
  }
  if (species_ > 0) take_snapshot(st);
  start(st);
}

void ProfileRecorder::merge(const ProfileRecorder& other) {
  for (size_t b = 0; b < bins_.size() && b < other.bins_.size(); ++b) {
    ProfileBin& to = bins_[b];
    const ProfileBin& from = other.bins_[b];
    to.block_d.insert(to.block_d.end(), from.block_d.begin(), from.block_d.end());
    to.block_occupancy.insert(to.block_occupancy.end(), from.block_occupancy.begin(),
                              from.block_occupancy.end());
    to.block_d_axes.insert(to.block_d_axes.end(), from.block_d_axes.begin(),
                           from.block_d_axes.end());
    to.sum_r2 += from.sum_r2;
    to.sum_r2_axes += from.sum_r2_axes;
    to.sum_ion_time += from.sum_ion_time;
  }
  // Every replica samples at the same milestones, so snapshot k of each is the same sample.
  for (size_t k = 0; k < snapshots_.size() && k < other.snapshots_.size(); ++k) {
    ProfileSnapshot& to = snapshots_[k];
    const ProfileSnapshot& from = other.snapshots_[k];
    to.time += from.time;
    to.replicas += from.replicas;
    for (size_t q = 0; q < to.ions.size() && q < from.ions.size(); ++q) to.ions[q] += from.ions[q];
  }
}

ProfileProgress ProfileRecorder::progress() const {
  ProfileProgress p;
  p.bins.resize(bins_.size());
  for (size_t b = 0; b < bins_.size(); ++b) {
    static_cast<ProfileBinSums&>(p.bins[b]) = bins_[b];
    p.bins[b].open_sites = bins_[b].open_sites;
  }
  p.species = species_;
  p.origin_time = origin_time_;
  p.start_time = start_time_;
  p.snapshots = snapshots_;
  return p;
}

void ProfileRecorder::restore(const ProfileProgress& p) {
  if (p.bins.size() != bins_.size() || p.species != species_)
    throw std::invalid_argument("profile of " + std::to_string(p.bins.size()) + " bins and " +
                                std::to_string(p.species) + " species restored into one of " +
                                std::to_string(bins_.size()) + " and " + std::to_string(species_));
  for (size_t b = 0; b < bins_.size(); ++b)
    if (p.bins[b].open_sites != bins_[b].open_sites)
      throw std::invalid_argument("profile bin " + std::to_string(b + 1) + " of " +
                                  std::to_string(p.bins[b].open_sites) +
                                  " open sites restored into one of " +
                                  std::to_string(bins_[b].open_sites));
  for (size_t b = 0; b < bins_.size(); ++b) static_cast<ProfileBinSums&>(bins_[b]) = p.bins[b];
  origin_time_ = p.origin_time;
  start_time_ = p.start_time;
  snapshots_ = p.snapshots;
}

SiteBinning ProfileRecorder::binning() const {
  SiteBinning b;
  b.bin_of_site.assign(bin_of_site_.begin(), bin_of_site_.end());
  b.bins = static_cast<int32_t>(bins_.size());
  return b;
}

void ProfileRecorder::take_snapshot(double time, const std::vector<int64_t>& ions_now,
                                    int columns) {
  ProfileSnapshot snap;
  snap.time = time - origin_time_;
  snap.replicas = 1;
  snap.ions.assign(bins_.size() * species_, 0);
  for (size_t b = 0; b < bins_.size(); ++b)
    for (int s = 0; s < species_ && s < columns; ++s)
      snap.ions[b * species_ + s] = ions_now[b * columns + s];
  snapshots_.push_back(std::move(snap));
}

void ProfileRecorder::start(double time, const std::vector<int64_t>& ions_now, int columns) {
  if (species_ > 0 && snapshots_.empty()) {
    origin_time_ = time;
    take_snapshot(time, ions_now, columns);
  }
  start_time_ = time;
}

void ProfileRecorder::close_block(const BinnedSums& block, double time, int columns) {
  const double dt = time - start_time_;
  for (size_t b = 0; b < bins_.size(); ++b) {
    ProfileBin& bin = bins_[b];
    const AxisSums& w = block.by_start_bin[b];
    if (dt > 0 && w.ions > 0) {
      bin.block_d.push_back(w.r2_total / (2.0 * dimension_ * double(w.ions) * dt));
      bin.sum_r2 += w.r2_total;
      bin.sum_ion_time += double(w.ions) * dt;
      const double per_axis = 2.0 * double(w.ions) * dt;
      bin.block_d_axes.push_back({w.r2[0] / per_axis, w.r2[1] / per_axis, w.r2[2] / per_axis});
      bin.sum_r2_axes += Vec3{w.r2[0], w.r2[1], w.r2[2]};
    }
    int64_t now = 0;
    for (int q = 0; q < columns; ++q) now += block.ions_now[b * columns + q];
    if (bin.open_sites > 0) bin.block_occupancy.push_back(double(now) / double(bin.open_sites));
  }
  if (species_ > 0) take_snapshot(time, block.ions_now, columns);
  start(time, block.ions_now, columns);
}

ProfileRecorder slab_profile(const Lattice& lat, int slabs, const std::vector<uint8_t>& blocked) {
  const int nz = lat.dimension() == 3 ? lat.cells()[2] : 1;
  slabs = std::max(1, std::min(slabs, nz));
  const double h = cell_height(lat);
  std::vector<ProfileBin> bins(slabs);
  // Slab j holds the cells [j nz / slabs, (j + 1) nz / slabs).
  for (int j = 0; j < slabs; ++j) {
    bins[j].name = "slab " + std::to_string(j + 1);
    bins[j].z_low = h * (int64_t(j) * nz / slabs);
    bins[j].z_high = h * (int64_t(j + 1) * nz / slabs);
    bins[j].volume =
        lat.volume() * double(int64_t(j + 1) * nz / slabs - int64_t(j) * nz / slabs) / nz;
  }
  std::vector<int> bin_of_site(lat.num_sites());
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    bin_of_site[s] = static_cast<int>((int64_t(cell_z(lat, s)) * slabs) / nz);
  count_open(lat, bin_of_site, blocked, bins);
  return ProfileRecorder(lat, std::move(bin_of_site), std::move(bins));
}

ProfileRecorder layer_profile(const Lattice& lat, const std::vector<uint8_t>& layer_of_site,
                              const std::vector<std::string>& names,
                              const std::vector<uint8_t>& blocked) {
  const double h = cell_height(lat);
  std::vector<ProfileBin> bins(names.size());
  std::vector<int> lo(names.size(), 1 << 30), hi(names.size(), -1);
  std::vector<int> bin_of_site(lat.num_sites());
  for (int64_t s = 0; s < lat.num_sites(); ++s) {
    const int l = layer_of_site[s];
    bin_of_site[s] = l;
    lo[l] = std::min(lo[l], cell_z(lat, s));
    hi[l] = std::max(hi[l], cell_z(lat, s));
  }
  for (size_t l = 0; l < names.size(); ++l) {
    bins[l].name = names[l];
    bins[l].z_low = h * lo[l];
    bins[l].z_high = h * (hi[l] + 1);
    const int nz = lat.dimension() == 3 ? lat.cells()[2] : 1;
    bins[l].volume = hi[l] >= lo[l] ? lat.volume() * double(hi[l] + 1 - lo[l]) / nz : 0.0;
  }
  count_open(lat, bin_of_site, blocked, bins);
  return ProfileRecorder(lat, std::move(bin_of_site), std::move(bins));
}

}  // namespace coatkmc
