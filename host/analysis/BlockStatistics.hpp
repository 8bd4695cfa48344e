#pragma once
#include <cmath>
#include <limits>
#include <vector>

namespace coatkmc {

// Mean and sample standard deviation of independent estimates.
struct SampleStats {
  double mean = 0, stddev = std::numeric_limits<double>::quiet_NaN();
  int count = 0;
};

inline SampleStats sample_stats(const std::vector<double>& x) {
  SampleStats s;
  s.count = static_cast<int>(x.size());
  if (x.empty()) return s;
  double sum = 0;
  for (double v : x) sum += v;
  s.mean = sum / x.size();
  if (x.size() >= 2) {
    double ss = 0;
    for (double v : x) ss += (v - s.mean) * (v - s.mean);
    s.stddev = std::sqrt(ss / (x.size() - 1));
  }
  return s;
}

}  // namespace coatkmc
