#include "host/macro/SingleParticleModel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "host/macro/PhysicalConstants.hpp"
#include "host/macro/SphereDiffusion.hpp"

namespace coatkmc::macro {

std::vector<ParticleClass> lognormal_classes(double sigma, int n) {
  if (!(sigma >= 0) || n < 1) throw std::invalid_argument("lognormal classes: sigma >= 0, n >= 1");
  if (sigma == 0 || n == 1) return {ParticleClass{1.0, 1.0}};
  // n classes of equal mass at the midpoints of n equal-probability bins of
  // the normal distribution of ln R: neighbouring classes differ little, so
  // a capacity that shifts with rate does so smoothly, not in steps.
  std::vector<ParticleClass> c(n);
  double parallel = 0;
  for (int k = 0; k < n; ++k) {
    const double p = (k + 0.5) / n;
    double lo = -40, hi = 40;  // z with Phi(z) = p, by bisection on erfc
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (lo + hi);
      (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
    }
    c[k].weight = 1.0 / n;
    c[k].resistance_factor = std::exp(sigma * 0.5 * (lo + hi));
    parallel += c[k].weight / c[k].resistance_factor;
  }
  for (auto& q : c) q.resistance_factor *= parallel;  // now sum w / f = 1
  return c;
}

namespace {

struct Overpotentials {
  double surface = 0, kinetic = 0, geometric = 0;
};

// i: current density on the particle surface, A/cm^2, positive on discharge
// (lithiation, cathodic). Returns the voltage losses, each signed so that
// V = U + sum: negative on discharge, positive on charge.
Overpotentials losses(const SpmCell& cell, double i) {
  Overpotentials o;
  o.surface = -i * cell.surface_resistance;
  if (cell.kinetics.exchange_current > 0) o.kinetic = cell.kinetics.overpotential(-i);
  o.geometric = -i * cell.surface_per_area() * cell.geometric_resistance;
  return o;
}

double cell_voltage(const SpmCell& cell, double x_surface, double i) {
  const Overpotentials o = losses(cell, i);
  return cell.ocv.voltage(x_surface) + o.surface + o.kinetic + o.geometric - cell.anode_potential;
}

// d(eta(-i))/di for the kinetic loss at surface current i.
double kinetic_slope(const ButlerVolmer& bv, double i) {
  if (!(bv.exchange_current > 0)) return 0;
  const double eta = bv.overpotential(-i);
  const double f = 1.0 / thermal_voltage(bv.temperature);
  const double di_deta =
      bv.exchange_current * (bv.alpha_anodic * f * std::exp(bv.alpha_anodic * f * eta) +
                             bv.alpha_cathodic * f * std::exp(-bv.alpha_cathodic * f * eta));
  return -1.0 / di_deta;
}

// Particles in parallel: at one step each class k has a surface value
// base_k + slope * phi * i_k after the step, and the electrode potential
//   V = U(x_k) + eta(-i_k) - i_k R_k
// is the same for all; the currents add up to the applied one. Each
// h_k(i) = U(...) + eta(-i) - i R_k falls strictly with i, so i_k(V) is
// unique and so is V. Newton on bracketed monotone functions, both levels.
class ParallelStep {
 public:
  ParallelStep(const SpmCell& cell, double phi) : cell_(cell), phi_(phi) {}

  double h(double base, double slope, double r, double i) const {
    double eta = 0;
    if (cell_.kinetics.exchange_current > 0) eta = cell_.kinetics.overpotential(-i);
    return cell_.ocv.voltage_extrapolated(base + slope * phi_ * i) + eta - i * r;
  }
  double dh(double base, double slope, double r, double i) const {
    return cell_.ocv.slope(base + slope * phi_ * i) * slope * phi_ +
           kinetic_slope(cell_.kinetics, i) - r;
  }

  // i with h(i) = v, starting from a guess; scale sets the first bracket.
  double current_at(double base, double slope, double r, double v, double guess,
                    double scale) const {
    double lo = guess - scale, hi = guess + scale;
    for (int k = 0; k < 200 && h(base, slope, r, lo) < v; ++k) lo -= (hi - lo);
    for (int k = 0; k < 200 && h(base, slope, r, hi) > v; ++k) hi += (hi - lo);
    double i = std::clamp(guess, lo, hi);
    for (int it = 0; it < 100; ++it) {
      const double g = h(base, slope, r, i) - v;
      if (g > 0)
        lo = i;
      else
        hi = i;
      if (std::fabs(g) < 1e-13 || hi - lo <= 1e-15 * (std::fabs(lo) + std::fabs(hi))) break;
      const double d = dh(base, slope, r, i);
      double next = d < 0 ? i - g / d : 0.5 * (lo + hi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      i = next;
    }
    return i;
  }

 private:
  const SpmCell& cell_;
  double phi_;
};

// One galvanostatic half cycle from the particles' current state. sign +1
// discharges (x rises), -1 charges. Stops at the cut-off (interpolated inside
// the last step), at the table's stoichiometry limit, or after 3 nominal durations.
HalfCycle half_cycle(const SpmCell& cell, const std::vector<ParticleClass>& classes,
                     const CycleProtocol& p, std::vector<std::unique_ptr<SphereDiffusion>>& spheres,
                     int sign, double* charge_counted_mAh_g) {
  const double q_table = cell.ocv.capacity_mAh_g() * 3.6;         // C/g per unit x
  const double current_g = p.c_rate * p.one_c_mAh_g * 1e-3;       // A/g
  const double i = sign * current_g / cell.surface_per_gram();    // A/cm^2 particle, mean
  const double c_unit = q_table * cell.density_g_cm3 / kFaraday;  // mol/cm^3 per unit x
  const double phi = 1.0 / (kFaraday * c_unit);                   // x cm/s per A/cm^2
  const double duration = 3600.0 / p.c_rate;                      // s, nominal
  const double dt = duration / p.steps;
  const double mAh_per_s = current_g * 1e3 / 3600.0;  // mAh/g per s
  const double cutoff = sign > 0 ? p.v_min : p.v_max;
  const size_t n = spheres.size();
  const bool single = n == 1;
  const double geometric = i * cell.surface_per_area() * cell.geometric_resistance;

  std::vector<double> currents(n, i);
  double electrode = 0;  // V vs Li/Li+ before the geometric drop, for parallel classes
  auto mean_of = [&](bool surface) {
    double s = 0;
    for (size_t k = 0; k < n; ++k)
      s += classes[k].weight * (surface ? spheres[k]->surface_value() : spheres[k]->mean());
    return s;
  };
  auto voltage_now = [&]() {
    if (single) return cell_voltage(cell, spheres[0]->surface_value(), i);
    return electrode - geometric - cell.anode_potential;
  };
  // The potential before the first step (no diffusion yet): solve the split at dt -> 0.
  ParallelStep solver(cell, phi);
  auto solve_split = [&](const std::vector<double>& base, const std::vector<double>& slope) {
    double lo = electrode - 0.5, hi = electrode + 0.5;
    auto total = [&](double v) {
      double s = 0;
      for (size_t k = 0; k < n; ++k) {
        const double r = cell.surface_resistance * classes[k].resistance_factor;
        currents[k] = solver.current_at(base[k], slope[k], r, v, currents[k],
                                        std::max(std::fabs(i), 1e-12) * 4);
        s += classes[k].weight * currents[k];
      }
      return s - i;
    };
    for (int k = 0; k < 200 && total(lo) < 0; ++k) lo -= (hi - lo);
    for (int k = 0; k < 200 && total(hi) > 0; ++k) hi += (hi - lo);
    double v = std::clamp(electrode, lo, hi);
    for (int it = 0; it < 100; ++it) {
      const double g = total(v);
      if (g > 0)
        lo = v;
      else
        hi = v;
      if (std::fabs(g) <= 1e-12 * std::fabs(i) || hi - lo < 1e-13) break;
      double d = 0;  // dG/dV = sum w_k / h_k'(i_k)
      for (size_t k = 0; k < n; ++k)
        d += classes[k].weight / solver.dh(base[k], slope[k],
                                           cell.surface_resistance * classes[k].resistance_factor,
                                           currents[k]);
      double next = d < 0 ? v - g / d : 0.5 * (lo + hi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      v = next;
    }
    electrode = v;
  };
  std::vector<double> base(n), slope(n, 0.0);
  if (!single) {
    for (size_t k = 0; k < n; ++k) base[k] = spheres[k]->surface_value();
    electrode = cell.ocv.voltage(base[0]);
    solve_split(base, slope);
  }

  HalfCycle h;
  const int every = std::max(1, p.steps / std::max(1, p.record_points));
  auto record = [&](double t, double v) {
    h.curve.push_back({t * mAh_per_s, v, mean_of(true), mean_of(false)});
  };
  double t = 0;
  double v_prev = voltage_now();
  record(0, v_prev);
  const int max_steps = 3 * p.steps;
  h.stop = "time limit";
  for (int k = 1; k <= max_steps; ++k) {
    if (single) {
      spheres[0]->step(dt, i * phi);
    } else {
      for (size_t c = 0; c < n; ++c) {
        const SphereDiffusion::Response r = spheres[c]->euler_response(dt);
        base[c] = r.base;
        slope[c] = r.slope;
      }
      solve_split(base, slope);
      for (size_t c = 0; c < n; ++c) spheres[c]->euler_commit(currents[c] * phi);
    }
    t += dt;
    const double v = voltage_now();
    bool saturated = true;
    for (const auto& s : spheres)
      saturated = saturated && (sign > 0 ? s->surface_value() >= cell.ocv.x_max()
                                         : s->surface_value() <= cell.ocv.x_min());
    const bool crossed = sign > 0 ? v <= cutoff : v >= cutoff;
    if (crossed || saturated) {
      // The step is exact in time, the cut-off is not: place it by linear
      // interpolation of V within the step (capacity to within dt/2 otherwise).
      double frac = 1.0;
      if (crossed && v != v_prev) frac = std::clamp((cutoff - v_prev) / (v - v_prev), 0.0, 1.0);
      const double t_stop = t - dt + frac * dt;
      h.capacity_mAh_g = t_stop * mAh_per_s;
      h.curve.push_back({h.capacity_mAh_g, crossed ? cutoff : v, mean_of(true), mean_of(false)});
      h.stop = crossed ? "cut-off voltage" : "surface stoichiometry limit";
      *charge_counted_mAh_g += sign * t * mAh_per_s;  // the particles took the whole step
      return h;
    }
    if (k % every == 0) record(t, v);
    v_prev = v;
  }
  h.capacity_mAh_g = t * mAh_per_s;
  *charge_counted_mAh_g += sign * t * mAh_per_s;
  return h;
}

}  // namespace

double equilibrium_capacity(const SpmCell& cell, const CycleProtocol& p) {
  const double x_lo = cell.ocv.stoichiometry(p.v_max + cell.anode_potential);
  const double x_hi = cell.ocv.stoichiometry(p.v_min + cell.anode_potential);
  return cell.ocv.capacity_mAh_g() * (x_hi - x_lo);
}

CycleResult run_cycle(const SpmCell& cell, const CycleProtocol& p) {
  if (!(p.c_rate > 0) || !(p.one_c_mAh_g > 0) || !(p.v_max > p.v_min) || p.shells < 2 ||
      p.steps < 10)
    throw std::invalid_argument("cycle protocol: need C-rate > 0, 1C > 0, v_max > v_min");
  if (!(cell.surface_resistance >= 0) || !(cell.geometric_resistance >= 0))
    throw std::invalid_argument("resistances must be >= 0");
  const std::vector<ParticleClass> classes =
      cell.classes.empty() ? std::vector<ParticleClass>{ParticleClass{}} : cell.classes;
  double weights = 0;
  for (const auto& c : classes) {
    if (!(c.weight > 0) || !(c.resistance_factor > 0))
      throw std::invalid_argument("particle classes need weights and factors > 0");
    weights += c.weight;
  }
  if (std::fabs(weights - 1) > 1e-9) throw std::invalid_argument("class weights must sum to 1");

  CycleResult r;
  r.initial_x = cell.ocv.stoichiometry((p.charge_first ? p.v_min : p.v_max) + cell.anode_potential);
  std::vector<std::unique_ptr<SphereDiffusion>> spheres;
  for (size_t k = 0; k < classes.size(); ++k)
    spheres.push_back(std::make_unique<SphereDiffusion>(cell.radius_cm, cell.diffusivity_cm2_s,
                                                        p.shells, r.initial_x));
  const double current_g = p.c_rate * p.one_c_mAh_g * 1e-3;
  r.surface_current_A_cm2 = current_g / cell.surface_per_gram();
  r.geometric_current_mA_cm2 = current_g * 1e3 * cell.loading_g_cm2;
  const Overpotentials o = losses(cell, r.surface_current_A_cm2);
  r.eta_ohmic_surface = o.surface;
  r.eta_kinetic = o.kinetic;
  r.eta_geometric = o.geometric;

  double counted = 0;  // mAh/g into the particles (discharge positive)
  if (p.charge_first) r.charge = half_cycle(cell, classes, p, spheres, -1, &counted);
  r.discharge = half_cycle(cell, classes, p, spheres, +1, &counted);
  double stored = 0;
  for (size_t k = 0; k < classes.size(); ++k)
    stored += classes[k].weight * (spheres[k]->mean() - r.initial_x);
  r.charge_balance_error_mAh_g = stored * cell.ocv.capacity_mAh_g() - counted;
  return r;
}

}  // namespace coatkmc::macro
