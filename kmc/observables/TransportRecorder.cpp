#include "kmc/observables/TransportRecorder.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace coatkmc {

TransportRecorder::Mark TransportRecorder::mark_of(const SystemState& s) {
  return {s.displacement, s.time, s.hops, s.attempts, s.sum_hop_length_sq};
}

void TransportRecorder::set_species(std::vector<uint8_t> labels) {
  species_ = std::move(labels);
  species_count_ = 0;
  for (uint8_t q : species_) species_count_ = std::max(species_count_, q + 1);
}

void TransportRecorder::start(const SystemState& s) {
  marks_.assign(1, mark_of(s));
  set_species(s.ion_species);
  blocks_.clear();
  msd_.clear();
}

// Every window, from a live state or from two marks, is computed here, in one
// order of operations: a block rebuilt from marks equals the block closed live.
TransportSample TransportRecorder::window(const std::vector<Vec3>& displacement, double time,
                                          uint64_t hops, uint64_t attempts, double l2,
                                          const Mark& from) const {
  TransportSample out;
  out.duration = time - from.time;
  for (size_t i = 0; i < from.displacement.size(); ++i) {
    const Vec3 d = displacement[i] - from.displacement[i];
    out.sum_r2 += norm2(d);
    out.sum_r += d;
    out.sum_r2_axes += Vec3{d.x * d.x, d.y * d.y, d.z * d.z};
  }
  out.com_r2 = norm2(out.sum_r);
  if (species_count_ > 0 && species_.size() == from.displacement.size()) {
    out.species.assign(species_count_, {});
    for (size_t i = 0; i < from.displacement.size(); ++i) {
      TransportSample::Species& sp = out.species[species_[i]];
      const Vec3 d = displacement[i] - from.displacement[i];
      sp.sum_r2 += norm2(d);
      sp.sum_r2_axes += Vec3{d.x * d.x, d.y * d.y, d.z * d.z};
      ++sp.ions;
    }
  }
  out.sum_hop_l2 = l2 - from.sum_hop_length_sq;
  out.hops = hops - from.hops;
  out.attempts = attempts - from.attempts;
  return out;
}

void TransportRecorder::close_block(const SystemState& s) {
  blocks_.push_back(
      window(s.displacement, s.time, s.hops, s.attempts, s.sum_hop_length_sq, marks_.back()));
  push_mark(mark_of(s));
}

void TransportRecorder::push_mark(Mark mark) {
  // The window's start always stays; the open block's start replaces the
  // previous one unless every boundary is kept.
  if (keep_marks_ || marks_.size() == 1)
    marks_.push_back(std::move(mark));
  else
    marks_.back() = std::move(mark);
}

TransportRecorder::Mark TransportRecorder::counters_of(const SystemState& s) {
  return {{}, s.time, s.hops, s.attempts, s.sum_hop_length_sq};
}

void TransportRecorder::start_from_sums(const SystemState& s) {
  marks_.assign(1, counters_of(s));
  set_species(s.ion_species);
  blocks_.clear();
  msd_.clear();
}

// window() from reduced sums: the same fields from the same per-ion terms
// added in the same order (kernels/AxisSums.hpp add_ion is window()'s loop body).
TransportSample TransportRecorder::sample_of(const ObservableSums& w) const {
  TransportSample out;
  out.duration = w.duration;
  out.sum_r2 = w.all.r2_total;
  out.sum_r = {w.all.r[0], w.all.r[1], w.all.r[2]};
  out.sum_r2_axes = {w.all.r2[0], w.all.r2[1], w.all.r2[2]};
  out.com_r2 = norm2(out.sum_r);
  if (species_count_ > 0 && species_.size() == static_cast<size_t>(w.all.ions)) {
    out.species.assign(species_count_, {});
    for (int q = 0; q < species_count_; ++q) {
      // One species in the labels: its group is every ion (the layout has no
      // per-species groups then).
      const AxisSums& g = species_count_ == 1 ? w.all : w.species.at(q);
      out.species[q].sum_r2 = g.r2_total;
      out.species[q].sum_r2_axes = {g.r2[0], g.r2[1], g.r2[2]};
      out.species[q].ions = g.ions;
    }
  }
  out.sum_hop_l2 = w.sum_hop_length_sq;
  out.hops = w.hops;
  out.attempts = w.attempts;
  return out;
}

void TransportRecorder::close_block(const ObservableSums& block, const SystemState& s) {
  blocks_.push_back(sample_of(block));
  push_mark(counters_of(s));
}

TransportSample TransportRecorder::whole_run(const ObservableSums& whole) const {
  return sample_of(whole);
}

void TransportRecorder::sample_msd(const ObservableSums& whole) {
  const TransportSample w = sample_of(whole);
  const double n = static_cast<double>(whole.all.ions);
  MsdPoint p;
  p.time = w.duration;
  p.msd_tracer = n > 0 ? w.sum_r2 / n : 0.0;
  p.msd_com = n > 0 ? w.com_r2 / n : 0.0;
  p.hops_per_particle = n > 0 ? static_cast<double>(w.hops) / n : 0.0;
  p.sum_r = w.sum_r;
  if (n > 0) p.msd_axes = {w.sum_r2_axes.x / n, w.sum_r2_axes.y / n, w.sum_r2_axes.z / n};
  msd_.push_back(p);
}

void TransportRecorder::set_mark_ions(size_t mark, std::vector<Vec3> displacement) {
  marks_.at(mark).displacement = std::move(displacement);
}

TransportSample TransportRecorder::whole_run(const SystemState& s) const {
  return window(s.displacement, s.time, s.hops, s.attempts, s.sum_hop_length_sq, marks_.front());
}

void TransportRecorder::sample_msd(const SystemState& s) {
  const TransportSample w = whole_run(s);
  const double n = static_cast<double>(marks_.front().displacement.size());
  MsdPoint p;
  p.time = w.duration;
  p.msd_tracer = n > 0 ? w.sum_r2 / n : 0.0;
  p.msd_com = n > 0 ? w.com_r2 / n : 0.0;
  p.hops_per_particle = n > 0 ? static_cast<double>(w.hops) / n : 0.0;
  p.sum_r = w.sum_r;
  if (n > 0) p.msd_axes = {w.sum_r2_axes.x / n, w.sum_r2_axes.y / n, w.sum_r2_axes.z / n};
  msd_.push_back(p);
}

void TransportRecorder::restore(std::vector<Mark> marks, std::vector<TransportSample> blocks,
                                std::vector<MsdPoint> msd, bool keep_marks,
                                std::vector<uint8_t> species) {
  if (marks.empty()) throw std::invalid_argument("recorder: no marks to restore");
  marks_ = std::move(marks);
  blocks_ = std::move(blocks);
  msd_ = std::move(msd);
  keep_marks_ = keep_marks;
  set_species(std::move(species));
}

void TransportRecorder::rebase(const std::vector<size_t>& keep, const std::vector<size_t>& rows) {
  if (!keep_marks_) throw std::logic_error("recorder: rebase needs every block mark");
  if (keep.empty() || keep.front() != 0)
    throw std::invalid_argument("recorder: rebase keeps mark 0");
  std::vector<Mark> marks;
  std::vector<TransportSample> blocks;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i] >= marks_.size() || (i > 0 && keep[i] <= keep[i - 1]))
      throw std::invalid_argument("recorder: rebase marks out of order");
    if (i > 0) {
      const Mark& end = marks_[keep[i]];
      blocks.push_back(window(end.displacement, end.time, end.hops, end.attempts,
                              end.sum_hop_length_sq, marks_[keep[i - 1]]));
    }
  }
  for (size_t k : keep) marks.push_back(std::move(marks_[k]));
  std::vector<MsdPoint> msd;
  for (size_t r : rows) {
    if (r >= msd_.size()) throw std::invalid_argument("recorder: rebase MSD row out of range");
    msd.push_back(msd_[r]);
  }
  marks_ = std::move(marks);
  blocks_ = std::move(blocks);
  msd_ = std::move(msd);
}

}  // namespace coatkmc
