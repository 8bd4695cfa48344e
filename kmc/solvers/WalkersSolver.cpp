#include "kmc/solvers/WalkersSolver.hpp"

#include <cmath>
#include <limits>

#include "kmc/core/Error.hpp"

namespace coatkmc {

WalkersSolver::WalkersSolver(const Lattice& lattice, const HopModel& model, uint64_t seed,
                             BackendKind backend, int threads)
    : lattice_(lattice), model_(model), seed_(seed), backend_(backend), threads_(threads) {
  if (model.has_interaction())
    throw CannotProceed("walkers do not see each other, so they take no hop.interaction");
}

void WalkersSolver::advance(SystemState& state, const AdvanceTarget& target) {
  if (state.hops >= target.hops || state.time >= target.time) return;
  if (!batch_ || bound_ != &state || bound_hops_ != state.hops || bound_step_ != state.rng_step ||
      bound_time_ != state.time) {
    batch_ = std::make_unique<WalkerBatch>(lattice_, backend_, threads_);
    batch_->add_group(model_, seed_, state);
    bound_ = &state;
  }
  if (target.hops == std::numeric_limits<uint64_t>::max()) {
    batch_->advance_to({target.time});
  } else {
    double rate = batch_->total_rate(0);  // expected hops per second right now
    while (state.hops < target.hops && state.time < target.time) {
      if (!(rate > 0)) {
        if (!std::isfinite(target.time))
          throw CannotProceed("no hop is possible (every walker is stuck); set run.time instead");
        batch_->advance_to({target.time});
        break;
      }
      const double remaining = static_cast<double>(target.hops - state.hops);
      const double t_next = std::min(target.time, state.time + remaining / rate);
      if (!(t_next > state.time))
        throw CannotProceed(
            "walkers: simulated time no longer advances (rates too high for "
            "double precision at this time)");
      const uint64_t h0 = state.hops;
      const double t0 = state.time;
      batch_->advance_to({t_next});
      const uint64_t dh = state.hops - h0;
      // A round without hops had too short a window: double it.
      rate = dh > 0 ? static_cast<double>(dh) / (state.time - t0) : rate / 2;
    }
  }
  bound_hops_ = state.hops;
  bound_step_ = state.rng_step;
  bound_time_ = state.time;
}

}  // namespace coatkmc
