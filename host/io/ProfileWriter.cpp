#include "host/io/ProfileWriter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "host/analysis/ProfileEstimates.hpp"

namespace coatkmc {

namespace {

double standard_error(const std::vector<double>& v) { return standard_error_of_mean(v); }

void rows(std::string& out, const char* kind, const std::vector<ProfileBin>& bins, int dimension) {
  for (size_t i = 0; i < bins.size(); ++i) {
    const ProfileBin& b = bins[i];
    const double occ = b.block_occupancy.empty() ? NAN
                                                 : std::accumulate(b.block_occupancy.begin(),
                                                                   b.block_occupancy.end(), 0.0) /
                                                       double(b.block_occupancy.size());
    const BinTracerEstimates est = bin_tracer_estimate(b, dimension);
    const Estimate& d = est.D_tracer;
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s,%zu,%s,%.6g,%.6g,%lld,%.6g,%.3g,%.6g,%.3g,%.6g,%.6g", kind,
                  i + 1, b.name.c_str(), b.z_low, b.z_high, static_cast<long long>(b.open_sites),
                  occ, standard_error(b.block_occupancy), d.value, d.error, d.ci95_low,
                  d.ci95_high);
    out += buf;
    // Per axis: D_a = sum dR_a^2 / (2 sum_ions dt) (per-axis normalisation),
    // error from the blocks' per-axis estimates; z empty on a 2D lattice.
    for (int a = 0; a < 3; ++a) {
      if (a >= dimension) {
        out += ",,";
        continue;
      }
      std::snprintf(buf, sizeof buf, ",%.6g,%.3g", est.D_tracer_xyz[a].value,
                    est.D_tracer_xyz[a].error);
      out += buf;
    }
    out += '\n';
  }
}

void species_rows(std::string& out, const char* kind, const std::vector<ProfileBin>& bins,
                  const ProfileSnapshot& snap, const std::vector<std::string>& species) {
  constexpr double kPerA3ToPerCm3 = 1e24;
  const size_t ns = species.size();
  if (snap.replicas < 1 || snap.ions.size() != bins.size() * ns) return;
  const double replicas = snap.replicas;
  for (size_t b = 0; b < bins.size(); ++b)
    for (size_t s = 0; s < ns; ++s) {
      const double ions = double(snap.ions[b * ns + s]) / replicas;
      const ProfileBin& bin = bins[b];
      char buf[512];
      std::snprintf(buf, sizeof buf, "%.9g,%s,%zu,%s,%.6g,%.6g,%lld,%s,%.9g,%.6g,%.6g\n",
                    snap.time / replicas, kind, b + 1, bin.name.c_str(), bin.z_low, bin.z_high,
                    static_cast<long long>(bin.open_sites), species[s].c_str(), ions,
                    bin.open_sites > 0 ? ions / double(bin.open_sites) : NAN,
                    bin.volume > 0 ? ions / bin.volume * kPerA3ToPerCm3 : NAN);
      out += buf;
    }
}

}  // namespace

std::string make_species_profile_csv(const SimulationOutcome& o,
                                     const std::vector<std::string>& species) {
  std::string out =
      "time_s,kind,index,name,z_low_A,z_high_A,open_sites,species,ions,site_fraction,"
      "density_cm3\n";
  // Sample by sample, layers before slabs as in profile.csv.
  const size_t samples = std::max(o.layer_snapshots.size(), o.slab_snapshots.size());
  for (size_t k = 0; k < samples; ++k) {
    if (k < o.layer_snapshots.size())
      species_rows(out, "layer", o.layers, o.layer_snapshots[k], species);
    if (k < o.slab_snapshots.size())
      species_rows(out, "slab", o.slabs, o.slab_snapshots[k], species);
  }
  return out;
}

std::string make_profile_csv(const SimulationOutcome& o) {
  std::string out =
      "kind,index,name,z_low_A,z_high_A,open_sites,occupancy,occupancy_err,D_tracer,D_tracer_err,"
      "D_tracer_ci95_low,D_tracer_ci95_high,D_tracer_x,D_tracer_x_err,D_tracer_y,D_tracer_y_err,"
      "D_tracer_z,D_tracer_z_err\n";
  rows(out, "layer", o.layers, o.dimension);
  rows(out, "slab", o.slabs, o.dimension);
  return out;
}

}  // namespace coatkmc
