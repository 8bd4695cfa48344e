#include "host/analysis/TransportEstimates.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "host/analysis/BlockStatistics.hpp"
#include "host/analysis/Quantiles.hpp"
#include "kernels/PhysicalConstants.hpp"

namespace coatkmc {

namespace {
constexpr double kA2ToCm2 = 1e-16;
constexpr double kAToCm = 1e-8;
constexpr double kA3ToCm3 = 1e-24;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Below this many independent Gaussian degrees of freedom per replica (d N)
// the block spread is floored (block_relative_estimate).
constexpr double kFewIonsDof = 8;

double axis(Vec3 v, int a) { return a == 0 ? v.x : a == 1 ? v.y : v.z; }

// Two-sided quantiles: 95 % and 68.27 % (one standard deviation of a Gaussian).
constexpr double kP95 = 0.975, kP68 = 0.841344746068543;

Estimate missing() { return {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN}; }

Estimate scaled(const Estimate& e, double k) {  // k > 0
  return {k * e.value, k * e.error, k * e.ci95_low, k * e.ci95_high, k * e.ci68_low, k * e.ci68_high};
}

// value +- q err with q the two Student-t quantiles (nu = infinity: Gaussian).
Estimate symmetric(double value, double err, double nu) {
  const double q95 = nu > 0 ? student_t_quantile(kP95, nu) : kNaN;
  const double q68 = nu > 0 ? student_t_quantile(kP68, nu) : kNaN;
  return {value, err, value - q95 * err, value + q95 * err, value - q68 * err, value + q68 * err};
}

// a / b where the relative errors of a and b have the covariance rel_cov
// (Cov(a^, b^) / (a b)): relative variance e_a^2 + e_b^2 - 2 rel_cov; the
// interval combines the two intervals' log half-widths side by side (a high
// ratio comes from a high a and a low b) as correlated Gaussians do,
// sqrt(h_a^2 + h_b^2 - 2 rho h_a h_b), rho = rel_cov / (e_a e_b), which keeps
// the chi-square asymmetry of D_jump's interval (docs/observables.md).
Estimate ratio(const Estimate& a, const Estimate& b, double rel_cov) {
  Estimate r;
  r.value = a.value / b.value;
  const double ea = a.error / a.value, eb = b.error / b.value;
  double rho = ea > 0 && eb > 0 ? rel_cov / (ea * eb) : 0.0;
  rho = std::isfinite(rho) ? std::clamp(rho, -1.0, 1.0) : 0.0;
  r.error = std::fabs(r.value) * std::sqrt(std::max(0.0, ea * ea + eb * eb - 2 * rho * ea * eb));
  auto combine = [&](double al, double ah, double bl, double bh, double& lo, double& hi) {
    if (!(a.value > 0 && b.value > 0 && al > 0 && bl > 0)) return;
    const double a_lo = std::log(a.value / al), a_hi = std::log(ah / a.value);
    const double b_lo = std::log(b.value / bl), b_hi = std::log(bh / b.value);
    auto width = [&](double x, double y) {
      return std::sqrt(std::max(0.0, x * x + y * y - 2 * rho * x * y));
    };
    lo = r.value * std::exp(-width(a_lo, b_hi));
    hi = r.value * std::exp(width(a_hi, b_lo));
  };
  combine(a.ci95_low, a.ci95_high, b.ci95_low, b.ci95_high, r.ci95_low, r.ci95_high);
  combine(a.ci68_low, a.ci68_high, b.ci68_low, b.ci68_high, r.ci68_low, r.ci68_high);
  return r;
}

// The collective displacement sum_i dR_i over windows of one block length:
// per axis the sum of squares S_a (drift taken out under a field), the
// expectation weight A (E[S_a] = 2 N D_a A) and Q, the sum of the squared
// time overlaps of every pair of windows of a replica (Var S_a = 2 (2 N D_a)^2 Q
// for Gaussian increments), so that D_a = S_a / (2 N A) is chi-square with
// nu = A^2 / Q degrees of freedom (docs/observables.md).
struct CollectiveSums {
  std::array<double, 3> S{};
  double A = 0, Q = 0;
  // sum over replicas r of (sum over r's windows of tau_w^2) / T_r, T_r the
  // replica's observed time: how much the windows weigh in the covariance
  // with a whole-window tracer sum (tracer_jump_covariance).
  double tau2_per_window_time = 0;
  bool all_origins = false;
};

struct Window {
  Vec3 y;
  double start, end;
};

// Windows one block long starting at every MSD row, when the rows fall on
// the block ends (msd_samples a multiple of blocks) and carry the collective
// vector; empty otherwise.
std::vector<std::vector<Window>> origin_windows(const SimulationOutcome& o) {
  std::vector<std::vector<Window>> all;
  for (const ReplicaOutcome& r : o.replicas) {
    const size_t B = r.blocks.size();
    if (B == 0 || r.msd.size() < 2) return {};
    const size_t M = r.msd.size() - 1;
    if (M % B != 0 || r.msd[0].time != 0) return {};
    for (const MsdPoint& p : r.msd)
      if (!std::isfinite(p.sum_r.x) || !std::isfinite(p.sum_r.y) || !std::isfinite(p.sum_r.z) ||
          !std::isfinite(p.time))
        return {};
    const size_t L = M / B;
    double end = 0;
    for (size_t j = 1; j <= B; ++j) {
      end += r.blocks[j - 1].duration;
      if (std::fabs(r.msd[j * L].time - end) > 1e-9 * std::max(1e-300, std::fabs(end))) return {};
    }
    // Origins every g rows: more than ~16 origins per window length add
    // little (the windows overlap almost entirely) and cost O(origins * L).
    const size_t g = std::max<size_t>(1, L / 16);
    std::vector<Window> w;
    for (size_t k = 0; k + L <= M; k += g)
      w.push_back({r.msd[k + L].sum_r - r.msd[k].sum_r, r.msd[k].time, r.msd[k + L].time});
    all.push_back(std::move(w));
  }
  return all;
}

CollectiveSums collective_sums(const SimulationOutcome& o, bool driven, Vec3 drift_per_ion,
                               double total_time) {
  const double n = static_cast<double>(o.particles);
  std::vector<std::vector<Window>> windows = origin_windows(o);
  CollectiveSums c;
  c.all_origins = !windows.empty();
  if (!c.all_origins) {
    for (const ReplicaOutcome& r : o.replicas) {
      std::vector<Window> w;
      double t = 0;
      for (const TransportSample& b : r.blocks) {
        if (b.duration > 0) w.push_back({b.sum_r, t, t + b.duration});
        t += b.duration;
      }
      windows.push_back(std::move(w));
    }
  }
  for (const std::vector<Window>& w : windows) {
    const double replica_time = w.empty() ? 0.0 : w.back().end - w.front().start;
    for (size_t i = 0; i < w.size(); ++i) {
      const double tau = w[i].end - w[i].start;
      Vec3 y = w[i].y;
      if (driven) y = y - (n * tau) * drift_per_ion;
      c.S[0] += y.x * y.x;
      c.S[1] += y.y * y.y;
      c.S[2] += y.z * y.z;
      // Subtracting the drift estimated from the same data removes part of
      // every window's variance: E[(Y - tau V)^2] = sigma^2 tau (1 - tau / T).
      c.A += driven ? tau * (1 - tau / total_time) : tau;
      if (replica_time > 0) c.tau2_per_window_time += tau * tau / replica_time;
      // Windows are in time order: only neighbours overlap.
      for (size_t j = i; j < w.size() && w[j].start < w[i].end; ++j) {
        const double ov = std::min(w[i].end, w[j].end) - std::max(w[i].start, w[j].start);
        if (ov > 0) c.Q += (j == i ? 1.0 : 2.0) * ov * ov;
      }
    }
  }
  return c;
}

// Cov(D_tracer^, D_jump^) / (D_tracer D_jump), from the same blocks the two
// are built from (docs/observables.md). The blocks' relative covariance of
// the tracer sum and the collective square, c = s_tc / (mean_t mean_c), holds
// for any window length tau (both quadratic in displacements): a window w of
// D_jump covaries with the whole-window tracer sum as c (tau_w / T_r)
// relative, so Cov_rel = c sum_r sum_w tau_w^2 / T_r / (R A) = c
// tau2_over_A / R. c is used as kappa = c / spread (the regression of the
// collective on the tracer blocks) times the tracer's spread as reported
// (floored for few ions), so the two stay consistent. Both are divided by
// the window's duration (or scale with its hop count): that noise, 1/hops,
// is in D_tracer's error and not in D_jump's, so half of it is added here
// (the ratio's variance then lacks it, as it should: it cancels).
double tracer_jump_covariance(const std::vector<double>& tracer_b,
                              const std::vector<double>& collective_b, const Estimate& tracer,
                              double replicas, double count_noise, const CollectiveSums& c) {
  const double tau2_over_A = c.tau2_per_window_time / c.A;
  const size_t m = tracer_b.size();
  if (m < 2 || collective_b.size() != m || !(tracer.value > 0) || !std::isfinite(tracer.error) ||
      !std::isfinite(tau2_over_A))
    return 0.0;
  double mt = 0, mc = 0;
  for (size_t i = 0; i < m; ++i) {
    mt += tracer_b[i] / m;
    mc += collective_b[i] / m;
  }
  double stt = 0, stc = 0;
  for (size_t i = 0; i < m; ++i) {
    stt += (tracer_b[i] - mt) * (tracer_b[i] - mt);
    stc += (tracer_b[i] - mt) * (collective_b[i] - mc);
  }
  if (!(stt > 0) || !(mt > 0) || !(mc > 0)) return 0.0;
  const double kappa = (stc / stt) * (mt / mc);  // c / spread, both relative
  const double spread = replicas * std::pow(tracer.error / tracer.value, 2) - count_noise;
  return kappa * std::max(0.0, spread) * tau2_over_A / replicas + count_noise / (2 * replicas);
}

// Per-species tracer D: as D_tracer, over the ions of one species (under a
// field the drift of the whole ion population is taken out: species with
// different mobilities drift differently, so this is the tracer D about the
// common drift).
void estimate_species(const SimulationOutcome& o, bool driven, Vec3 v_ion, double count_noise,
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
        if (b.sum_hop_l2 > 0) tracer_b.push_back(br2 / b.sum_hop_l2);
      }
    }
    out[q].D_tracer =
        block_relative_estimate(tracer_sum / R * kA2ToCm2, tracer_b, R, d * out[q].ions, 0.0,
                                count_noise);
  }
  e.species = std::move(out);
}
}  // namespace

Estimate chi_square_estimate(double value, double nu) {
  if (!std::isfinite(value) || !(nu > 0) || !std::isfinite(nu))
    return {value, kNaN, kNaN, kNaN, kNaN, kNaN};
  Estimate e{value, std::fabs(value) * std::sqrt(2.0 / nu), kNaN, kNaN, kNaN, kNaN};
  if (value >= 0) {
    e.ci95_low = value * nu / chi_square_quantile(kP95, nu);
    e.ci95_high = value * nu / chi_square_quantile(1 - kP95, nu);
    e.ci68_low = value * nu / chi_square_quantile(kP68, nu);
    e.ci68_high = value * nu / chi_square_quantile(1 - kP68, nu);
  }
  return e;
}

Estimate block_relative_estimate(double value, const std::vector<double>& blocks,
                                 double replicas, double nu_ions, double block_hops,
                                 double count_noise) {
  const SampleStats s = sample_stats(blocks);
  if (s.count < 2 || !std::isfinite(value) || !std::isfinite(s.stddev) || !(replicas > 0))
    return {value, kNaN, kNaN, kNaN, kNaN, kNaN};
  if (!(s.mean > 0) || !(value > 0))  // no relative spread: an absolute one
    return symmetric(value, std::fabs(value) * s.stddev / std::fabs(s.mean) / std::sqrt(replicas),
                     s.count - 1.0);
  const double m = s.count;
  const double rel2 = std::pow(s.stddev / s.mean, 2);
  // Hop-normalised blocks of H_b hops of independent steps have the relative
  // variance (2 / (d N)) (1 - 1 / H_b), a long window 2 / (d N): undo the
  // block's granularity (a lone walker's 5-hop block understates by 20 %).
  const double spread = block_hops > 1 ? rel2 / (1 - 1 / block_hops) : rel2;
  // Blocks of a few ions (d N < 8: skewness of chi^2_dN above 1) are far from
  // Gaussian and their spread is too often small; there the independent-ion
  // value 2 / (d N), exact for a lone walker, is the floor (as before), and
  // the interval is the plain chi-square one.
  if (nu_ions > 0 && nu_ions < kFewIonsDof)
    return chi_square_estimate(value,
                               2 * replicas / (std::max(spread, 2 / nu_ions) + count_noise));
  // Relative variance per replica of the whole-window value: the blocks'
  // spread plus the window's hop-count (or duration) noise, which is known.
  const double v = spread + count_noise;
  Estimate e = chi_square_estimate(value, 2 * replicas / v);
  // The spread is itself estimated from m blocks: Var(s^2) / sigma^4 =
  // 2 / (m - 1) + kappa / m with kappa = 6 rel2 the excess kurtosis of a
  // chi-square-shaped block value; Satterthwaite's dof k of v (the count
  // noise is exact); the interval's log half-widths widen by t_k / z (the
  // studentised log value, docs/observables.md).
  const double k_spread = 2 / (2 / (m - 1) + 6 * rel2 / m);
  const double k = k_spread * (v / spread) * (v / spread);
  auto widen = [&](double& lo, double& hi, double p) {
    if (!(lo > 0) || !(hi > 0)) return;
    const double w = student_t_quantile(p, k) / student_t_quantile(p, kInf);
    lo = value * std::exp(-w * std::log(value / lo));
    hi = value * std::exp(w * std::log(hi / value));
  };
  widen(e.ci95_low, e.ci95_high, kP95);
  widen(e.ci68_low, e.ci68_high, kP68);
  return e;
}

Estimate mean_estimate(const std::vector<double>& samples) {
  const SampleStats s = sample_stats(samples);
  if (s.count < 2 || !std::isfinite(s.stddev)) return {s.mean, kNaN, kNaN, kNaN, kNaN, kNaN};
  return symmetric(s.mean, s.stddev / std::sqrt(double(s.count)), s.count - 1.0);
}

TransportEstimates estimate_transport(const SimulationOutcome& o, double temperature, Vec3 field) {
  TransportEstimates e;
  const double n = static_cast<double>(o.particles);
  const int dim = o.dimension;
  const double d = dim;
  const double R = static_cast<double>(o.replicas.size());

  const bool driven = norm2(field) > 0;

  // Pooled drift: every block of every replica, ratio of sums.
  Vec3 sum_r_total;
  double block_time = 0;
  for (const ReplicaOutcome& r : o.replicas)
    for (const TransportSample& b : r.blocks) {
      if (!(b.duration > 0)) continue;
      sum_r_total += b.sum_r;
      block_time += b.duration;
    }
  // Mean velocity of one ion, Å/s. Under a field the diffusivities measure
  // fluctuations about this drift, so its square is taken out of every MSD
  // (without a field the drift vanishes by symmetry and nothing is subtracted).
  const Vec3 v_ion = (1.0 / (n * block_time)) * sum_r_total;

  // Whole-window estimates per replica (tracer, correlation factor), averaged over replicas.
  double tracer_sum = 0, r2_total = 0, l2_total = 0, time_sum = 0, hops_window = 0;
  std::array<double, 3> tracer_axes{};
  for (const ReplicaOutcome& r : o.replicas) {
    double r2 = r.whole.sum_r2;
    if (driven) r2 -= n * norm2(r.whole.duration * v_ion);
    tracer_sum += r2 / (2 * d * n * r.whole.duration);
    for (int a = 0; a < 3; ++a) {
      double r2a = axis(r.whole.sum_r2_axes, a);
      if (driven) r2a -= n * std::pow(r.whole.duration * axis(v_ion, a), 2);
      tracer_axes[a] += r2a / (2 * n * r.whole.duration);
    }
    r2_total += r.whole.sum_r2;
    l2_total += r.whole.sum_hop_l2;
    hops_window += static_cast<double>(r.whole.hops);
    time_sum += r.whole.duration;
  }

  // Block estimates from every replica.
  std::vector<double> tracer_b, f_b, collective_b;
  double hops_blocks = 0;
  std::array<std::vector<double>, 3> tracer_axes_b;
  for (const ReplicaOutcome& r : o.replicas)
    for (const TransportSample& b : r.blocks) {
      if (!(b.duration > 0)) continue;
      double r2 = b.sum_r2;
      if (driven) r2 -= n * norm2(b.duration * v_ion);
      // Per hop length squared, not per second: the spread of a short
      // block's duration (or hop count) is not that of the whole window's,
      // which count_noise below accounts for.
      if (!(b.sum_hop_l2 > 0)) continue;
      tracer_b.push_back(r2 / b.sum_hop_l2);
      hops_blocks += static_cast<double>(b.hops);
      for (int a = 0; a < 3; ++a) {
        double r2a = axis(b.sum_r2_axes, a);
        if (driven) r2a -= n * std::pow(b.duration * axis(v_ion, a), 2);
        tracer_axes_b[a].push_back(r2a / b.sum_hop_l2);
      }
      f_b.push_back(b.sum_hop_l2 > 0 ? b.sum_r2 / b.sum_hop_l2 : 0.0);
      const Vec3 y = driven ? b.sum_r - (n * b.duration) * v_ion : b.sum_r;
      collective_b.push_back(norm2(y) / b.sum_hop_l2);
    }
  e.independent_blocks = static_cast<int>(tracer_b.size());

  // Tracer and correlation factor: the whole window (SPEC's definitions), with
  // the relative spread of the block estimates (docs/observables.md).
  // Independent Gaussian ions would give d N R (per axis N R) chi-square dof.
  // The relative variance of a whole window's hop count at fixed duration (or
  // of its duration at a fixed hop count) is 1 / hops (Poisson).
  const double count_noise = hops_window > 0 ? R / hops_window : 0.0;
  const double block_hops = e.independent_blocks > 0 ? hops_blocks / e.independent_blocks : 0.0;
  e.D_tracer = block_relative_estimate(tracer_sum / R * kA2ToCm2, tracer_b, R, d * n, block_hops,
                                       count_noise);
  e.correlation_factor = block_relative_estimate(l2_total > 0 ? r2_total / l2_total : 0.0, f_b, R,
                                                 d * n, block_hops, 0.0);
  for (int a = 0; a < 3; ++a)
    e.D_tracer_xyz[a] = a < dim ? block_relative_estimate(tracer_axes[a] / R * kA2ToCm2,
                                                          tracer_axes_b[a], R, n, 0.0, count_noise)
                                : missing();

  // Collective quantities: the centre of mass is a single walker per replica;
  // its displacement over windows of one block length from every time origin
  // gives a chi-square estimate per axis (docs/observables.md).
  const CollectiveSums c = collective_sums(o, driven, v_ion, block_time);
  const double nu_axis = c.Q > 0 ? c.A * c.A / c.Q : kNaN;
  std::array<double, 3> jump{};
  double jump_sum = 0, jump_sq = 0;
  for (int a = 0; a < dim; ++a) {
    jump[a] = c.A > 0 ? c.S[a] / (2 * n * c.A) * kA2ToCm2 : kNaN;
    jump_sum += jump[a];
    jump_sq += jump[a] * jump[a];
  }
  // Independent axes: the isotropic mean has Satterthwaite's effective dof
  // nu_axis (sum D_a)^2 / sum D_a^2, with D_a^2 and (sum D_a)^2 estimated
  // without the bias their noise gives the plain plug-in (E[D^_a^2] =
  // D_a^2 (1 + 2 / nu_axis)), which would understate nu by ~10 % on an
  // isotropic lattice; kept within [nu_axis, d nu_axis].
  double nu = nu_axis;
  if (jump_sq > 0 && nu_axis > 0) {
    const double sq = jump_sq / (1 + 2 / nu_axis);
    const double sum2 = jump_sum * jump_sum - 2 / nu_axis * sq;
    nu = std::clamp(nu_axis * sum2 / sq, nu_axis, d * nu_axis);
  }
  e.jump_windows = c.all_origins ? "all time origins" : "blocks";
  e.jump_dof = nu;
  e.D_jump = chi_square_estimate(jump_sum / d, nu);
  for (int a = 0; a < 3; ++a)
    e.D_jump_xyz[a] = a < dim ? chi_square_estimate(jump[a], nu_axis) : missing();

  // Drift: per axis the mean of a Gaussian whose variance 2 N D_a T is
  // estimated with nu_axis dof, so a Student-t interval.
  std::array<double, 3> drift_var{};
  for (int a = 0; a < 3; ++a) {
    const double Da = a < dim && c.A > 0 ? c.S[a] / (2 * n * c.A) : 0.0;  // Å^2/s
    drift_var[a] = 2 * Da / (n * block_time) * kAToCm * kAToCm;
    e.drift_velocity[a] = a < dim ? symmetric(axis(sum_r_total, a) / (n * block_time) * kAToCm,
                                              std::sqrt(drift_var[a]), nu_axis)
                                  : missing();  // null in 2D, as the tensors' z
  }

  e.haven_ratio = ratio(e.D_tracer, e.D_jump,
                        tracer_jump_covariance(tracer_b, collective_b, e.D_tracer, R, count_noise, c));
  // Nernst-Einstein: sigma = n q^2 D_jump / (kB T), with n in cm^-3.
  e.carrier_density = n / (o.volume * kA3ToCm3);
  const double ne = e.carrier_density * kElementaryCharge * kElementaryCharge / (kBoltzmannJ * temperature);
  e.conductivity = scaled(e.D_jump, ne);
  for (int a = 0; a < 3; ++a) e.conductivity_xyz[a] = scaled(e.D_jump_xyz[a], ne);

  const double fmag = std::sqrt(norm2(field));
  if (fmag > 0) {
    // sigma_field = n q (v . F_hat) / |F|; Satterthwaite dof over the axes.
    const Vec3 u = (1.0 / fmag) * field;
    double vpar = 0, var = 0, var2_over_nu = 0;
    for (int a = 0; a < dim; ++a) {  // a 2D lattice's field has no z component
      vpar += e.drift_velocity[a].value * axis(u, a);
      const double va = drift_var[a] * axis(u, a) * axis(u, a);
      var += va;
      var2_over_nu += va * va / nu_axis;
    }
    const double q_n = e.carrier_density * kElementaryCharge / fmag;
    const double nu_f = var2_over_nu > 0 ? var * var / var2_over_nu : nu_axis;
    e.conductivity_field = symmetric(q_n * vpar, q_n * std::sqrt(var), nu_f);
  }
  e.simulated_time = time_sum / R;
  estimate_species(o, driven, v_ion, count_noise, e);
  return e;
}

}  // namespace coatkmc
