#include "host/macro/MixedConductingZone.hpp"

#include <Eigen/Sparse>
#include <cmath>
#include <stdexcept>

namespace coatkmc::macro {

DopantProfile finite_film_profile(double h, double d, double t, double depth, int points) {
  if (!(h > 0) || !(d >= 0) || !(t >= 0) || !(depth > 0) || points < 2)
    throw std::invalid_argument("dopant profile: need h > 0, D >= 0, t >= 0, depth > 0");
  DopantProfile p;
  const double ell = 2 * std::sqrt(d * t);
  p.diffusion_length_cm = ell;
  auto c = [&](double y) {
    if (ell == 0) return y < h ? 1.0 : (y == h ? 0.5 : 0.0);
    return 0.5 * (std::erf((h - y) / ell) + std::erf((h + y) / ell));
  };
  for (int i = 0; i < points; ++i) {
    const double x = depth * i / (points - 1);
    p.depth_cm.push_back(x);
    p.composition.push_back(c(h + x));
  }
  // Dopant left in the film: (1/h) int_0^h c dy, Simpson on 400 intervals.
  const int n = 400;
  double s = c(0) + c(h);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4 : 2) * c(h * i / n);
  p.film_fraction_left = s / (3.0 * n);
  return p;
}

DopantProfile profile_from_table(const std::vector<double>& y, const std::vector<double>& c,
                                 double h) {
  if (y.size() != c.size() || y.size() < 2 || !(h > 0))
    throw std::invalid_argument("dopant table: matching depth and composition, h > 0");
  for (size_t i = 1; i < y.size(); ++i)
    if (!(y[i] > y[i - 1])) throw std::invalid_argument("dopant table: depths must increase");
  if (!(y.front() < h && y.back() > h))
    throw std::invalid_argument("dopant table: must reach from inside the film past its interface");
  auto at = [&](double x) {  // linear interpolation (constant beyond the first point)
    if (x <= y.front()) return c.front();
    size_t i = 1;
    while (y[i] < x) ++i;
    return c[i - 1] + (c[i] - c[i - 1]) * (x - y[i - 1]) / (y[i] - y[i - 1]);
  };
  DopantProfile p;
  p.diffusion_length_cm = NAN;
  // Film content: from the outer face (the first point's value held to y = 0) to h.
  double content = c.front() * y.front(), prev_y = y.front(), prev_c = c.front();
  for (size_t i = 0; i < y.size() && y[i] < h; ++i) {
    content += 0.5 * (prev_c + c[i]) * (y[i] - prev_y);
    prev_y = y[i], prev_c = c[i];
  }
  content += 0.5 * (prev_c + at(h)) * (h - prev_y);
  p.film_fraction_left = content / h;
  p.depth_cm.push_back(0.0);
  p.composition.push_back(at(h));
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] > h) {
      p.depth_cm.push_back(y[i] - h);
      p.composition.push_back(c[i]);
    }
  return p;
}

namespace {
struct Solution {
  double current = 0, planar = 0;
};

Solution solve(const MixedZoneLine& z) {
  const int n = static_cast<int>(z.ionic_conductivity.size());
  if (n < 1 || z.depth_cm.size() != static_cast<size_t>(n + 1) ||
      z.electronic_conductivity.size() != static_cast<size_t>(n) ||
      z.transfer_conductance.size() != static_cast<size_t>(n))
    throw std::invalid_argument("mixed zone: one conductivity per cell, n+1 boundaries");
  if (!(z.planar_resistance > 0)) throw std::invalid_argument("planar resistance must be > 0");
  // Unknowns: electronic potential e_k (k < n), ionic potential p_k (n + k).
  // Electrode at potential 1, electrolyte beyond x = L at 0: R = 1 / I.
  std::vector<Eigen::Triplet<double>> t;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(2 * n);
  auto link = [&](int a, int c, double g) {  // conductance between two unknowns
    t.emplace_back(a, a, g);
    t.emplace_back(c, c, g);
    t.emplace_back(a, c, -g);
    t.emplace_back(c, a, -g);
  };
  auto to_fixed = [&](int a, double g, double v) {  // to a fixed potential v
    t.emplace_back(a, a, g);
    b(a) += g * v;
  };
  std::vector<double> w(n);
  for (int k = 0; k < n; ++k) {
    w[k] = z.depth_cm[k + 1] - z.depth_cm[k];
    if (!(w[k] > 0)) throw std::invalid_argument("mixed zone depths must increase");
  }
  // Half-cell conductances from a centre to a face, in series between centres.
  auto series = [](double g1, double g2) { return (g1 > 0 && g2 > 0) ? g1 * g2 / (g1 + g2) : 0.0; };
  for (int k = 0; k < n; ++k) {
    const double ge = 2 * z.electronic_conductivity[k] / w[k];
    const double gi = 2 * z.ionic_conductivity[k] / w[k];
    if (k + 1 < n) {
      const double ge1 = 2 * z.electronic_conductivity[k + 1] / w[k + 1];
      const double gi1 = 2 * z.ionic_conductivity[k + 1] / w[k + 1];
      if (series(ge, ge1) > 0) link(k, k + 1, series(ge, ge1));
      link(n + k, n + k + 1, series(gi, gi1));
    }
    const double gt = z.transfer_conductance[k] * w[k];
    if (gt > 0) link(k, n + k, gt);
    // A rail that carries nothing still needs a defined potential.
    t.emplace_back(k, k, 1e-300);
  }
  const double ge0 = 2 * z.electronic_conductivity[0] / w[0];
  if (ge0 > 0) to_fixed(0, ge0, 1.0);
  const double gi0 = 2 * z.ionic_conductivity[0] / w[0];
  const double g_planar = series(1.0 / z.planar_resistance, gi0);
  to_fixed(n, g_planar, 1.0);
  const double gil = 2 * z.ionic_conductivity[n - 1] / w[n - 1];
  to_fixed(2 * n - 1, gil, 0.0);

  Eigen::SparseMatrix<double> a(2 * n, 2 * n);
  a.setFromTriplets(t.begin(), t.end());
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(a);
  if (lu.info() != Eigen::Success) throw std::runtime_error("mixed zone: singular network");
  const Eigen::VectorXd u = lu.solve(b);
  Solution s;
  s.planar = g_planar * (1.0 - u(n));
  s.current = s.planar + (ge0 > 0 ? ge0 * (1.0 - u(0)) : 0.0);
  return s;
}
}  // namespace

double MixedZoneLine::resistance() const {
  return 1.0 / solve(*this).current;
}

double MixedZoneLine::planar_share() const {
  const Solution s = solve(*this);
  return s.planar / s.current;
}

}  // namespace coatkmc::macro
