#include "kmc/solvers/WalkersSolver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/WalkerEngine.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {
// The equilibrium escape rate of one walker, 1/s: the total hop rate of each
// host site with a way out, weighted by its Boltzmann factor (where
// independent walkers spend their time). A function of the model alone.
double equilibrium_escape_rate(const Lattice& lattice, const HopModel& model) {
  const int64_t rows = model.uniform_landscape() ? lattice.basis_size() : lattice.num_sites();
  double e_min = std::numeric_limits<double>::infinity();
  for (int64_t s = 0; s < rows; ++s)
    if (lattice.is_host(s)) e_min = std::min(e_min, model.site_energy(s));
  double weight = 0, weighted = 0;
  for (int64_t s = 0; s < rows; ++s) {
    if (!lattice.is_host(s)) continue;
    double total = 0;
    for (int k = 0; k < lattice.coordination(lattice.basis_of(s)); ++k)
      total += model.static_rate(s, k);
    if (!(total > 0)) continue;
    const double w = std::exp(-(model.site_energy(s) - e_min) / model.kT());
    weight += w;
    weighted += w * total;
  }
  return weight > 0 ? weighted / weight : 0.0;
}
}  // namespace

WalkersSolver::WalkersSolver(const Lattice& lattice, const HopModel& model, uint64_t seed,
                             BackendKind backend, int threads)
    : lattice_(lattice), model_(model), seed_(seed), backend_(backend), threads_(threads) {
  if (model.has_interaction())
    throw CannotProceed("walkers do not see each other, so they take no hop.interaction");
  const double rate = equilibrium_escape_rate(lattice, model);
  round_time_ = rate > 0 ? kHopsPerRound / rate : 0.0;
}

int32_t WalkersSolver::rounds_toward(uint64_t hops_left, int64_t walkers) {
  if (walkers <= 0) return 1;
  const double rounds = std::floor(static_cast<double>(hops_left) /
                                   (static_cast<double>(walkers) * kHopsPerRound));
  return static_cast<int32_t>(
      std::clamp(rounds, 1.0, static_cast<double>(WalkerEngine::kMaxRounds)));
}

double WalkersSolver::next_round_end(double time) const {
  const double k = std::floor(time / round_time_) + 1;
  double end = k * round_time_;
  if (!(end > time)) end = (k + 1) * round_time_;
  if (!(end > time))
    throw CannotProceed(
        "walkers: simulated time no longer advances (too many rounds for double precision)");
  return end;
}

void WalkersSolver::bind(SystemState& state) {
  if (!batch_ || bound_ != &state || bound_hops_ != state.hops || bound_step_ != state.rng_step ||
      bound_time_ != state.time) {
    windows_.unbind();  // its engine goes with the old batch
    batch_ = std::make_unique<WalkerBatch>(lattice_, backend_, threads_);
    batch_->add_group(model_, seed_, state);
    batch_->keep_positions_on_engine(resident_);
    bound_ = &state;
    bound_hops_ = state.hops;
    bound_step_ = state.rng_step;
    bound_time_ = state.time;
  }
}

void WalkersSolver::bind_windows(SystemState& state) {
  bind(state);
  if (!windows_.bound()) windows_.bind(batch_->bind_windows(0, layout_), state.num_ions());
}

void WalkersSolver::keep_state_on_engine(bool keep) {
  resident_ = keep;
  if (batch_) batch_->keep_positions_on_engine(keep);
}

void WalkersSolver::sync(SystemState& state) {
  // Only the bound state's positions can lag; any other is the host's own.
  if (batch_ && bound_ == &state && bound_hops_ == state.hops && bound_step_ == state.rng_step &&
      bound_time_ == state.time)
    batch_->sync_states();
}

void WalkersSolver::advance(SystemState& state, const AdvanceTarget& target) {
  if (state.hops >= target.hops || state.time >= target.time) return;
  bind(state);
  auto stuck = [&] {
    if (!std::isfinite(target.time))
      throw CannotProceed("no hop is possible (every walker is stuck); set run.time instead");
    batch_->advance_to({target.time});
  };
  if (target.hops == std::numeric_limits<uint64_t>::max()) {
    batch_->advance_to({target.time});
  } else if (!(round_time_ > 0) || !(batch_->total_rate(0) > 0)) {
    stuck();
  } else {
    // Rounds on the fixed grid of round_time_, whatever the target: where a
    // run stops (its milestones, a checkpoint) never changes its rounds. The
    // hop target is met by launches of whole rounds, each reaching a grid
    // instant fixed before it starts (docs/parallel-solvers.md, "the hop-target
    // rule"): as many rounds as the hops still to make would fill at one hop
    // per walker per round (rounds_toward), at least one and at most
    // kMaxRounds; again until the total reaches the target.
    std::vector<double> ends;
    while (state.hops < target.hops && state.time < target.time) {
      const int32_t want = rounds_toward(target.hops - state.hops, state.num_ions());
      ends.clear();
      double t = state.time;
      while (static_cast<int32_t>(ends.size()) < want) {
        double end;
        try {
          end = std::min(target.time, next_round_end(t));
        } catch (const CannotProceed&) {
          if (ends.empty()) throw;  // only when the next round cannot start
          break;
        }
        ends.push_back(end);
        if (!(end < target.time)) break;
        t = end;
      }
      // A launch without a hop: a stuck lattice is told from unlucky rounds here.
      if (batch_->advance_rounds(ends) == 0 && !(batch_->total_rate(0) > 0)) {
        stuck();
        break;
      }
    }
  }
  bound_hops_ = state.hops;
  bound_step_ = state.rng_step;
  bound_time_ = state.time;
}

}  // namespace coatkmc
