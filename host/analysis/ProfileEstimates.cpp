#include "host/analysis/ProfileEstimates.hpp"

#include <cmath>
#include <numeric>

namespace coatkmc {

double standard_error_of_mean(const std::vector<double>& v) {
  if (v.size() < 2) return NAN;
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / double(v.size() - 1) / double(v.size()));
}

namespace {
// Pooled value d (cm^2/s) with the standard error and the Student-t
// intervals of the block values (Å^2/s), scaled to the pooled value.
Estimate pooled(double d, const std::vector<double>& blocks) {
  constexpr double kA2ToCm2 = 1e-16;
  const Estimate mean_d = mean_estimate(blocks);
  const double scale = d / mean_d.value;  // the pooled value, the blocks' relative interval
  Estimate e;
  e.value = d;
  e.error = standard_error_of_mean(blocks) * kA2ToCm2;
  e.ci95_low = mean_d.ci95_low * scale;
  e.ci95_high = mean_d.ci95_high * scale;
  e.ci68_low = mean_d.ci68_low * scale;
  e.ci68_high = mean_d.ci68_high * scale;
  return e;
}
}  // namespace

BinTracerEstimates bin_tracer_estimate(const ProfileBin& b, int dimension) {
  constexpr double kA2ToCm2 = 1e-16;
  BinTracerEstimates e;
  const double d =
      b.sum_ion_time > 0 ? b.sum_r2 / (2.0 * dimension * b.sum_ion_time) * kA2ToCm2 : NAN;
  // Interval: the D of a bin is a mean over independent blocks (Student t).
  e.D_tracer = pooled(d, b.block_d);
  const double r2[3] = {b.sum_r2_axes.x, b.sum_r2_axes.y, b.sum_r2_axes.z};
  for (int a = 0; a < 3; ++a) {
    if (a >= dimension) {
      e.D_tracer_xyz[a] = {NAN, NAN, NAN, NAN, NAN, NAN};
      continue;
    }
    std::vector<double> blocks;
    for (const Vec3& v : b.block_d_axes) blocks.push_back(a == 0 ? v.x : a == 1 ? v.y : v.z);
    const double da = b.sum_ion_time > 0 ? r2[a] / (2.0 * b.sum_ion_time) * kA2ToCm2 : NAN;
    e.D_tracer_xyz[a] = pooled(da, blocks);
  }
  return e;
}

}  // namespace coatkmc
