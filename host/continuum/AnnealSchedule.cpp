#include "host/continuum/AnnealSchedule.hpp"

#include <cmath>
#include <stdexcept>

namespace coatkmc {

AnnealSchedule::AnnealSchedule(std::vector<AnnealSegment> segments)
    : segments_(std::move(segments)) {
  for (const AnnealSegment& s : segments_)
    if (!(s.duration_s >= 0) || !(s.start_K > 0) || !(s.end_K > 0))
      throw std::invalid_argument("anneal segment needs a duration >= 0 and temperatures > 0 K");
}

AnnealSchedule AnnealSchedule::ramp_hold_cool(double room_K, double hold_K, double hold_s,
                                              double rate_K_per_s) {
  std::vector<AnnealSegment> s;
  if (rate_K_per_s > 0 && hold_K != room_K) {
    const double ramp = std::abs(hold_K - room_K) / rate_K_per_s;
    s.push_back({ramp, room_K, hold_K});
    s.push_back({hold_s, hold_K, hold_K});
    s.push_back({ramp, hold_K, room_K});
  } else {
    s.push_back({hold_s, hold_K, hold_K});
  }
  return AnnealSchedule(std::move(s));
}

double AnnealSchedule::total_time() const {
  double t = 0;
  for (const AnnealSegment& s : segments_) t += s.duration_s;
  return t;
}

double AnnealSchedule::temperature_at(double t) const {
  if (segments_.empty()) throw std::logic_error("empty anneal schedule");
  double t0 = 0;
  for (const AnnealSegment& s : segments_) {
    if (t <= t0 + s.duration_s) {
      const double u = s.duration_s > 0 ? std::max(0.0, (t - t0) / s.duration_s) : 1.0;
      return s.start_K + (s.end_K - s.start_K) * u;
    }
    t0 += s.duration_s;
  }
  return segments_.back().end_K;
}

}  // namespace coatkmc
