// Transport through disordered microstructures against percolation and
// effective-medium theory, with independent walkers (the exact solver for
// frozen landscapes without exclusion):
//  - blocked sites: the open sites of simple cubic percolate at p_c = 0.3116;
//    below it every walker is confined to a finite cluster and D vanishes;
//  - the random-barrier model (box distribution): the activation energy is
//    the percolation-critical barrier, not the effective-medium one;
//  - a low-contrast two-phase bond mixture: D is the Bruggeman / Kirkpatrick
//    effective-medium conductance.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>

#include "ValidationSupport.hpp"
#include "host/analysis/ArrheniusFit.hpp"
#include "kmc/microstructure/Microstructure.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

constexpr double kSitePercolationSc = 0.3116;  // Stauffer & Aharony; Wang et al. PRE 87 (2013)
constexpr double kBondPercolationSc = 0.2488;  // Lorenz & Ziff, PRE 57 (1998)

SimulationSettings walker_settings(int cells, double temperature, uint64_t seed) {
  SimulationSettings s = textbook_settings("sc", {cells, cells, cells}, temperature, seed);
  s.solver = "walkers";
  s.threads = 1;
  s.msd_samples = 1;
  return s;
}

// D_tracer pooled over every block of every replica: sum |dR|^2 / (2 d N sum dt),
// with the standard error of the block mean. In a frozen landscape started in
// equilibrium (uniform occupancy: no site energies) the blocks are independent.
Estimate pooled_tracer(const SimulationOutcome& o) {
  std::vector<double> per_block;
  double r2 = 0, t = 0;
  for (const ReplicaOutcome& r : o.replicas)
    for (const TransportSample& b : r.blocks) {
      r2 += b.sum_r2;
      t += b.duration;
      per_block.push_back(b.sum_r2 / (6.0 * o.particles * b.duration) * 1e-16);
    }
  const double n = static_cast<double>(per_block.size());
  const double mean = std::accumulate(per_block.begin(), per_block.end(), 0.0) / n;
  double var = 0;
  for (double x : per_block) var += (x - mean) * (x - mean);
  var /= (n - 1);
  return {r2 / (6.0 * o.particles * t) * 1e-16, std::sqrt(var / n)};
}

// Union-find over the open sites with unwrapped positions: a cluster wraps
// when a bond joins two of its sites along a path that differs from the
// stored one by a supercell vector.
bool open_sites_wrap(const Lattice& lat, const std::vector<uint8_t>& blocked) {
  const int64_t n = lat.num_sites();
  std::vector<int64_t> parent(n);
  std::vector<Vec3> offset(n);  // position relative to the parent, Å
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int64_t s, Vec3& to_root) {
    to_root = Vec3{};
    while (parent[s] != s) {
      to_root += offset[s];
      s = parent[s];
    }
    return s;
  };
  for (int64_t s = 0; s < n; ++s) {
    if (blocked[s]) continue;
    for (int k = 0; k < lat.coordination(lat.basis_of(s)); ++k) {
      const int64_t t = lat.neighbor(s, k);
      if (blocked[t] || t < s) continue;
      Vec3 rs, rt;
      const int64_t a = find(s, rs), b = find(t, rt);
      const Vec3 d = lat.hop(s, k).displacement;  // position(t) - position(s) along the bond
      if (a != b) {
        parent[b] = a;
        offset[b] = rs + d - rt;  // root b relative to root a
      } else if (norm(rs + d - rt) > 1e-6) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

// Geometry first: over 12 realizations each of a 32^3 lattice, the open sites
// wrap around the box in none of them 0.04 below p_c and in all 0.04 above
// (the finite-size window of L = 32 is about L^(-1/nu) = 0.02 wide).
TEST(BlockedSitePercolation, OpenSitesWrapOnlyAboveTheSiteThreshold) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {32, 32, 32});
  int below = 0, above = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    MicrostructureSettings m;
    m.type = "crystalline";
    m.seed = seed;
    m.blocked_fractions = {1 - (kSitePercolationSc - 0.04)};
    below += open_sites_wrap(lat, build_microstructure(lat, m, 0.3).blocked);
    m.blocked_fractions = {1 - (kSitePercolationSc + 0.04)};
    above += open_sites_wrap(lat, build_microstructure(lat, m, 0.3).blocked);
  }
  std::printf("  wrapping realizations: %d/12 at p = p_c - 0.04, %d/12 at p_c + 0.04\n", below,
              above);
  EXPECT_LE(below, 1);
  EXPECT_GE(above, 11);
}

// Dynamics: D(16 t) / D(t) is 1 for diffusion and 1/16 for a walker whose
// mean square displacement has saturated in a finite cluster. At open
// fraction 0.22 (below p_c) it must fall below 0.25; at 0.50 (above) stay
// above 0.6 (the remaining drift is the slow approach to normal diffusion on
// the incipient-infinite cluster; measured 0.070 and 0.85).
TEST(BlockedSitePercolation, TracerDiffusivityVanishesBelowTheThreshold) {
  const double t = 1e-6;  // about 500 hops of a free walker (0.3 eV, 300 K)
  auto ratio = [&](double open) {
    double d[2];
    for (int i = 0; i < 2; ++i) {
      SimulationSettings s = walker_settings(32, 300, 7);
      s.microstructure.type = "crystalline";
      s.microstructure.seed = 7;
      s.microstructure.blocked_fractions = {1 - open};
      s.occupancy.fraction = 0.03;
      s.time = i == 0 ? t : 16 * t;
      s.blocks = 2;
      const SimulationOutcome o = run_simulation(s);
      d[i] = estimate_transport(o, 300, Vec3{}).D_tracer.value;
    }
    std::printf("  open fraction %.2f: D(16t)/D(t) = %.3f\n", open, d[1] / d[0]);
    return d[1] / d[0];
  };
  EXPECT_LT(ratio(kSitePercolationSc - 0.09), 0.25);
  EXPECT_GT(ratio(kSitePercolationSc + 0.19), 0.6);
}

// Random-barrier model: bond barriers uniform on [0.2, 0.7] eV, no site
// energies. At low temperature the conduction path is the percolating
// network of bonds with barriers below E_c = 0.2 + p_c(bond) 0.5 = 0.324 eV
// (Dyre & Schroder, RMP 72, 873 (2000)), and critical-path theory adds only
// the prefactor's ~nu kT (nu = 0.88) to the apparent activation energy. The
// effective-medium approximation (bond threshold 2/z = 1/3 instead of 0.2488)
// predicts about 0.367 eV here, the mean barrier is 0.45 eV.
// Accept: E_c - 4 sigma <= E_a <= E_c + 1.2 kT(250 K) + 4 sigma, and
// E_a < E_EMA - 4 sigma, sigma the fit error from the scatter of the pooled
// blocks (measured over seeds 11, 12: E_a = 0.331, 0.333 +- 0.002 eV).
TEST(RandomBarrierModel, ActivationEnergyIsThePercolationCriticalBarrier) {
  const double lo = 0.2, width = 0.5;
  const double e_c = lo + kBondPercolationSc * width;
  std::vector<ArrheniusPoint> points;
  std::vector<double> temps = {180, 250};
  for (double T : temps) {
    SimulationSettings s = walker_settings(24, T, 11);
    s.hop.barrier = lo + 0.5 * width;
    s.microstructure.type = "amorphous";
    s.microstructure.seed = 11;  // one landscape at both temperatures
    s.microstructure.barrier_distribution = "uniform";
    s.microstructure.barrier_sigma = width / (2 * std::sqrt(3.0));
    s.occupancy.fraction = 0.02;
    // Four blocks of 100 critical-bond times 1/Gamma(E_c) each. MSD / t falls
    // steeply over the first tens (blocks of 12 give a D 1.8 times too large,
    // and E_a = 0.323), then slowly: whole windows of 400 give a D 10-15 %
    // below blocks of 100 at both temperatures, and E_a 0.003 eV higher.
    s.time = 400 / (kAttemptFrequency * std::exp(-e_c / (kBoltzmannEv * T)));
    s.blocks = 4;
    const SimulationOutcome o = run_simulation(s);
    const Estimate d = pooled_tracer(o);
    std::printf("  T = %.0f K: D = %.4g +- %.2g cm^2/s (whole window %.4g)\n", T, d.value, d.error,
                estimate_transport(o, T, Vec3{}).D_tracer.value);
    points.push_back({T, d.value, d.error});
  }
  const ArrheniusFit fit = fit_arrhenius(points);
  // Effective medium at the same temperatures: sum over the box of
  // (g - g_m) / (g + 2 g_m) = 0, g = exp(-E/kT), solved by bisection in ln g_m.
  auto ema_log_g = [&](double T) {
    const double kT = kBoltzmannEv * T;
    auto f = [&](double lg) {
      double sum = 0;
      for (int i = 0; i < 4000; ++i) {
        const double g = std::exp(-(lo + width * (i + 0.5) / 4000) / kT);
        sum += (g - std::exp(lg)) / (g + 2 * std::exp(lg));
      }
      return sum;
    };
    double a = -(lo + width) / kT, b = -lo / kT;
    for (int it = 0; it < 100; ++it) (f(0.5 * (a + b)) > 0 ? a : b) = 0.5 * (a + b);
    return 0.5 * (a + b);
  };
  const double e_ema = (ema_log_g(temps[1]) - ema_log_g(temps[0])) /
                       (1 / (kBoltzmannEv * temps[0]) - 1 / (kBoltzmannEv * temps[1]));
  const double sigma = fit.activation_energy_err;
  std::printf("  E_a = %.4f +- %.4f eV; percolation E_c = %.4f, effective medium %.4f, mean 0.45\n",
              fit.activation_energy_eV, sigma, e_c, e_ema);
  EXPECT_LT(sigma, 0.012);
  EXPECT_GE(fit.activation_energy_eV, e_c - 4 * sigma);
  EXPECT_LE(fit.activation_energy_eV, e_c + 1.2 * kBoltzmannEv * 250 + 4 * sigma);
  EXPECT_LT(fit.activation_energy_eV, e_ema - 4 * sigma);
}

// Two phases mixed bond by bond, half with barrier E0 - s, half E0 + s:
// at 300 K the rates differ by exp(2 s / kT) = 4. For symmetric rates the
// walkers' D is the conductance of the random network, and the Bruggeman /
// Kirkpatrick effective medium for z = 6,
//   1/2 (g1 - gm) / (g1 + 2 gm) + 1/2 (g2 - gm) / (g2 + 2 gm) = 0,
// gives D = gm a^2. At this contrast the geometric mean (2D-exact, and the
// 3D Hashin-Shtrikman lower bound) lies 8 % below and the arithmetic mean
// 15 % above it. Accept 4 standard errors of the pooled blocks (about 0.5 %)
// plus 1 % for the effective medium's own third-order error at contrast 4.
TEST(TwoPhaseMixture, DiffusivityMatchesBruggemanEffectiveMedium) {
  const double T = 300, kT = kBoltzmannEv * T, s_b = std::log(4.0) / 2 * kT;
  SimulationSettings s = walker_settings(20, T, 5);
  s.microstructure.type = "amorphous";
  s.microstructure.barrier_distribution = "bimodal";
  s.microstructure.barrier_sigma = s_b;
  s.occupancy.fraction = 0.5;
  const double g1 = bare_hop_rate(T, kBarrier - s_b), g2 = bare_hop_rate(T, kBarrier + s_b);
  s.time = 2000 / (6 * std::sqrt(g1 * g2));  // about 2000 hops per walker
  s.blocks = 10;
  const SimulationOutcome o = run_simulation(s);
  const Estimate d = pooled_tracer(o);
  double a = g2, b = g1;
  for (int it = 0; it < 200; ++it) {
    const double m = 0.5 * (a + b);
    const double f = 0.5 * (g1 - m) / (g1 + 2 * m) + 0.5 * (g2 - m) / (g2 + 2 * m);
    (f > 0 ? a : b) = m;
  }
  const double a2 = kLatticeParameter * kLatticeParameter * 1e-16;  // cm^2
  const double bruggeman = 0.5 * (a + b) * a2;
  report("two-phase D (cm^2/s) vs Bruggeman", d, bruggeman);
  std::printf("  geometric mean %.4g, arithmetic mean %.4g\n", std::sqrt(g1 * g2) * a2,
              0.5 * (g1 + g2) * a2);
  EXPECT_LT(d.error / d.value, 0.01);
  EXPECT_NEAR(d.value / bruggeman, 1.0, 4 * d.error / d.value + 0.01);
  // And it is distinguishable from the simpler mixing rules.
  EXPECT_GT(d.value, std::sqrt(g1 * g2) * a2 * 1.03);
  EXPECT_LT(d.value, 0.5 * (g1 + g2) * a2 * 0.97);
}

// A multilayer in equilibrium: independent ions share out between two layers
// as exp(-E/kT) whatever the interface barrier (it slows the exchange only).
// Layers at +-0.03 eV, 400 K: occupancy ratio exp(0.06/kT) = 5.70. The slabs
// inside one layer agree with each other. Accept 5 standard errors of the
// block-averaged occupancies (the ratio to about 2 %).
TEST(Multilayer, LayersFillByTheirBoltzmannFactor) {
  const double T = 400;
  SimulationSettings s = walker_settings(8, T, 21);
  s.cells = {8, 8, 8};
  s.microstructure.type = "multilayer";
  s.microstructure.seed = 21;
  LayerSettings low, high;
  low.cells = high.cells = 4;
  low.energy = -0.03;
  high.energy = 0.03;
  low.interface_barrier = high.interface_barrier = 0.05;
  low.microstructure.type = high.microstructure.type = "crystalline";
  s.microstructure.layers = {low, high};
  s.occupancy.fraction = 1.0;  // independent walkers: one per site to start, no exclusion
  s.slabs = 4;
  s.equilibration_hops_per_particle = 300;
  // 100 snapshots (block ends) about 100 hops apart, several layer crossings each.
  s.hops_per_particle = 10000;
  s.blocks = 100;
  const SimulationOutcome o = run_simulation(s);
  ASSERT_EQ(o.layers.size(), 2u);
  ASSERT_EQ(o.slabs.size(), 4u);
  auto mean_err = [](const std::vector<double>& v) {
    double m = 0, ss = 0;
    for (double x : v) m += x;
    m /= v.size();
    for (double x : v) ss += (x - m) * (x - m);
    return std::pair<double, double>{m, std::sqrt(ss / (v.size() - 1) / v.size())};
  };
  const auto [lo, lo_err] = mean_err(o.layers[0].block_occupancy);
  const auto [hi, hi_err] = mean_err(o.layers[1].block_occupancy);
  const double ratio = lo / hi, expected = std::exp(0.06 / (kBoltzmannEv * T));
  const double err = ratio * std::hypot(lo_err / lo, hi_err / hi);
  std::printf("  occupancy low %.4f high %.4f: ratio %.3f +- %.3f, Boltzmann %.3f\n", lo, hi, ratio,
              err, expected);
  EXPECT_LT(err / ratio, 0.03);
  EXPECT_NEAR(ratio, expected, 5 * err);
  // Two slabs per layer: the same occupancy within errors.
  for (int l = 0; l < 2; ++l) {
    const auto [a, ea] = mean_err(o.slabs[2 * l].block_occupancy);
    const auto [b, eb] = mean_err(o.slabs[2 * l + 1].block_occupancy);
    EXPECT_NEAR(a, b, 5 * std::hypot(ea, eb)) << "layer " << l;
  }
}
