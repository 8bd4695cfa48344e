#pragma once
#include <vector>

namespace coatkmc {

// One piece of a heat treatment: the temperature moves linearly from
// start_K to end_K over duration_s (a hold has start_K == end_K).
struct AnnealSegment {
  double duration_s = 0;
  double start_K = 0;
  double end_K = 0;
  bool is_hold() const { return start_K == end_K; }
};

// Temperature against time as a chain of ramp and hold segments.
class AnnealSchedule {
 public:
  AnnealSchedule() = default;
  explicit AnnealSchedule(std::vector<AnnealSegment> segments);

  // The usual furnace programme: ramp from room_K to hold_K at rate_K_per_s
  // (0: the sample goes straight into the hot furnace), hold, and cool back
  // at the same rate.
  static AnnealSchedule ramp_hold_cool(double room_K, double hold_K, double hold_s,
                                       double rate_K_per_s);

  const std::vector<AnnealSegment>& segments() const { return segments_; }
  double total_time() const;
  double temperature_at(double t) const;  // K; clamped to the ends

 private:
  std::vector<AnnealSegment> segments_;
};

}  // namespace coatkmc
