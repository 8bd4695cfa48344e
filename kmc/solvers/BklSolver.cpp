#include "kmc/solvers/BklSolver.hpp"

#include <cmath>

#include "kernels/CounterRng.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

BklSolver::BklSolver(const Lattice& lattice, const HopModel& model, uint64_t seed)
    : lattice_(lattice), model_(model), seed_(seed), zmax_(lattice.max_coordination()) {}

double BklSolver::hop_rate(const SystemState& state, int64_t site, int k, int32_t target) const {
  if (!model_.has_interaction()) return model_.static_rate(site, k);
  // The hopping ion itself neighbours the target; it does not count there.
  return model_.rate(site, k, state.occupied_neighbors[site],
                     state.occupied_neighbors[target] - 1);
}

double BklSolver::site_rate(const SystemState& state, int64_t site) const {
  if (state.site_ion[site] < 0) return 0.0;
  const int32_t* row = lattice_.neighbor_row(site);
  double sum = 0.0;
  for (int k = 0; k < zmax_; ++k) {
    const int32_t t = row[k];
    if (t >= 0 && state.site_ion[t] < 0) sum += hop_rate(state, site, k, t);
  }
  return sum;
}

void BklSolver::rebuild(const SystemState& state) {
  tree_.resize(lattice_.num_sites());
  for (int64_t s = 0; s < lattice_.num_sites(); ++s) tree_.set(s, site_rate(state, s));
  tree_.refresh();
  bound_ = &state;
  bound_hops_ = state.hops;
}

void BklSolver::update_around(const SystemState& state, int32_t site) {
  tree_.set(site, site_rate(state, site));
  const int32_t* row = lattice_.neighbor_row(site);
  for (int k = 0; k < zmax_; ++k) {
    const int32_t n = row[k];
    if (n < 0) continue;
    tree_.set(n, site_rate(state, n));
    if (model_.has_interaction()) {
      // Occupancy around n changed, so every ion next to n sees a new target energy.
      const int32_t* row2 = lattice_.neighbor_row(n);
      for (int q = 0; q < zmax_; ++q)
        if (row2[q] >= 0) tree_.set(row2[q], site_rate(state, row2[q]));
    }
  }
}

void BklSolver::advance(SystemState& state, const AdvanceTarget& target) {
  // The tree caches rates of one state; rebuild if handed another or a changed one.
  if (bound_ != &state || bound_hops_ != state.hops) rebuild(state);

  while (state.hops < target.hops) {
    const double total = tree_.total();
    if (!(total > 0)) {
      if (std::isfinite(target.time)) {
        state.time = target.time;
        return;
      }
      throw CannotProceed("no hop is possible (every ion is blocked); set run.time instead");
    }
    const auto w = CounterRng::words(seed_, kStreamDynamics, state.replica, state.rng_step++, 0);
    const double dt = -std::log(CounterRng::uniform_open_zero(w[2], w[3])) / total;
    if (state.time + dt > target.time) {
      // Memorylessness: the state holds until target.time; the drawn hop is discarded.
      state.time = target.time;
      bound_hops_ = state.hops;
      return;
    }
    double r = 0.0;
    const int32_t origin =
        static_cast<int32_t>(tree_.select(CounterRng::uniform(w[0], w[1]) * total, r));
    const int32_t* row = lattice_.neighbor_row(origin);
    int chosen = -1;
    for (int k = 0; k < zmax_; ++k) {
      const int32_t t = row[k];
      if (t < 0 || state.site_ion[t] >= 0) continue;
      chosen = k;
      const double rk = hop_rate(state, origin, k, t);
      if (r < rk) break;
      r -= rk;
    }
    const int32_t dest = row[chosen];
    const HopTemplate& h = lattice_.hop(origin, chosen);
    state.time += dt;
    state.move_ion(lattice_, origin, dest, h.displacement, h.length * h.length);
    ++state.attempts;
    update_around(state, origin);
    update_around(state, dest);
    tree_.refresh();
  }
  bound_hops_ = state.hops;
}

}  // namespace coatkmc
