#include "host/macro/LiPlatingThreshold.hpp"

#include <Eigen/Sparse>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "host/macro/PhysicalConstants.hpp"

namespace coatkmc::macro {

double PlatingCoating::supersaturation_mol_cm3() const {
  if (delta_c_fraction > 0) return delta_c_fraction * li_concentration_mol_cm3;
  return li_concentration_mol_cm3 * nucleation_overpotential / thermal_voltage(temperature);
}

double PlatingCoating::threshold_mA_cm2() const {
  if (!(thickness_cm > 0)) throw std::invalid_argument("coating thickness must be > 0");
  return 1e3 * kFaraday * diffusivity_cm2_s * supersaturation_mol_cm3() / thickness_cm;
}

double plating_onset_time(const PlatingCoating& c, double j_mA_cm2, int cells) {
  const double j_star = c.threshold_mA_cm2();
  if (!(j_mA_cm2 > j_star)) return std::numeric_limits<double>::infinity();
  const double d = c.diffusivity_cm2_s, l = c.thickness_cm, dc = c.supersaturation_mol_cm3();
  const double flux = j_mA_cm2 * 1e-3 / kFaraday;  // mol/(cm^2 s) entering the top face
  // Excess concentration u = c - c_Li on nodes x_0 = 0 (u = 0, Li metal) ...
  // x_n = L (flux boundary by a half cell), backward Euler. Time step from the
  // expected onset: Sand's time for a semi-infinite medium bounds it below.
  const int n = cells;
  const double h = l / n;
  const double t_sand = kPi * d * dc * dc / (4 * flux * flux);
  const double t_diff = l * l / d;
  double dt = std::min(t_sand, t_diff) / 400.0;
  Eigen::SparseMatrix<double> a(n, n);  // unknowns u_1..u_n
  std::vector<Eigen::Triplet<double>> t;
  for (int i = 0; i < n; ++i) {
    const double w = (i == n - 1) ? 0.5 * h : h;  // control-volume width
    const double k = d / h;
    t.emplace_back(i, i, w / dt + k + (i < n - 1 ? k : 0.0));
    if (i > 0) t.emplace_back(i, i - 1, -k);
    if (i < n - 1) t.emplace_back(i, i + 1, -k);
  }
  a.setFromTriplets(t.begin(), t.end());
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(a);
  if (lu.info() != Eigen::Success) throw std::runtime_error("plating onset: factorization failed");
  Eigen::VectorXd u = Eigen::VectorXd::Zero(n), rhs(n);
  double time = 0, top_prev = 0;
  // Steady excess at the top is flux L / D > dc, so the crossing comes; cap
  // the steps at many diffusion times all the same.
  const long max_steps = static_cast<long>(50 * t_diff / dt) + 1000000;
  for (long s = 0; s < max_steps; ++s) {
    for (int i = 0; i < n; ++i) rhs(i) = ((i == n - 1) ? 0.5 * h : h) / dt * u(i);
    rhs(n - 1) += flux;
    u = lu.solve(rhs);
    time += dt;
    if (u(n - 1) >= dc) return time - dt + dt * (dc - top_prev) / (u(n - 1) - top_prev);
    top_prev = u(n - 1);
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace coatkmc::macro
