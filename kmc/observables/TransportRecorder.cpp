#include "kmc/observables/TransportRecorder.hpp"

namespace coatkmc {

void TransportRecorder::start(const SystemState& s) {
  origin_ = block_origin_ = s.displacement;
  t_origin_ = t_block_ = s.time;
  hops_origin_ = hops_block_ = s.hops;
  att_origin_ = att_block_ = s.attempts;
  l2_origin_ = l2_block_ = s.sum_hop_length_sq;
  blocks_.clear();
  msd_.clear();
}

TransportSample TransportRecorder::window(const SystemState& s, const std::vector<Vec3>& from,
                                          double t0, uint64_t hops0, uint64_t attempts0,
                                          double l2_0) const {
  TransportSample out;
  out.duration = s.time - t0;
  for (size_t i = 0; i < from.size(); ++i) {
    const Vec3 d = s.displacement[i] - from[i];
    out.sum_r2 += norm2(d);
    out.sum_r += d;
  }
  out.com_r2 = norm2(out.sum_r);
  out.sum_hop_l2 = s.sum_hop_length_sq - l2_0;
  out.hops = s.hops - hops0;
  out.attempts = s.attempts - attempts0;
  return out;
}

void TransportRecorder::close_block(const SystemState& s) {
  blocks_.push_back(window(s, block_origin_, t_block_, hops_block_, att_block_, l2_block_));
  block_origin_ = s.displacement;
  t_block_ = s.time;
  hops_block_ = s.hops;
  att_block_ = s.attempts;
  l2_block_ = s.sum_hop_length_sq;
}

TransportSample TransportRecorder::whole_run(const SystemState& s) const {
  return window(s, origin_, t_origin_, hops_origin_, att_origin_, l2_origin_);
}

void TransportRecorder::sample_msd(const SystemState& s) {
  const TransportSample w = whole_run(s);
  const double n = static_cast<double>(origin_.size());
  MsdPoint p;
  p.time = w.duration;
  p.msd_tracer = n > 0 ? w.sum_r2 / n : 0.0;
  p.msd_com = n > 0 ? w.com_r2 / n : 0.0;
  p.hops_per_particle = n > 0 ? static_cast<double>(w.hops) / n : 0.0;
  msd_.push_back(p);
}

}  // namespace coatkmc
