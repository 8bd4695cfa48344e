#include "kmc/solvers/SublatticeSolver.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/SpeciesEnergy.hpp"
#include "kernels/SublatticeClassKernel.hpp"
#include "kernels/SublatticeEngine.hpp"
#include "kernels/SublatticeThinning.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/solvers/SublatticeClasses.hpp"

namespace coatkmc {

namespace {
// Sweeps queued at once: enough to keep a GPU busy between host round trips.
constexpr int kMaxBatchSweeps = 256;
constexpr double kTwo32 = 4294967296.0;
}  // namespace

const std::vector<std::string>& sublattice_attempt_rule_names() {
  static const std::vector<std::string> names = {"poisson", "one_per_ion", "one_per_site"};
  return names;
}

SublatticeAttemptRule sublattice_attempt_rule(const std::string& name) {
  if (name == "poisson") return kPoissonAttempts;
  if (name == "one_per_ion") return kOneAttemptPerIon;
  if (name == "one_per_site") return kOneAttemptPerSite;
  throw CannotProceed("sublattice: unknown attempt rule '" + name + "'");
}

namespace {
std::unique_ptr<const SublatticeEnvironment> make_environment(const Lattice& lattice,
                                                              const HopSteps& hops,
                                                              const HopModel& model,
                                                              const SublatticeOptions& o) {
  if (!o.environment) return nullptr;
  return std::make_unique<const SublatticeEnvironment>(lattice, hops, *o.environment,
                                                       model.uniform_landscape());
}
}  // namespace

// The engine of the bound replica (kernels/SublatticeEngine.hpp) and the
// replica it was made for.
struct SublatticeSolver::Engine {
  std::unique_ptr<SublatticeEngine> engine;
  uint32_t replica = 0;
};

SublatticeSolver::SublatticeSolver(const Lattice& lattice, const HopModel& model, uint64_t seed,
                                   BackendKind backend, SublatticeOptions options)
    : lattice_(lattice),
      model_(model),
      seed_(seed),
      backend_(backend),
      options_(options),
      hops_(make_hop_steps(lattice)),
      environment_(make_environment(lattice, hops_, model, options)),
      tiling_(make_sublattice_tiling(lattice, hops_.reach, model.has_interaction(),
                                     environment_ ? environment_->reach()
                                                  : std::array<int, 3>{0, 0, 0},
                                     environment_ ? &environment_->read_sites() : nullptr)),
      zmax_(lattice.max_coordination()),
      engine_(std::make_unique<Engine>()) {
  if (!(options_.acceptance_ceiling > 0 && options_.acceptance_ceiling <= 1))
    throw CannotProceed("sublattice acceptance ceiling must lie in (0, 1]");
  const SpeciesRates* species = options_.species;
  if (species) species_count_ = species->count();
  if (environment_ && model.has_interaction())
    throw CannotProceed("sublattice: hop.interaction and the environment model together "
                        "(give J as a pair cluster of the environment model)");
  if (environment_ && environment_->species() != species_count_)
    throw CannotProceed("sublattice: the environment model has " +
                        std::to_string(environment_->species()) + " species, the run " +
                        std::to_string(species_count_));
  // The largest vacancy factor of any species on (basis site, slot): 1 with one species.
  // With the environment model, times the slot's largest environment factor.
  auto species_max = [&](int b, int k) {
    double f = 0.0;
    for (int q = 0; q < species_count_; ++q) {
      const double v = species ? species->vacancy_row(q, b)[k] : 1.0;
      f = std::max(f, environment_ ? v * environment_->max_factor(SpeciesEnergy::slot(
                                             q, lattice.basis_size(), zmax_, b, k))
                                   : v);
    }
    return f;
  };
  // gamma: the fastest hop that can happen, over the ceiling. Not
  // HopModel::max_rate(): that also counts dn = +-zmax, which no hop realizes
  // (the target is a vacant neighbour of the origin, so both neighbour counts
  // are at most zmax - 1); with an interaction J that would cost a factor
  // exp(J / 2kT) in attempts.
  double fastest_static = 0;
  const int64_t rows = model.uniform_landscape() ? lattice.basis_size() : lattice.num_sites();
  for (int64_t r = 0; r < rows; ++r)
    for (int k = 0; k < lattice.coordination(lattice.basis_of(r)); ++k)
      fastest_static = std::max(
          fastest_static, species || environment_
                              ? model.static_rate(r, k) * species_max(lattice.basis_of(r), k)
                              : model.static_rate(r, k));
  double fastest_factor = 1;
  if (model.has_interaction()) {
    fastest_factor = 0;
    for (int dn = 1 - zmax_; dn <= zmax_ - 1; ++dn)
      fastest_factor = std::max(fastest_factor, model.interaction_factor(dn));
  }
  if (!(fastest_static * fastest_factor > 0))
    throw CannotProceed("sublattice: every hop rate is zero");
  // A direct exchange is attempted through the same slots: gamma covers it too.
  const double fastest_exchange =
      species && species->has_exchange() ? species->max_exchange_rate() : 0;
  gamma_ =
      std::max(fastest_static * fastest_factor, fastest_exchange) / options_.acceptance_ceiling;
  sweep_time_ = 1.0 / (zmax_ * gamma_);
  uniform_ = model.uniform_landscape();
  choose_class_rule();
  build_tables(1.0, threshold_full_, factor_full_);
  build_exchange_table(1.0, exchange_full_);
  append_thinning(threshold_full_);
  if (!uniform_) {
    // Static rate times 2^32 / gamma per (site, slot); the factor table carries
    // the interaction and the sweep fraction.
    site_rate_.assign(lattice.num_sites() * zmax_, 0.0);
    for (int64_t s = 0; s < lattice.num_sites(); ++s)
      for (int k = 0; k < lattice.coordination(lattice.basis_of(s)); ++k)
        site_rate_[s * zmax_ + k] = model.static_rate(s, k) * (kTwo32 / gamma_);
  }
  if (environment_) build_environment_tables(1.0, env_threshold_full_, env_base_full_);
  hops_by_slot_.assign(hops_.steps.size(), 0);
  // The engine is made when a state is bound (it is keyed by the replica); a
  // build without CUDA refuses the CUDA backend here already.
  if (backend_ == BackendKind::Cuda && !backend_info().cuda_compiled)
    throw CannotProceed("sublattice: this build has no CUDA support");
}

SublatticeSolver::~SublatticeSolver() = default;

namespace {
// Whether the engine of `backend` runs the lattice-wide class rule on this
// lattice: the CPU's always; the replay's and CUDA's class kernel when its
// launch plan takes the lattice (hops of at most one cell per axis, 32-bit
// site indices: plan_sublattice_class_launch), else `why` says what it refused.
bool backend_runs_lattice_rule(BackendKind backend, const SublatticeLatticeRule& rule,
                               const LatticeView& view, int32_t nbasis, std::string& why) {
  if (backend == BackendKind::Cpu) return true;
  try {
    plan_sublattice_class_launch(rule, view, SublatticeRngKey{0, 0, rule.word_group(nbasis)});
    return true;
  } catch (const CannotProceed& e) {
    why = e.what();
    return false;
  }
}
}  // namespace

void SublatticeSolver::choose_class_rule() {
  SublatticeVisitKind kind;
  kind.poisson = options_.rule == kPoissonAttempts;
  kind.uniform_landscape = uniform_;
  kind.environment = environment_ != nullptr;
  kind.interaction = model_.has_interaction();
  kind.exchange = options_.species && options_.species->has_exchange();
  kind.zmax = zmax_;
  std::string why = why_visits_not_thinned(kind);
  thinned_ = why.empty();
  if (options_.class_rule == SublatticeClassRule::Tiles) return;
  if (thinned_) lattice_rule_ = lattice_class_rule(lattice_, &why, &lattice_balance_);
  if (lattice_rule_.active() &&
      !backend_runs_lattice_rule(backend_, lattice_rule_, hops_.view(lattice_),
                                 lattice_.basis_size(), why))
    lattice_rule_ = SublatticeLatticeRule{};
  if (options_.class_rule == SublatticeClassRule::Lattice && !lattice_rule_.active())
    throw CannotProceed("sublattice.class_rule = \"lattice\" does not apply here: " + why);
}

void SublatticeSolver::build_tables(double fraction, std::vector<uint32_t>& threshold,
                                    std::vector<double>& factor) const {
  const int width = 2 * zmax_ + 1;
  const bool interaction = model_.has_interaction();
  factor.assign(width, 0.0);
  for (int dn = -zmax_; dn <= zmax_; ++dn)
    factor[dn + zmax_] = (interaction ? model_.interaction_factor(dn) : 1.0) * fraction;
  if (!uniform_) {
    threshold.clear();
    return;
  }
  // floor(p 2^32) with p = rate / gamma (times the sweep fraction), at most
  // 2^32 - 1: an attempt accepts when its word is below the threshold.
  // With species, one table per species (kernels/SpeciesEnergy.hpp slots).
  const int nb = lattice_.basis_size();
  const SpeciesRates* species = options_.species;
  threshold.assign(static_cast<size_t>(species_count_) * nb * zmax_ * width, 0u);
  for (int q = 0; q < species_count_; ++q)
    for (int b = 0; b < nb; ++b)
      for (int k = 0; k < lattice_.coordination(b); ++k)
        for (int dn = -zmax_; dn <= zmax_; ++dn) {
          const double p = species ? model_.static_rate(b, k) * species->vacancy_row(q, b)[k] *
                                         factor[dn + zmax_] / gamma_
                                   : model_.static_rate(b, k) * factor[dn + zmax_] / gamma_;
          const double scaled = std::floor(std::min(p, 1.0) * kTwo32);
          threshold[SpeciesEnergy::slot(q, nb, zmax_, b, k) * width + dn + zmax_] =
              static_cast<uint32_t>(std::min(scaled, kTwo32 - 1));
        }
}

void SublatticeSolver::build_exchange_table(double fraction,
                                            std::vector<uint32_t>& exchange) const {
  const SpeciesRates* species = options_.species;
  exchange.clear();
  if (!species || !species->has_exchange()) return;
  // floor(p 2^32), p = x(a, c, b, k) / gamma times the sweep fraction
  // (kernels/SublatticeAttempt.hpp, SublatticeTables::exchange).
  const int nb = lattice_.basis_size(), S = species_count_;
  exchange.assign(static_cast<size_t>(S) * S * nb * zmax_, 0u);
  for (int a = 0; a < S; ++a)
    for (int c = 0; c < S; ++c)
      for (int b = 0; b < nb; ++b)
        for (int k = 0; k < lattice_.coordination(b); ++k) {
          const double p = species->exchange_rate(a, c, b, k) / gamma_ * fraction;
          const double scaled = std::floor(std::min(p, 1.0) * kTwo32);
          exchange[((static_cast<size_t>(a) * S + c) * nb + b) * zmax_ + k] =
              static_cast<uint32_t>(std::min(scaled, kTwo32 - 1));
        }
}

void SublatticeSolver::append_thinning(std::vector<uint32_t>& threshold) const {
  // The cases SublatticeThinning::applies() names (the others keep the attempt loop).
  if (!thinned_ || threshold.empty()) return;
  // h(T) = round(2^32 (1 - exp(-T / (zmax 2^32)))): the chance that the
  // Poisson(1) attempts of a visit include an accepted one in a slot whose
  // attempts are accepted with probability T / 2^32 (picked with 1 / zmax).
  const double per_slot = 1.0 / (static_cast<double>(zmax_) * kTwo32);
  auto mass = [&](uint32_t t) {
    const double h = std::nearbyint(-std::expm1(-static_cast<double>(t) * per_slot) * kTwo32);
    return static_cast<uint32_t>(std::min(h, kTwo32 - 1));
  };
  const int nb = lattice_.basis_size(), width = 2 * zmax_ + 1;
  const size_t n_threshold = threshold.size();
  threshold.reserve(2 * n_threshold + 2 * static_cast<size_t>(species_count_) * nb + nb);
  for (size_t e = 0; e < n_threshold; ++e) threshold.push_back(mass(threshold[e]));
  // Ceilings: the visit's hop mass with every slot's target vacant, by the
  // device's own chain in slot order (a slot without a hop has threshold 0,
  // mass 0); the chain never decreases in a slot's mass, so no visit exceeds it.
  for (int q = 0; q < species_count_; ++q)
    for (int b = 0; b < nb; ++b) {
      uint32_t y = 0;
      for (int k = 0; k < zmax_; ++k)
        y = SublatticeThinning::combine(
            y, threshold[n_threshold + SpeciesEnergy::slot(q, nb, zmax_, b, k) * width + zmax_]);
      threshold.push_back(y);
    }
  // Common masses: h(T) when every hop slot of (species, basis site) has the
  // same threshold T at dn = 0, else 0 (the device then skips the chain's
  // table loads; SublatticeThinning::hop_slot).
  for (int q = 0; q < species_count_; ++q)
    for (int b = 0; b < nb; ++b) {
      const size_t first = static_cast<size_t>(SpeciesEnergy::slot(q, nb, zmax_, b, 0)) * width + zmax_;
      uint32_t common = lattice_.coordination(b) > 0 ? threshold[n_threshold + first] : 0;
      for (int k = 1; k < lattice_.coordination(b); ++k)
        if (threshold[static_cast<size_t>(SpeciesEnergy::slot(q, nb, zmax_, b, k)) * width + zmax_] !=
            threshold[first])
          common = 0;
      threshold.push_back(common);
    }
  // Screens: the largest ceiling of each basis site over the species (the
  // device screens a tile's words before it knows which species visits).
  const size_t ceilings = 2 * n_threshold;
  for (int b = 0; b < nb; ++b) {
    uint32_t most = 0;
    for (int q = 0; q < species_count_; ++q)
      most = std::max(most, threshold[ceilings + static_cast<size_t>(q) * nb + b]);
    threshold.push_back(most);
  }
}

void SublatticeSolver::build_environment_tables(double fraction,
                                                std::vector<uint32_t>& threshold,
                                                std::vector<double>& base) const {
  // Per slot (species, basis site, hop slot): the static rate times the
  // species factor (integer form; times 2^32 / gamma in the product form on a
  // uniform landscape), or the species factor alone beside per-site rates.
  const int nb = lattice_.basis_size();
  const SpeciesRates* species = options_.species;
  std::vector<double> slot_rate(static_cast<size_t>(species_count_) * nb * zmax_, 0.0);
  for (int q = 0; q < species_count_; ++q)
    for (int b = 0; b < nb; ++b)
      for (int k = 0; k < lattice_.coordination(b); ++k) {
        const double f = species ? species->vacancy_row(q, b)[k] : 1.0;
        double& r = slot_rate[SpeciesEnergy::slot(q, nb, zmax_, b, k)];
        if (!uniform_)
          r = f;
        else if (environment_->integer())
          r = species ? model_.static_rate(b, k) * f : model_.static_rate(b, k);
        else
          r = (species ? model_.static_rate(b, k) * f : model_.static_rate(b, k)) *
              (kTwo32 / gamma_);
      }
  if (environment_->integer()) {
    environment_->thresholds(slot_rate, gamma_, fraction, threshold);
    base.clear();
  } else {
    environment_->bases(slot_rate, fraction, base);
    threshold.clear();
  }
}

void SublatticeSolver::set_partial_tables(double fraction) {
  if (fraction == partial_fraction_) return;
  partial_fraction_ = fraction;
  build_tables(fraction, threshold_partial_, factor_partial_);
  build_exchange_table(fraction, exchange_partial_);
  append_thinning(threshold_partial_);
  if (environment_)
    build_environment_tables(fraction, env_threshold_partial_, env_base_partial_);
  if (engine_->engine) {
    engine_->engine->set_tables(true, threshold_partial_.data(), factor_partial_.data(),
                                exchange_partial_.data());
    if (environment_)
      engine_->engine->set_environment(true, env_threshold_partial_.data(),
                                       env_base_partial_.data());
  }
}

void SublatticeSolver::load(SystemState& state) {
  hops_.begin_travel(state);
  const int64_t n = lattice_.num_sites();
  // Ions look as if they attempted in the previous sweep.
  const uint8_t stamp = ((state.rng_step - 1) & 1) ? kSiteStamp : 0;
  // Host cations of the environment model sit in their sites' bytes for good.
  if (environment_ && !environment_->host_bytes().empty())
    site_ = environment_->host_bytes();
  else
    site_.assign(n, 0);
  record_.assign(n, IonRecord{-1, {0, 0, 0}});
  // The species rides in the site byte (bits 2-7) when the solver has species.
  const bool labelled = options_.species && !state.ion_species.empty();
  for (int64_t s = 0; s < n; ++s) {
    const int32_t ion = state.site_ion[s];
    if (ion < 0) continue;
    const uint8_t species = labelled ? state.ion_species[ion] : 0;
    if (species >= species_count_) throw CannotProceed("sublattice: ion species out of range");
    if (site_[s] != 0)
      throw CannotProceed("sublattice: an ion sits on the site of an immobile host cation (site " +
                          std::to_string(s) + ")");
    site_[s] = kSiteOccupied | stamp | static_cast<uint8_t>(species << kSpeciesShift);
    record_[s].ion = ion;
    // Cells count on from the ion's travel record (cells since placement).
    for (int a = 0; a < 3; ++a) record_[s].cells[a] = state.travel_cells[3 * size_t(ion) + a];
  }
  if (engine_->engine && engine_->replica != state.replica) engine_->engine.reset();
  if (!engine_->engine) {
    SublatticeSetup setup;
    setup.lattice = hops_.view(lattice_);
    setup.tiling = tiling_;
    setup.lattice_rule = lattice_rule_;
    setup.sites = n;
    setup.key = {seed_, state.replica,
                 lattice_rule_.active() ? lattice_rule_.word_group(lattice_.basis_size()) : 0u};
    setup.interaction = model_.has_interaction();
    setup.rule = options_.rule;
    setup.threshold_count = uniform_ ? static_cast<int64_t>(threshold_full_.size()) : 0;
    setup.site_rate = uniform_ ? nullptr : site_rate_.data();
    if (options_.species && !uniform_) {
      setup.species_factor = options_.species->vacancy_factors().data();
      setup.species_factor_count = static_cast<int64_t>(options_.species->vacancy_factors().size());
    }
    setup.exchange_count = static_cast<int64_t>(exchange_full_.size());
    setup.species = species_count_;
    if (environment_) {
      setup.env_entry = environment_->entries().data();
      setup.env_entries = static_cast<int64_t>(environment_->entries().size());
      setup.env_begin = environment_->begin().data();
      setup.env_slots = static_cast<int64_t>(environment_->begin().size()) - 1;
      setup.env_factor = environment_->factors().data();
      setup.env_factors = static_cast<int64_t>(environment_->factors().size());
      setup.env_threshold_count = static_cast<int64_t>(env_threshold_full_.size());
      setup.env_width = environment_->width();
      setup.env_radix = environment_->radix();
    }
    setup.threads = std::max(1, options_.threads);
    setup.replay_shuffle = options_.replay_shuffle;
    switch (backend_) {
      case BackendKind::Cuda: engine_->engine = cuda::make_sublattice_engine(setup); break;
      case BackendKind::Replay: engine_->engine = replay::make_sublattice_engine(setup); break;
      default: engine_->engine = cpu::make_sublattice_engine(setup); break;
    }
    engine_->replica = state.replica;
    engine_->engine->set_tables(false, threshold_full_.data(), factor_full_.data(),
                                exchange_full_.data());
    if (environment_)
      engine_->engine->set_environment(false, env_threshold_full_.data(), env_base_full_.data());
    partial_fraction_ = -1;
  }
  engine_->engine->upload(site_.data(), record_.data());
  windows_.unbind();  // a state loaded from the host: the engine's marks are not its marks
  bound_ = &state;
  bound_hops_ = state.hops;
  bound_step_ = state.rng_step;
  bound_time_ = state.time;
}

void SublatticeSolver::bind(SystemState& state) {
  if (bound_ != &state || bound_hops_ != state.hops || bound_step_ != state.rng_step ||
      bound_time_ != state.time)
    load(state);
}

void SublatticeSolver::bind_windows(SystemState& state) {
  bind(state);
  if (!windows_.bound())
    windows_.bind(engine_->engine->bind_windows(
                      EngineWindows::setup(state, layout_, hops_, lattice_)),
                  state.num_ions());
}

void SublatticeSolver::sync(SystemState& state) {
  // Only the state bound in the engine can lag; any other is the host's own.
  if (stale_ && bound_ == &state && bound_hops_ == state.hops && bound_step_ == state.rng_step &&
      bound_time_ == state.time)
    store(state);
}

void SublatticeSolver::store(SystemState& state) {
  engine_->engine->download(site_.data(), record_.data());
  const int64_t n = lattice_.num_sites();
  std::fill(state.site_ion.begin(), state.site_ion.end(), -1);
  for (int64_t s = 0; s < n; ++s) {
    state.occupied[s] = site_[s] & kSiteOccupied;
    if (!(site_[s] & kSiteOccupied)) continue;
    const IonRecord& r = record_[s];
    state.site_ion[s] = r.ion;
    state.ion_site[r.ion] = static_cast<int32_t>(s);
    for (int a = 0; a < 3; ++a) state.travel_cells[3 * size_t(r.ion) + a] = r.cells[a];
    hops_.set_displacement(state, lattice_, r.ion, static_cast<int32_t>(s));
  }
  // Only an interaction makes anyone read the neighbour counts (bkl recounts stale ones).
  if (model_.has_interaction())
    state.recount_neighbors(lattice_);
  else
    state.neighbor_counts_valid = false;
  bound_hops_ = state.hops;
  bound_step_ = state.rng_step;
  bound_time_ = state.time;
  stale_ = false;
}

void SublatticeSolver::advance(SystemState& state, const AdvanceTarget& target) {
  if (state.hops >= target.hops || state.time >= target.time) return;
  bind(state);
  const int64_t ions = state.num_ions();
  const bool can_hop = ions > 0 && ions < lattice_.num_mobile_sites();
  if (!can_hop && !std::isfinite(target.time))
    throw CannotProceed("no hop is possible (every ion is blocked); set run.time instead");
  if (state.rng_step + kMaxBatchSweeps >= (uint64_t(1) << 62))
    throw CannotProceed("sublattice: sweep counter exhausted");

  if (!(hops_per_sweep_ > 0)) {
    // Expected hops of the first sweep of an ideal lattice gas; refined from
    // measurement after every batch.
    const double vacant = 1.0 - double(ions) / double(lattice_.num_mobile_sites());
    hops_per_sweep_ = std::max(1.0, ions * vacant * options_.acceptance_ceiling * 0.5);
  }

  // Per sweep: P class steps (the tiles' parity classes, each with S site
  // classes per tile, or the lattice-wide rule's classes).
  const bool lattice = lattice_rule_.active();
  const int32_t P = lattice ? lattice_rule_.classes() : tiling_.parity_classes,
                S = lattice ? 0 : tiling_.site_classes;
  std::vector<uint8_t> parity_order;
  std::vector<uint16_t> site_order;

  while (state.hops < target.hops && state.time < target.time) {
    // Plan: full sweeps that end by the target time, then possibly a partial one.
    int full_sweeps = 0;
    double t = state.time;
    const uint64_t remaining = target.hops - state.hops;
    int wanted = kMaxBatchSweeps;
    if (target.hops != UINT64_MAX) {
      const double need = std::ceil(1.1 * double(remaining) / hops_per_sweep_) + 1;
      wanted = static_cast<int>(std::min<double>(kMaxBatchSweeps, need));
    }
    while (full_sweeps < wanted && t + sweep_time_ <= target.time) {
      t += sweep_time_;
      ++full_sweeps;
    }
    double fraction = 0;
    if (full_sweeps < wanted && t < target.time) fraction = (target.time - t) / sweep_time_;
    const bool partial = fraction > 0;
    const int sweeps = full_sweeps + (partial ? 1 : 0);
    if (sweeps == 0) break;  // target time reached within rounding

    parity_order.resize(static_cast<size_t>(sweeps) * P);
    site_order.resize(static_cast<size_t>(sweeps) * P * S);
    for (int n = 0; n < sweeps; ++n)
      if (lattice)
        draw_class_orders(lattice_rule_, lattice_balance_, seed_, state.replica, state.rng_step + n,
                          &parity_order[static_cast<size_t>(n) * P]);
      else
        draw_class_orders(tiling_, seed_, state.replica, state.rng_step + n,
                          &parity_order[static_cast<size_t>(n) * P],
                          &site_order[static_cast<size_t>(n) * P * S]);
    if (partial) set_partial_tables(fraction);

    SublatticeBatch batch;
    batch.first_sweep = state.rng_step;
    batch.sweeps = sweeps;
    batch.parity_order = parity_order.data();
    batch.site_order = lattice ? nullptr : site_order.data();
    batch.last_partial = partial;
    batch.hop_budget = remaining;

    const SublatticeBatchResult result = engine_->engine->run(batch, hops_by_slot_.data());

    for (int n = 0; n < result.sweeps_done; ++n)
      state.time = (partial && n == sweeps - 1) ? target.time : state.time + sweep_time_;
    state.rng_step += result.sweeps_done;
    state.hops += result.hops;
    state.attempts += static_cast<uint64_t>(result.sweeps_done) * lattice_.num_mobile_sites();
    for (size_t s = 0; s < hops_by_slot_.size(); ++s) {
      state.hops_by_length[hops_.length_class[s]] += hops_by_slot_[s];
      hops_by_slot_[s] = 0;
    }
    // From integer counts: the same whatever the batches were.
    state.sum_hop_length_sq = hops_.sum_length_sq(state.hops_by_length);
    if (result.sweeps_done > 0 && result.hops > 0)
      hops_per_sweep_ = double(result.hops) / result.sweeps_done;
    if (result.sweeps_done < sweeps) break;  // stopped by the hop budget
  }
  if (resident_) {
    // The ions stay in the engine until sync(); the counters above are current.
    stale_ = true;
    bound_hops_ = state.hops;
    bound_step_ = state.rng_step;
    bound_time_ = state.time;
  } else {
    store(state);
  }
}

}  // namespace coatkmc
