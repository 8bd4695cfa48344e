#include "host/macro/SphereDiffusion.hpp"

#include <cmath>
#include <stdexcept>

#include "host/macro/PhysicalConstants.hpp"

namespace coatkmc::macro {

SphereDiffusion::SphereDiffusion(double radius_cm, double diffusivity_cm2_s, int shells,
                                 double initial_value)
    : radius_(radius_cm), diffusivity_(diffusivity_cm2_s), n_(shells) {
  if (!(radius_ > 0) || !(diffusivity_ > 0) || n_ < 2)
    throw std::invalid_argument("sphere diffusion needs R > 0, D > 0 and at least 2 shells");
  dr_ = radius_ / n_;
  volume_.resize(n_);
  for (int i = 0; i < n_; ++i) {
    const double r0 = i * dr_, r1 = (i + 1) * dr_;
    volume_(i) = 4.0 / 3.0 * kPi * (r1 * r1 * r1 - r0 * r0 * r0);
  }
  // Inner faces i+1/2 between shells i and i+1: flow D A (x_{i+1} - x_i) / dr.
  // K is symmetric with zero column sums, so 1^T K = 0 and content is conserved.
  std::vector<Eigen::Triplet<double>> t;
  for (int i = 0; i + 1 < n_; ++i) {
    const double r = (i + 1) * dr_;
    const double g = diffusivity_ * 4.0 * kPi * r * r / dr_;
    t.emplace_back(i, i, g);
    t.emplace_back(i + 1, i + 1, g);
    t.emplace_back(i, i + 1, -g);
    t.emplace_back(i + 1, i, -g);
  }
  stiffness_.resize(n_, n_);
  stiffness_.setFromTriplets(t.begin(), t.end());
  x_ = Eigen::VectorXd::Constant(n_, initial_value);
}

void SphereDiffusion::factorize(double dt) {
  Eigen::SparseMatrix<double> m = stiffness_;
  for (int i = 0; i < n_; ++i) m.coeffRef(i, i) += volume_(i) / dt;
  euler_.compute(m);
  m = stiffness_;
  for (int i = 0; i < n_; ++i) m.coeffRef(i, i) += 1.5 * volume_(i) / dt;
  bdf2_.compute(m);
  if (euler_.info() != Eigen::Success || bdf2_.info() != Eigen::Success)
    throw std::runtime_error("sphere diffusion: factorization failed");
  dt_ = dt;
  Eigen::VectorXd e = Eigen::VectorXd::Zero(n_);
  e(n_ - 1) = 4.0 * kPi * radius_ * radius_;
  unit_response_ = euler_.solve(e);
}

SphereDiffusion::Response SphereDiffusion::euler_response(double dt) {
  if (!(dt > 0)) throw std::invalid_argument("time step must be > 0");
  if (dt != dt_) factorize(dt);
  pending_base_ = euler_.solve(Eigen::VectorXd(volume_.cwiseProduct(x_) / dt));
  Response r;
  r.base = pending_base_(n_ - 1);
  r.slope = unit_response_(n_ - 1) + 0.5 * dr_ / diffusivity_;
  return r;
}

void SphereDiffusion::euler_commit(double surface_flux) {
  if (pending_base_.size() != n_) throw std::logic_error("euler_commit without euler_response");
  x_previous_ = x_;
  x_ = pending_base_ + surface_flux * unit_response_;
  pending_base_.resize(0);
  // A BDF2 step after this would need the same flux before and after: restart it.
  have_previous_ = false;
  flux_ = surface_flux;
}

void SphereDiffusion::step(double dt, double surface_flux) {
  if (!(dt > 0)) throw std::invalid_argument("time step must be > 0");
  if (dt != dt_) {
    factorize(dt);
    have_previous_ = false;
  }
  if (surface_flux != flux_) have_previous_ = false;
  Eigen::VectorXd rhs(n_);
  const double inflow = surface_flux * 4.0 * kPi * radius_ * radius_;  // per s
  Eigen::VectorXd next;
  if (have_previous_) {
    rhs = volume_.cwiseProduct(2.0 * x_ - 0.5 * x_previous_) / dt;
    rhs(n_ - 1) += inflow;
    next = bdf2_.solve(rhs);
  } else {
    rhs = volume_.cwiseProduct(x_) / dt;
    rhs(n_ - 1) += inflow;
    next = euler_.solve(rhs);
  }
  x_previous_ = x_;
  x_ = next;
  have_previous_ = true;
  flux_ = surface_flux;
}

double SphereDiffusion::surface_value() const {
  return x_(n_ - 1) + 0.5 * dr_ * flux_ / diffusivity_;
}

double SphereDiffusion::mean() const {
  return volume_.dot(x_) / volume_.sum();
}

std::vector<double> SphereDiffusion::shell_centres() const {
  std::vector<double> r(n_);
  for (int i = 0; i < n_; ++i) r[i] = (i + 0.5) * dr_;
  return r;
}

}  // namespace coatkmc::macro
