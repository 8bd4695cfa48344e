#include "host/io/ProfileWriter.hpp"

#include <cmath>
#include <cstdio>
#include <numeric>

namespace coatkmc {

namespace {

double standard_error(const std::vector<double>& v) {
  if (v.size() < 2) return NAN;
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / double(v.size() - 1) / double(v.size()));
}

void rows(std::string& out, const char* kind, const std::vector<ProfileBin>& bins, int dimension) {
  constexpr double kA2ToCm2 = 1e-16;
  for (size_t i = 0; i < bins.size(); ++i) {
    const ProfileBin& b = bins[i];
    const double occ = b.block_occupancy.empty() ? NAN
                                                 : std::accumulate(b.block_occupancy.begin(),
                                                                   b.block_occupancy.end(), 0.0) /
                                                       double(b.block_occupancy.size());
    const double d =
        b.sum_ion_time > 0 ? b.sum_r2 / (2.0 * dimension * b.sum_ion_time) * kA2ToCm2 : NAN;
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s,%zu,%s,%.6g,%.6g,%lld,%.6g,%.3g,%.6g,%.3g\n", kind, i + 1,
                  b.name.c_str(), b.z_low, b.z_high, static_cast<long long>(b.open_sites), occ,
                  standard_error(b.block_occupancy), d, standard_error(b.block_d) * kA2ToCm2);
    out += buf;
  }
}

}  // namespace

std::string make_profile_csv(const SimulationOutcome& o) {
  std::string out =
      "kind,index,name,z_low_A,z_high_A,open_sites,occupancy,occupancy_err,D_tracer,D_tracer_err\n";
  rows(out, "layer", o.layers, o.dimension);
  rows(out, "slab", o.slabs, o.dimension);
  return out;
}

}  // namespace coatkmc
