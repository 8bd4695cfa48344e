#include "host/analysis/TransportEstimates.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "host/analysis/BlockStatistics.hpp"
#include "kernels/PhysicalConstants.hpp"

namespace coatkmc {

namespace {
constexpr double kA2ToCm2 = 1e-16;
constexpr double kAToCm = 1e-8;
constexpr double kA3ToCm3 = 1e-24;

Estimate ratio(const Estimate& a, const Estimate& b) {
  Estimate r;
  r.value = a.value / b.value;
  r.error = std::fabs(r.value) * std::sqrt(std::pow(a.error / a.value, 2) + std::pow(b.error / b.value, 2));
  return r;
}
// Per-species tracer D: as D_tracer, over the ions of one species (under a
// field the drift of the whole ion population is taken out: species with
// different mobilities drift differently, so this is the tracer D about the
// common drift).
void estimate_species(const SimulationOutcome& o, bool driven, Vec3 v_ion,
                      TransportEstimates& e) {
  const double d = o.dimension;
  const double R = static_cast<double>(o.replicas.size());
  size_t count = 0;
  for (const ReplicaOutcome& r : o.replicas) {
    if (r.whole.species.empty()) return;
    count = std::max(count, r.whole.species.size());
    for (const TransportSample& b : r.blocks)
      if (b.duration > 0 && b.species.size() != r.whole.species.size()) return;
  }
  std::vector<TransportEstimates::Species> out(count);
  for (size_t q = 0; q < count; ++q) {
    double tracer_sum = 0;
    std::vector<double> tracer_b;
    for (const ReplicaOutcome& r : o.replicas) {
      if (q >= r.whole.species.size()) return;
      const TransportSample::Species& w = r.whole.species[q];
      const double n = static_cast<double>(w.ions);
      if (!(n > 0)) return;
      out[q].ions = w.ions;
      double r2 = w.sum_r2;
      if (driven) r2 -= n * norm2(r.whole.duration * v_ion);
      tracer_sum += r2 / (2 * d * n * r.whole.duration);
      for (const TransportSample& b : r.blocks) {
        if (!(b.duration > 0)) continue;
        double br2 = b.species[q].sum_r2;
        if (driven) br2 -= n * norm2(b.duration * v_ion);
        tracer_b.push_back(br2 / (2 * d * n * b.duration) * kA2ToCm2);
      }
    }
    out[q].D_tracer.value = tracer_sum / R * kA2ToCm2;
    out[q].D_tracer.error = sample_stats(tracer_b).stddev / std::sqrt(R);
  }
  e.species = std::move(out);
}
}  // namespace

TransportEstimates estimate_transport(const SimulationOutcome& o, double temperature, Vec3 field) {
  TransportEstimates e;
  const double n = static_cast<double>(o.particles);
  const double d = o.dimension;
  const double R = static_cast<double>(o.replicas.size());

  const bool driven = norm2(field) > 0;

  // Pooled drift: every block of every replica, ratio of sums.
  Vec3 sum_r_total;
  double block_time = 0;
  int64_t blocks_total = 0;
  for (const ReplicaOutcome& r : o.replicas)
    for (const TransportSample& b : r.blocks) {
      if (!(b.duration > 0)) continue;
      sum_r_total += b.sum_r;
      block_time += b.duration;
      ++blocks_total;
    }
  // Mean velocity of one ion, Å/s. Under a field the diffusivities measure
  // fluctuations about this drift, so its square is taken out of every MSD
  // (without a field the drift vanishes by symmetry and nothing is subtracted).
  const Vec3 v_ion = (1.0 / (n * block_time)) * sum_r_total;

  // Whole-window estimates per replica (tracer, correlation factor), averaged over replicas.
  double tracer_sum = 0, r2_total = 0, l2_total = 0, time_sum = 0;
  for (const ReplicaOutcome& r : o.replicas) {
    double r2 = r.whole.sum_r2;
    if (driven) r2 -= n * norm2(r.whole.duration * v_ion);
    tracer_sum += r2 / (2 * d * n * r.whole.duration);
    r2_total += r.whole.sum_r2;
    l2_total += r.whole.sum_hop_l2;
    time_sum += r.whole.duration;
  }

  // Block estimates from every replica.
  std::vector<double> tracer_b, jump_b, f_b;
  std::array<std::vector<double>, 3> drift_b;
  double com_total = 0;
  for (const ReplicaOutcome& r : o.replicas)
    for (const TransportSample& b : r.blocks) {
      if (!(b.duration > 0)) continue;
      double r2 = b.sum_r2, com2 = b.com_r2;
      if (driven) {
        const Vec3 expected = (n * b.duration) * v_ion;
        r2 -= n * norm2(b.duration * v_ion);
        com2 = norm2(b.sum_r - expected);
      }
      tracer_b.push_back(r2 / (2 * d * n * b.duration) * kA2ToCm2);
      jump_b.push_back(com2 / (2 * d * n * b.duration) * kA2ToCm2);
      f_b.push_back(b.sum_hop_l2 > 0 ? b.sum_r2 / b.sum_hop_l2 : 0.0);
      drift_b[0].push_back(b.sum_r.x / (n * b.duration) * kAToCm);
      drift_b[1].push_back(b.sum_r.y / (n * b.duration) * kAToCm);
      drift_b[2].push_back(b.sum_r.z / (n * b.duration) * kAToCm);
      com_total += com2;
    }
  const double nb = static_cast<double>(tracer_b.size());
  e.independent_blocks = static_cast<int>(nb);

  // Tracer and correlation factor: the whole window (SPEC's definitions). Each
  // block estimate has about the spread of a whole-window one, so the error of
  // their replica average is the block spread over sqrt(replicas).
  e.D_tracer.value = tracer_sum / R * kA2ToCm2;
  e.D_tracer.error = sample_stats(tracer_b).stddev / std::sqrt(R);
  e.correlation_factor.value = l2_total > 0 ? r2_total / l2_total : 0.0;
  e.correlation_factor.error = sample_stats(f_b).stddev / std::sqrt(R);

  // Collective quantities: the centre of mass is a single walker per replica,
  // so they pool every block (ratio of sums) and the error is the standard
  // error of the block mean. Subtracting the drift estimated from the same
  // blocks removes one degree of freedom: the B/(B-1) factor undoes that bias.
  const double dof = driven && blocks_total > 1 ? blocks_total / (blocks_total - 1.0) : 1.0;
  e.D_jump.value = dof * com_total / (2 * d * n * block_time) * kA2ToCm2;
  e.D_jump.error = dof * sample_stats(jump_b).stddev / std::sqrt(nb);
  const double v[3] = {sum_r_total.x, sum_r_total.y, sum_r_total.z};
  for (int i = 0; i < 3; ++i) {
    e.drift_velocity[i].value = v[i] / (n * block_time) * kAToCm;
    e.drift_velocity[i].error = sample_stats(drift_b[i]).stddev / std::sqrt(nb);
  }

  e.haven_ratio = ratio(e.D_tracer, e.D_jump);
  // Nernst-Einstein: sigma = n q^2 D_jump / (kB T), with n in cm^-3.
  e.carrier_density = n / (o.volume * kA3ToCm3);
  const double ne = e.carrier_density * kElementaryCharge * kElementaryCharge / (kBoltzmannJ * temperature);
  e.conductivity = {ne * e.D_jump.value, ne * e.D_jump.error};

  const double fmag = std::sqrt(norm2(field));
  if (fmag > 0) {
    // sigma_field = n q (v . F_hat) / |F|
    const Vec3 u = (1.0 / fmag) * field;
    double vpar = 0, var = 0;
    const double uc[3] = {u.x, u.y, u.z};
    for (int i = 0; i < 3; ++i) {
      vpar += e.drift_velocity[i].value * uc[i];
      var += std::pow(e.drift_velocity[i].error * uc[i], 2);
    }
    const double q_n = e.carrier_density * kElementaryCharge / fmag;
    e.conductivity_field = Estimate{q_n * vpar, q_n * std::sqrt(var)};
  }
  e.simulated_time = time_sum / R;
  estimate_species(o, driven, v_ion, e);
  return e;
}

}  // namespace coatkmc
