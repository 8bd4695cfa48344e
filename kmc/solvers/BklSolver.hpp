#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kmc/model/EnvironmentModel.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/solvers/BklEnvironmentRates.hpp"
#include "kmc/solvers/BlockSumTree.hpp"
#include "kmc/solvers/Solver.hpp"

namespace coatkmc {

// Exact rejection-free kinetic Monte Carlo (the n-fold way of Bortz, Kalos and
// Lebowitz). One leaf per site holds the total rate of the ion on it; a hop is
// chosen by descending the sum tree, its direction by the site's own rates,
// and the clock advances by -ln(u)/R. After a hop only the sites whose rates
// can have changed are recomputed: origin, target and their neighbours, and
// with an ion-ion interaction also the neighbours' neighbours.
//
// Random numbers: step n of replica r uses Philox words (seed, dynamics, r, n):
// two for the event, two for the waiting time.
//
// This is the reference every faster solver is tested against.
class BklSolver : public Solver {
 public:
  BklSolver(const Lattice& lattice, const HopModel& model, uint64_t seed);
  std::string name() const override { return "bkl"; }
  void advance(SystemState& state, const AdvanceTarget& target) override;

  // Total rate of the ion on `site` (0 for an empty site); exposed for tests.
  double site_rate(const SystemState& state, int64_t site) const;
  double total_rate() const { return tree_.total(); }
  // The rate the solver holds for `site` since its last update (tests
  // compare it with site_rate(), a recomputation from scratch).
  double cached_site_rate(int64_t site) const { return tree_.leaf(site); }

  // Several species on one sublattice, exchanging with vacancies: every hop
  // of an ion of species s is multiplied by factors[s] (exp(-dE_s/kT) for a
  // species barrier offset dE_s, which keeps detailed balance for each
  // species). Used when the state has ion_species; empty (the default) or a
  // state without species is the one-species solver, bit for bit.
  void set_species_rate_factors(std::vector<double> factors);
  // The species model of [[occupancy.species]] and [[hop.exchange]]
  // (kernels/SpeciesEnergy.hpp): vacancy factors per (species, basis site,
  // slot) and direct exchanges. `rates` must outlive the solver.
  void set_species(const SpeciesRates& rates);
  // The local-environment model ([environment], docs/environment.md): a hop's
  // rate is the hop model's static rate times exp(-E_env / kT), E_env from
  // the occupant codes around the hop; no hop enters a site an immobile
  // species holds. After a move the rates of every site whose hops read the
  // origin or the target are brought up to date (BklEnvironmentRates; where
  // the model's count vectors are too many to tabulate, recomputed:
  // EnvironmentModel::for_affected). `env` must outlive the solver.
  // `max_cache_bytes` bounds the per-hop cache (counts and rates, about
  // z (2 T + 9) bytes per site for T local terms); a model beyond it, or 0,
  // recomputes every affected rate instead (the reference the tests compare
  // the cache with).
  // (kMaxEnvironmentCacheBytes is what a run gives: kmc/simulation/RunMemory counts the cache by it.)
  static constexpr double kMaxEnvironmentCacheBytes = 1e9;
  void set_environment(const EnvironmentModel& env,
                       double max_cache_bytes = kMaxEnvironmentCacheBytes);
  // The same with the cache decided and its tables made for the run
  // (make_bkl_environment_tables, once in plan_run): copied, not rebuilt.
  void set_environment(const EnvironmentModel& env, const BklEnvironmentTables& tables);

 private:
  void rebuild(SystemState& state);
  double hop_rate(const SystemState& state, int64_t site, int k, int32_t target) const;
  double single_species_site_rate(const SystemState& state, int64_t site) const;
  bool species_active(const SystemState& state) const {
    return !vacancy_factor_.empty() && !state.ion_species.empty();
  }
  // Rate of the event of the ion on `site` (species `s`) along slot k to
  // `target`: a hop into a vacancy, or a direct exchange with the ion there.
  double species_event_rate(const SystemState& state, int64_t site, int s, int k,
                            int32_t target) const;
  double species_site_rate(const SystemState& state, int64_t site) const;
  // The leaf of `site` from the environment's cached hop rates, summed as
  // site_rate() sums them.
  double cached_environment_site_rate(const SystemState& state, int64_t site) const;
  // The cached environment rates apply (the model tabulated, no exchanges).
  bool environment_cached() const { return env_rates_ != nullptr && exchange_ == nullptr; }
  void update_after_exchange(const SystemState& state, int32_t a, int32_t b);
  void update_after_hop(const SystemState& state, int32_t origin, int32_t dest);

  const Lattice& lattice_;
  const HopModel& model_;
  uint64_t seed_;
  int zmax_;
  BlockSumTree tree_;
  const SystemState* bound_ = nullptr;  // state the tree was built for
  std::vector<double> vacancy_factor_;  // [(species * nbasis + b) * zmax + k], empty: one species
  const SpeciesRates* exchange_ = nullptr;  // direct exchanges, when configured
  const EnvironmentModel* env_ = nullptr;   // local-environment model, when configured
  std::unique_ptr<BklEnvironmentRates> env_rates_;  // its cached rates, when tabulated
  std::vector<int32_t> touched_;            // scratch: the sites a move affects
  uint64_t bound_hops_ = 0;
};

}  // namespace coatkmc
