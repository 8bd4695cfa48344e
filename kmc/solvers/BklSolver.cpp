#include "kmc/solvers/BklSolver.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/CounterRng.hpp"
#include "kernels/SpeciesEnergy.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

BklSolver::BklSolver(const Lattice& lattice, const HopModel& model, uint64_t seed)
    : lattice_(lattice), model_(model), seed_(seed), zmax_(lattice.max_coordination()) {}

double BklSolver::hop_rate(const SystemState& state, int64_t site, int k, int32_t target) const {
  if (env_) {
    // A site an immobile species holds is no vacancy.
    if (env_->code(state, target) != 0) return 0.0;
    return model_.static_rate(site, k) * env_->factor(state, site, k);
  }
  if (!model_.has_interaction()) return model_.static_rate(site, k);
  // The hopping ion itself neighbours the target; it does not count there.
  return model_.rate(site, k, state.occupied_neighbors[site],
                     state.occupied_neighbors[target] - 1);
}

// Sums in direction order k = 0, 1, ...: advance() scans the same order, so the
// remainder left by the tree always falls inside this site's cumulative rates.
void BklSolver::set_species_rate_factors(std::vector<double> factors) {
  for (double f : factors)
    if (!(f > 0) || !std::isfinite(f))
      throw std::invalid_argument("species rate factors must be positive and finite");
  const int nb = lattice_.basis_size();
  vacancy_factor_.clear();
  for (double f : factors) vacancy_factor_.insert(vacancy_factor_.end(), size_t(nb) * zmax_, f);
  exchange_ = nullptr;
  bound_ = nullptr;  // cached rates are stale
}

void BklSolver::set_environment(const EnvironmentModel& env, double max_cache_bytes) {
  set_environment(env, *make_bkl_environment_tables(lattice_, env, max_cache_bytes));
}

void BklSolver::set_environment(const EnvironmentModel& env, const BklEnvironmentTables& tables) {
  if (model_.has_interaction())
    throw std::invalid_argument("the environment model replaces hop.interaction (give J as a pair)");
  env_ = &env;
  env_rates_.reset();
  if (tables.cache)
    env_rates_ =
        std::make_unique<BklEnvironmentRates>(lattice_, model_, env, tables.index, tables.table);
  bound_ = nullptr;
}

void BklSolver::set_species(const SpeciesRates& rates) {
  vacancy_factor_ = rates.vacancy_factors();
  exchange_ = rates.has_exchange() ? &rates : nullptr;
  bound_ = nullptr;
}

double BklSolver::site_rate(const SystemState& state, int64_t site) const {
  if (!state.occupied[site]) return 0.0;
  if (species_active(state)) return species_site_rate(state, site);
  return single_species_site_rate(state, site);
}

double BklSolver::species_event_rate(const SystemState& state, int64_t site, int s, int k,
                                     int32_t target) const {
  const int b = lattice_.basis_of(site);
  if (!state.occupied[target])
    return hop_rate(state, site, k, target) *
           vacancy_factor_[SpeciesEnergy::slot(s, lattice_.basis_size(), zmax_, b, k)];
  if (!exchange_) return 0.0;
  return exchange_->exchange_rate(s, state.ion_species[state.site_ion[target]], b, k);
}

// In direction order, as advance() scans them.
double BklSolver::species_site_rate(const SystemState& state, int64_t site) const {
  const NeighborRow row = lattice_.neighbors_of(site);
  const int s = state.ion_species[state.site_ion[site]];
  double sum = 0.0;
  for (int k = 0; k < row.count; ++k) sum += species_event_rate(state, site, s, k, row[k]);
  return sum;
}

double BklSolver::single_species_site_rate(const SystemState& state, int64_t site) const {
  const NeighborRow row = lattice_.neighbors_of(site);
  const uint8_t* occ = state.occupied.data();
  double sum = 0.0;
  if (!model_.has_interaction() && !env_) {
    const double* rates = model_.static_rate_row(site);
    // Occupancy is random, so a branch on it is mispredicted half the time.
    // Multiplying by exactly 1 or 0 and adding +0.0 gives, bit for bit, the
    // sum the branch gave.
    // (A table load, because g++ turns `occ ? 0 : r` and `r * (occ == 0)` back into branches.)
    static constexpr double kEmptyWeight[2] = {1.0, 0.0};
    for (int k = 0; k < row.count; ++k) sum += rates[k] * kEmptyWeight[occ[row[k]] != 0];
    return sum;
  }
  for (int k = 0; k < row.count; ++k) {
    const int32_t t = row[k];
    if (!occ[t]) sum += hop_rate(state, site, k, t);
  }
  return sum;
}

double BklSolver::cached_environment_site_rate(const SystemState& state, int64_t site) const {
  if (!state.occupied[site]) return 0.0;
  const NeighborRow row = lattice_.neighbors_of(site);
  const uint8_t* occ = state.occupied.data();
  double sum = 0.0;
  // The terms site_rate() adds, in its order; the ones it skips or adds as
  // exactly 0.0 (an occupied target, no exchange) change no bit.
  if (species_active(state)) {
    const int s = state.ion_species[state.site_ion[site]];
    const int b = lattice_.basis_of(site);
    for (int k = 0; k < row.count; ++k)
      if (!occ[row[k]])
        sum += env_rates_->rate(site, k) *
               vacancy_factor_[SpeciesEnergy::slot(s, lattice_.basis_size(), zmax_, b, k)];
    return sum;
  }
  for (int k = 0; k < row.count; ++k)
    if (!occ[row[k]]) sum += env_rates_->rate(site, k);
  return sum;
}

void BklSolver::rebuild(SystemState& state) {
  if (model_.has_interaction() && !state.neighbor_counts_valid) state.recount_neighbors(lattice_);
  tree_.resize(lattice_.num_sites());
  if (environment_cached()) {
    env_rates_->rebuild(state);
    for (int64_t s = 0; s < lattice_.num_sites(); ++s)
      tree_.set(s, cached_environment_site_rate(state, s));
  } else {
    for (int64_t s = 0; s < lattice_.num_sites(); ++s) tree_.set(s, site_rate(state, s));
  }
  tree_.refresh();
  bound_ = &state;
  bound_hops_ = state.hops;
}

void BklSolver::update_after_hop(const SystemState& state, int32_t origin, int32_t dest) {
  if (environment_cached()) {
    // The hops whose environment holds the origin or the destination.
    touched_.clear();
    env_rates_->after_hop(state, origin, dest, touched_);
    touched_.push_back(origin);
    touched_.push_back(dest);
    for (const int32_t s : touched_) {
      const double v = cached_environment_site_rate(state, s);
      if (v != tree_.leaf(s)) tree_.set(s, v);
    }
    return;
  }
  if (env_) {
    // Every site whose hops read the origin or the destination (the
    // environment's reach, which includes their hop neighbours).
    touched_.clear();
    env_->for_affected(origin, [&](int64_t s) { touched_.push_back(static_cast<int32_t>(s)); });
    env_->for_affected(dest, [&](int64_t s) { touched_.push_back(static_cast<int32_t>(s)); });
    touched_.push_back(origin);
    touched_.push_back(dest);
    std::sort(touched_.begin(), touched_.end());
    touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
    for (const int32_t s : touched_) {
      const double v = site_rate(state, s);
      if (v != tree_.leaf(s)) tree_.set(s, v);
    }
    return;
  }
  // Without interactions a rate depends on the target's occupancy only: the
  // origin (now empty), the destination and their neighbours change.
  // An empty neighbour's leaf stays 0: setting only leaves that changed keeps
  // their groups clean, so refresh() has fewer sums to redo.
  const auto update = [&](int32_t s) {
    const double v = site_rate(state, s);
    if (v != tree_.leaf(s)) tree_.set(s, v);
  };
  tree_.set(origin, 0.0);
  tree_.set(dest, site_rate(state, dest));
  const NeighborRow ro = lattice_.neighbors_of(origin);
  const NeighborRow rd = lattice_.neighbors_of(dest);
  for (int k = 0; k < ro.count; ++k)
    if (ro[k] != dest) update(ro[k]);
  for (int k = 0; k < rd.count; ++k)
    if (rd[k] != origin) update(rd[k]);
  if (!model_.has_interaction()) return;
  // With an ion-ion interaction the neighbour counts around origin and
  // destination changed too, so every ion next to one of their neighbours
  // sees new target energies.
  for (const NeighborRow& row : {ro, rd})
    for (int k = 0; k < row.count; ++k) {
      const NeighborRow row2 = lattice_.neighbors_of(row[k]);
      for (int q = 0; q < row2.count; ++q) update(row2[q]);
    }
}

void BklSolver::update_after_exchange(const SystemState& state, int32_t a, int32_t b) {
  // Occupancy and neighbour counts are unchanged; the species on a and b
  // changed, which changes their own rates and the exchange rates of their
  // neighbours.
  tree_.set(a, site_rate(state, a));
  tree_.set(b, site_rate(state, b));
  for (const int32_t site : {a, b}) {
    const NeighborRow row = lattice_.neighbors_of(site);
    for (int k = 0; k < row.count; ++k)
      if (row[k] != a && row[k] != b) tree_.set(row[k], site_rate(state, row[k]));
  }
}

void BklSolver::advance(SystemState& state, const AdvanceTarget& target) {
  // The tree caches rates of one state; rebuild if handed another or a changed one.
  if (bound_ != &state || bound_hops_ != state.hops) rebuild(state);
  const bool count_neighbors = model_.has_interaction();

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
    const NeighborRow row = lattice_.neighbors_of(origin);
    // Every neighbour's leaf is rewritten or compared after the hop, and the
    // ion's site entry moves: start those loads now, while the direction is chosen.
    for (int k = 0; k < row.count; ++k) tree_.prefetch_leaf(row[k]);
    __builtin_prefetch(&state.site_ion[origin], 1);
    if (environment_cached()) env_rates_->prefetch(origin);
    int chosen = -1;
    if (species_active(state)) {
      const int s = state.ion_species[state.site_ion[origin]];
      for (int k = 0; k < row.count; ++k) {
        const double rk = species_event_rate(state, origin, s, k, row[k]);
        if (!(rk > 0)) continue;
        chosen = k;
        if (r < rk) break;
        r -= rk;
      }
      if (state.occupied[row[chosen]]) {
        // A direct exchange: both sites stay occupied, the two ions swap.
        const HopTemplate& h = lattice_.hop(origin, chosen);
        state.time += dt;
        state.exchange_ions(origin, row[chosen], h.displacement, h.length * h.length);
        ++state.attempts;
        update_after_exchange(state, origin, row[chosen]);
        tree_.refresh();
        continue;
      }
    } else {
      for (int k = 0; k < row.count; ++k) {
        const int32_t t = row[k];
        if (state.occupied[t]) continue;
        const double rk = environment_cached() ? env_rates_->rate(origin, k)
                                               : hop_rate(state, origin, k, t);
        // With the environment a vacant target may be closed (rate 0): never choose it.
        if (env_ && !(rk > 0)) continue;
        chosen = k;
        if (r < rk) break;
        r -= rk;
      }
    }
    const int32_t dest = row[chosen];
    if (environment_cached()) env_rates_->prefetch(dest);
    {
      const NeighborRow rd = lattice_.neighbors_of(dest);
      for (int k = 0; k < rd.count; ++k) {
        tree_.prefetch_leaf(rd[k]);
        __builtin_prefetch(&state.occupied[rd[k]]);
      }
    }
    const HopTemplate& h = lattice_.hop(origin, chosen);
    state.time += dt;
    const int32_t ion = state.relocate_ion(lattice_, origin, dest, count_neighbors);
    // The ion's displacement is a likely cache miss: fetch it now, use it after the rate updates.
    __builtin_prefetch(&state.displacement[ion], 1);
    ++state.attempts;
    update_after_hop(state, origin, dest);
    tree_.refresh();
    state.record_hop(ion, h.displacement, h.length * h.length);
  }
  bound_hops_ = state.hops;
}

}  // namespace coatkmc
