#include "host/continuum/MultilayerDiffusion.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace coatkmc {

namespace {

// The matrix is tridiagonal and column diagonally dominant (each column's
// off-diagonal entries are the flux coefficients its diagonal also holds, plus
// g0 dx > 0), so elimination without pivoting is stable.
std::vector<double> solve_tridiagonal(const std::vector<double>& a, std::vector<double> b,
                                      const std::vector<double>& c, std::vector<double> d) {
  const size_t n = b.size();
  for (size_t i = 1; i < n; ++i) {
    const double m = a[i] / b[i - 1];
    b[i] -= m * c[i - 1];
    d[i] -= m * d[i - 1];
  }
  std::vector<double> x(n);
  x[n - 1] = d[n - 1] / b[n - 1];
  for (size_t i = n - 1; i-- > 0;) x[i] = (d[i] - c[i] * x[i + 1]) / b[i];
  return x;
}

// The same system through Eigen's sparse LU (a cross-check of the elimination).
std::vector<double> solve_sparse_lu(const std::vector<double>& a, const std::vector<double>& b,
                                    const std::vector<double>& c, const std::vector<double>& d) {
  const int n = static_cast<int>(b.size());
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(3 * n);
  for (int i = 0; i < n; ++i) {
    if (i > 0) t.emplace_back(i, i - 1, a[i]);
    if (i + 1 < n) t.emplace_back(i, i + 1, c[i]);
    t.emplace_back(i, i, b[i]);
  }
  Eigen::SparseMatrix<double> A(n, n);
  A.setFromTriplets(t.begin(), t.end());
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(A);
  if (lu.info() != Eigen::Success) throw std::runtime_error("diffusion step: sparse LU failed");
  const Eigen::VectorXd x = lu.solve(Eigen::Map<const Eigen::VectorXd>(d.data(), n));
  return std::vector<double>(x.data(), x.data() + n);
}

}  // namespace

MultilayerDiffusion::MultilayerDiffusion(std::vector<DiffusionLayer> layers,
                                         DiffusionSettings settings)
    : layers_(std::move(layers)), settings_(settings) {
  if (layers_.empty()) throw std::invalid_argument("a diffusion stack needs at least one layer");
  if (settings_.steps_per_segment < 2 || !(settings_.first_step_fraction > 0) ||
      !(settings_.first_step_fraction < 1))
    throw std::invalid_argument("diffusion settings: steps_per_segment >= 2, 0 < first step < 1");
  double top = 0;
  for (size_t l = 0; l < layers_.size(); ++l) {
    const DiffusionLayer& L = layers_[l];
    if (!(L.thickness_cm > 0) || L.cells < 1 || !(L.partition_to_next > 0))
      throw std::invalid_argument("layer '" + L.name +
                                  "': thickness > 0, cells >= 1, partition > 0 needed");
    const double h = L.thickness_cm / L.cells;
    for (int i = 0; i < L.cells; ++i) {
      x_.push_back(top + (i + 0.5) * h);
      dx_.push_back(h);
      c_.push_back(L.initial);
      layer_.push_back(static_cast<int>(l));
    }
    top += L.thickness_cm;
  }
  alpha_.assign(c_.size() > 1 ? c_.size() - 1 : 0, 0.0);
  beta_ = alpha_;
  micro_.resize(layers_.size());
  history_.resize(layers_.size());
  for (size_t l = 0; l < layers_.size(); ++l)
    if (layers_[l].microstructure) micro_[l].emplace(*layers_[l].microstructure);
  micro_initial_ = micro_;
}

const FilmMicrostructure* MultilayerDiffusion::microstructure(int layer) const {
  return micro_[layer] ? &*micro_[layer] : nullptr;
}

double MultilayerDiffusion::layer_D(int l, double c, double T) const {
  const DiffusionLayer& L = layers_[l];
  return micro_[l] ? micro_[l]->diffusivity(L.D(c, T), c, T) : L.D(c, T);
}

void MultilayerDiffusion::advance_microstructure(const AnnealSegment& s, double t0, double t1) {
  auto T_at = [&](double t) { return s.start_K + (s.end_K - s.start_K) * (t / s.duration_s); };
  constexpr int kIntervals = 8;  // each integrated by Simpson's rule (FilmMicrostructure::advance)
  for (std::optional<FilmMicrostructure>& m : micro_) {
    if (!m) continue;
    for (int j = 1; j <= kIntervals; ++j) {
      const double ta = t0 + (t1 - t0) * (j - 1) / kIntervals;
      const double tb = t0 + (t1 - t0) * j / kIntervals;
      m->advance(T_at(ta), T_at(tb), tb - ta);
    }
  }
}

double MultilayerDiffusion::layer_top_cm(int layer) const {
  double top = 0;
  for (int l = 0; l < layer; ++l) top += layers_[l].thickness_cm;
  return top;
}

double MultilayerDiffusion::total_amount() const {
  double m = 0;
  for (size_t i = 0; i < c_.size(); ++i) m += c_[i] * dx_[i];
  return m;
}

double MultilayerDiffusion::layer_amount(int layer) const {
  double m = 0;
  for (size_t i = 0; i < c_.size(); ++i)
    if (layer_[i] == layer) m += c_[i] * dx_[i];
  return m;
}

void MultilayerDiffusion::assemble_flux_coefficients(const std::vector<double>& c, double T) {
  const size_t n = c.size();
  for (size_t f = 0; f + 1 < n; ++f) {
    const DiffusionLayer& Li = layers_[layer_[f]];
    const double a = 2.0 * layer_D(layer_[f], c[f], T) / dx_[f];
    const double b = 2.0 * layer_D(layer_[f + 1], c[f + 1], T) / dx_[f + 1];
    const double K = layer_[f] != layer_[f + 1] ? Li.partition_to_next : 1.0;
    const double den = a + b * K;
    alpha_[f] = a * b * K / den;
    beta_[f] = a * b / den;
  }
  top_coef_ = 2.0 * layer_D(0, c.front(), T) / dx_.front();
  bottom_coef_ = 2.0 * layer_D(static_cast<int>(layers_.size()) - 1, c.back(), T) / dx_.back();
}

void MultilayerDiffusion::step(double dt, double T, bool bdf2, double omega) {
  const int n = static_cast<int>(c_.size());
  // BDF2 with variable step: g0 c^{n+1} - rhs = dt f(c^{n+1}).
  const double g0 = bdf2 ? (1 + 2 * omega) / (1 + omega) : 1.0;
  std::vector<double> known(n);
  for (int i = 0; i < n; ++i)
    known[i] = bdf2 ? (1 + omega) * c_[i] - omega * omega / (1 + omega) * c_prev_[i] : c_[i];

  const bool nonlinear = std::any_of(layers_.begin(), layers_.end(), [](const DiffusionLayer& L) {
    return L.D.depends_on_concentration();
  });
  std::vector<double> guess = c_;
  std::vector<double> lower(n, 0.0), diag(n), upper(n, 0.0), rhs(n);
  const int iterations = nonlinear ? settings_.picard_iterations : 1;
  for (int it = 0; it < iterations; ++it) {
    assemble_flux_coefficients(guess, T);
    for (int i = 0; i < n; ++i) {
      diag[i] = g0 * dx_[i];
      rhs[i] = dx_[i] * known[i];
      if (i > 0) {  // face i-1 brings J = alpha c_{i-1} - beta c_i into cell i
        diag[i] += dt * beta_[i - 1];
        lower[i] = -dt * alpha_[i - 1];
      }
      if (i + 1 < n) {  // face i takes J = alpha c_i - beta c_{i+1} out of cell i
        diag[i] += dt * alpha_[i];
        upper[i] = -dt * beta_[i];
      }
    }
    if (settings_.top.fixed) {
      diag[0] += dt * top_coef_;
      rhs[0] += dt * top_coef_ * settings_.top.value;
    }
    if (settings_.bottom.fixed) {
      diag[n - 1] += dt * bottom_coef_;
      rhs[n - 1] += dt * bottom_coef_ * settings_.bottom.value;
    }
    const std::vector<double> sol = settings_.sparse_lu
                                        ? solve_sparse_lu(lower, diag, upper, rhs)
                                        : solve_tridiagonal(lower, diag, upper, rhs);
    double change = 0;
    for (int i = 0; i < n; ++i) {
      change = std::max(change, std::abs(sol[i] - guess[i]));
      guess[i] = sol[i];
    }
    if (change <= settings_.picard_tolerance) break;
  }
  c_prev_ = c_;
  c_ = guess;
  have_prev_ = true;
  last_dt_ = dt;
  elapsed_ += dt;
  ++steps_;
}

double MultilayerDiffusion::reference_D(double T) const {
  // Evolving layers count with their initial microstructure: the step
  // spacing must not move as the microstructure does.
  double d = 0;
  for (size_t l = 0; l < layers_.size(); ++l) {
    const DiffusionLayer& L = layers_[l];
    d = std::max(d, micro_initial_[l]
                        ? micro_initial_[l]->diffusivity(L.D(L.initial, T), L.initial, T)
                        : L.D(L.initial, T));
  }
  return d;
}

double MultilayerDiffusion::effective_temperature(const AnnealSegment& s, double tau0, double tau1,
                                                  double dt) const {
  if (s.is_hold()) return s.start_K;
  // The temperature at which the reference D equals the step's mean D; on an
  // Arrhenius ramp this carries the step's diffusion exactly.
  const double target = (tau1 - tau0) / dt;
  double lo = std::min(s.start_K, s.end_K), hi = std::max(s.start_K, s.end_K);
  if (!(reference_D(lo) <= target && target <= reference_D(hi))) return 0.5 * (lo + hi);
  for (int i = 0; i < 100 && hi - lo > 1e-9 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (reference_D(mid) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

void MultilayerDiffusion::run(const AnnealSchedule& schedule) {
  for (const AnnealSegment& s : schedule.segments()) {
    if (!(s.duration_s > 0)) continue;
    // Reduced time tau(t) = int D_ref dt on a fine grid (trapezoid), then the
    // step ends placed evenly in log tau.
    const int fine = 4000;
    std::vector<double> tf(fine + 1), tau(fine + 1, 0.0);
    double prev = reference_D(s.start_K);
    for (int k = 0; k <= fine; ++k) {
      tf[k] = s.duration_s * k / fine;
      if (k == 0) continue;
      const double T = s.start_K + (s.end_K - s.start_K) * (static_cast<double>(k) / fine);
      const double d = reference_D(T);
      tau[k] = tau[k - 1] + 0.5 * (prev + d) * (tf[k] - tf[k - 1]);
      prev = d;
    }
    const double tau_total = tau[fine];
    const int N = settings_.steps_per_segment;
    const double log_first = std::log(settings_.first_step_fraction);
    double t_prev = 0, tau_prev = 0;
    for (int k = 1; k <= N; ++k) {
      const double tau_k =
          k == N ? tau_total : tau_total * std::exp(log_first * (1.0 - (k - 1.0) / (N - 1.0)));
      double t_k = s.duration_s;
      if (k < N && tau_total > 0) {
        const size_t j = std::lower_bound(tau.begin(), tau.end(), tau_k) - tau.begin();
        if (j == 0) {
          t_k = 0;
        } else {
          const double u = (tau_k - tau[j - 1]) / (tau[j] - tau[j - 1]);
          t_k = tf[j - 1] + u * (tf[j] - tf[j - 1]);
        }
      } else if (k < N) {
        t_k = s.duration_s * k / N;
      }
      const double dt = t_k - t_prev;
      if (!(dt > 0)) continue;
      const double T = effective_temperature(s, tau_prev, tau_k, dt);
      // BDF2 runs in the reduced time tau (the equation is dc/dtau = d/dx(D/D_ref dc/dx)),
      // so its step ratio is that of tau. It is zero-stable for ratios below
      // 1 + sqrt(2); a backward Euler step is taken where the ratio jumps.
      const double dtau = reference_D(T) * dt;
      const double omega = have_prev_ && last_dtau_ > 0 ? dtau / last_dtau_ : 0.0;
      advance_microstructure(s, t_prev, t_k);
      step(dt, T, have_prev_ && omega > 0 && omega < 2.0, omega);
      record_microstructure(s.start_K + (s.end_K - s.start_K) * (t_k / s.duration_s));
      last_dtau_ = dtau;
      t_prev = t_k;
      tau_prev = tau_k;
    }
  }
}

void MultilayerDiffusion::record_microstructure(double T) {
  for (size_t l = 0; l < layers_.size(); ++l) {
    if (!micro_[l]) continue;
    const FilmMicrostructure& m = *micro_[l];
    history_[l].push_back({elapsed_, T, m.crystallized_fraction(), m.grain_size_nm(),
                           m.boundary_fraction(), m.diffusivity(layers_[l].D(0.0, T), 0.0, T)});
  }
}

void MultilayerDiffusion::hold(double temperature_K, double duration_s) {
  run(AnnealSchedule({{duration_s, temperature_K, temperature_K}}));
}

}  // namespace coatkmc
