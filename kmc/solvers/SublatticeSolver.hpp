#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeTiling.hpp"
#include "kmc/backend/Backend.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/solvers/EngineWindowSolver.hpp"
#include "kmc/solvers/HopSteps.hpp"
#include "kmc/solvers/SublatticeClasses.hpp"
#include "kmc/solvers/SublatticeDefaults.hpp"
#include "kmc/solvers/SublatticeEnvironment.hpp"

namespace coatkmc {

struct SublatticeOptions {
  double acceptance_ceiling = kDefaultAcceptanceCeiling;  // in (0, 1]
  SublatticeAttemptRule rule = kPoissonAttempts;
  int threads = 1;  // OpenMP threads of the CPU backend
  // Several species ([[occupancy.species]]): per-species vacancy factors;
  // nullptr is one species. Direct exchange ([[hop.exchange]]) included.
  const SpeciesRates* species = nullptr;
  // The local-environment energy model (issue 16; kmc/solvers/SublatticeEnvironment.hpp):
  // read by the constructor only; nullptr: none. Refused together with an
  // interaction J (give J as a pair cluster of the model).
  const SublatticeEnvironmentModel* environment = nullptr;
  // BackendKind::Replay: seed of the replay's block and lane orders (0: natural order).
  uint64_t replay_shuffle = 0x5eed;
  // sublattice.class_rule: the tiles' classes, or the lattice-wide rule
  // (kernels/SublatticeLatticeRule.hpp) where visits are thinned and the
  // lattice has one (Auto), or always (Lattice: the constructor refuses a run
  // where it does not apply).
  SublatticeClassRule class_rule = SublatticeClassRule::Tiles;
};

// Interacting ions on the whole lattice by parallel rejection kinetic Monte
// Carlo (uniformization). Every sweep visits each mobile site once, the site
// classes of kernels/SublatticeTiling.hpp (or, with sublattice.class_rule,
// the lattice-wide classes of kernels/SublatticeLatticeRule.hpp) in a fresh
// random order; an ion picks
// a hop slot uniformly and hops with probability rate / gamma,
// gamma = max_rate / acceptance_ceiling, and a sweep advances the clock by
// 1 / (zmax gamma). The same sweeps run on the CPU (OpenMP) and the GPU (CUDA)
// and give the same trajectory bit for bit.
//
// Not exact: the fixed sweep structure biases correlated motion by an amount
// that shrinks with the ceiling; docs/parallel-solvers.md measures it against bkl.
//
// Targets: a time target is met exactly (the last sweep is a partial sweep
// whose acceptance probabilities are scaled by the fraction of a sweep left);
// a hop target is met at the end of the first sweep that reaches it, so it may
// be passed by the hops of that sweep. `attempts` counts site visits (empty
// sites and ions that already tried this sweep are null attempts).
// Random numbers: site s in sweep n uses Philox (seed, sublattice stream,
// replica, n, s); class orders use the class-order stream; state.rng_step
// counts sweeps.
// The rule named by sublattice.attempts: poisson, one_per_ion or one_per_site.
SublatticeAttemptRule sublattice_attempt_rule(const std::string& name);
const std::vector<std::string>& sublattice_attempt_rule_names();

class SublatticeSolver : public EngineWindowSolver {
 public:
  SublatticeSolver(const Lattice& lattice, const HopModel& model, uint64_t seed,
                   BackendKind backend, SublatticeOptions options = {});
  ~SublatticeSolver() override;
  std::string name() const override { return "sublattice"; }
  void advance(SystemState& state, const AdvanceTarget& target) override;
  // Windows reduced in the engine's memory: kmc/solvers/EngineWindowSolver.hpp.
  void keep_state_on_engine(bool keep) override { resident_ = keep; }
  void sync(SystemState& state) override;

  // Duration of one full sweep, s.
  double sweep_time() const { return sweep_time_; }
  const SublatticeTiling& tiling() const { return tiling_; }
  // The lattice-wide class rule the sweeps follow; inactive: the tiles'.
  const SublatticeLatticeRule& lattice_rule() const { return lattice_rule_; }

 private:
  struct Engine;  // the engine of one backend (kernels/SublatticeEngine.hpp)
  // Loads `state` into the engine unless it is the state bound there.
  void bind(SystemState& state);
  void bind_windows(SystemState& state) override;
  void load(SystemState& state);
  void store(SystemState& state);
  void build_tables(double fraction, std::vector<uint32_t>& threshold,
                    std::vector<double>& factor) const;
  // Direct-exchange thresholds (empty without [[hop.exchange]]).
  void build_exchange_table(double fraction, std::vector<uint32_t>& exchange) const;
  // Thinned visits (thinned_): the thinning tables behind the thresholds
  // (kernels/SublatticeThinning.hpp), from the thresholds of the same sweep fraction.
  void append_thinning(std::vector<uint32_t>& threshold) const;
  void set_partial_tables(double fraction);
  // thinned_ and lattice_rule_ from the options and the model (constructor).
  void choose_class_rule();
  // Environment thresholds (integer form) or bases (product form) for a sweep fraction.
  void build_environment_tables(double fraction, std::vector<uint32_t>& threshold,
                                std::vector<double>& base) const;

  const Lattice& lattice_;
  const HopModel& model_;
  uint64_t seed_;
  BackendKind backend_;
  SublatticeOptions options_;
  HopSteps hops_;
  std::unique_ptr<const SublatticeEnvironment> environment_;  // null: no environment model
  SublatticeTiling tiling_;
  SublatticeLatticeRule lattice_rule_{};
  LatticeOrderBalance lattice_balance_{};  // its hop shifts: the sweeps' orders are balanced
  int zmax_;
  bool thinned_ = false;  // visits thinned (why_visits_not_thinned, the one decision)
  double gamma_;       // per-slot uniformization rate, 1/s
  double sweep_time_;  // s
  bool uniform_;       // thresholds per (basis, slot) rather than per site
  std::vector<uint32_t> threshold_full_, threshold_partial_;
  std::vector<uint32_t> exchange_full_, exchange_partial_;
  std::vector<double> site_rate_, factor_full_, factor_partial_;
  std::vector<uint32_t> env_threshold_full_, env_threshold_partial_;
  std::vector<double> env_base_full_, env_base_partial_;
  int species_count_ = 1;
  double partial_fraction_ = -1;
  std::unique_ptr<Engine> engine_;

  // Host mirror and bookkeeping of the bound state.
  const SystemState* bound_ = nullptr;
  uint64_t bound_hops_ = 0, bound_step_ = 0;
  double bound_time_ = 0;
  std::vector<uint8_t> site_;
  std::vector<IonRecord> record_;
  std::vector<uint64_t> hops_by_slot_;
  double hops_per_sweep_ = 0;  // running estimate for sizing batches
  bool resident_ = false;  // advance() leaves the ions in the engine (sync() fetches them)
  bool stale_ = false;     // the bound state's ions on the host lag the engine's
};

}  // namespace coatkmc
