#pragma once
// bkl's cache of the environment model's hop rates: per (site, slot) the
// counts of the hop's local terms and its rate, kept up to date move by move
// instead of recounted. After a move only the hops whose stencil holds the
// origin or the destination change; of those, a hop whose two ends stay as
// they were shifts its counts by the clusters that read the changed site
// (their decoration before and after: a few integer adds), and a hop that
// starts or stops being possible (an end is the origin or the destination)
// is counted afresh. Two forms of the counts:
//  * tabulated (EnvironmentFactorTable, when the count vectors are few): one
//    int32 index per hop, the rate = static rate x factor[index];
//  * otherwise the counts themselves (int16 per term) and the rate, E_env
//    summed from the counts and exp(-E_env / kT) taken as
//    EnvironmentModel::factor takes it (a memo keyed by E_env's bits spares
//    most exps).
// Either way every rate is the same double as a recomputation, and the
// trajectory is the one bkl ran when it evaluated every affected rate anew
// (docs/environment.md, "Cost on bkl").
#include <cstdint>
#include <memory>
#include <vector>

#include "kmc/model/EnvironmentIndex.hpp"
#include "kmc/model/EnvironmentModel.hpp"
#include "kmc/model/HopModel.hpp"

namespace coatkmc {

// What bkl's cache of an [environment] model is made from, decided once per
// run: whether the cache is kept at all (BklEnvironmentRates::fits), the
// model's index and, where its count vectors are few, the factor table
// (empty: the counts are cached instead). plan_run makes it (and sizes the
// memory with it, bkl_environment_cache_bytes); every replica's solver
// copies it (BklSolver::set_environment).
struct BklEnvironmentTables {
  bool cache = false;  // false: the solver recomputes every affected rate
  EnvironmentIndex index;
  EnvironmentFactorTable table;
};

// The tables of `env` on `lattice` for a cache of at most `max_bytes`
// (0: none): the one place this is decided.
std::shared_ptr<const BklEnvironmentTables> make_bkl_environment_tables(
    const Lattice& lattice, const EnvironmentModel& env, double max_bytes);

class BklEnvironmentRates {
 public:
  // The references must outlive this object; `table` may be empty.
  BklEnvironmentRates(const Lattice& lattice, const HopModel& model, const EnvironmentModel& env,
                      EnvironmentIndex index, EnvironmentFactorTable table);
  // Whether the cache of `env` fits in `max_bytes` on `lattice` (counts are
  // int16, so no slot may have more than 32767 clusters).
  static bool fits(const Lattice& lattice, const EnvironmentIndex& index, double max_bytes);
  static double bytes_per_hop(const EnvironmentIndex& index) { return 2.0 * index.max_terms + 9.0; }


  // Counts every hop of `state` afresh.
  void rebuild(const SystemState& state);
  // Rate of the hop of `site` along slot k; 0 when it is no hop (no ion on
  // the site, or its target holds an ion or an immobile species).
  double rate(int64_t site, int k) const {
    if (!tabulated_) return rate_[site * zmax_ + k];
    const int32_t i = hop_index_[site * zmax_ + k];
    if (i < 0) return 0.0;
    return model_.static_rate(site, k) *
           table_.factor[table_.table_begin[lattice_.basis_of(site) * zmax_ + k] + i];
  }
  bool tabulated() const { return tabulated_; }
  // After the ion on `origin` moved to `dest` (the state already shows the
  // move): brings every changed hop up to date and appends the sites whose
  // hops changed to `changed`, each once.
  void after_hop(const SystemState& state, int32_t origin, int32_t dest,
                 std::vector<int32_t>& changed);
  // Starts loading the per-hop entries after_hop will read around `site`
  // (beyond the caches on large lattices): call it as soon as the move's
  // origin, then its destination, is known.
  void prefetch(int32_t site) const;

 private:
  // Counts the hop of `site` along slot k afresh (its rate 0 when it is no
  // hop); true when its rate changed.
  bool recount(const SystemState& state, int64_t site, int k);
  bool live(int64_t site, int k) const {
    return tabulated_ ? hop_index_[site * zmax_ + k] >= 0 : live_[site * zmax_ + k] != 0;
  }
  // Applies one changed site (code from -> to, entry `entry` of the slot's
  // stencil) to the counts of the hop of `site` along k; `pending` reads as
  // vacant (the destination, before its own change is applied). True when
  // the rate changed.
  bool shift(const SystemState& state, int64_t site, int k, int32_t entry, int from, int to,
             int64_t pending);
  // The hop's rate from its counts.
  double rate_from_counts(int64_t site, int k) const;
  double factor_of(double energy_eV) const;
  void apply(const SystemState& state, int32_t x, int from, int to, int32_t origin, int32_t dest,
             std::vector<int32_t>& changed);
  void mark(int32_t site, std::vector<int32_t>& changed) {
    if (stamp_[site] != epoch_) {
      stamp_[site] = epoch_;
      changed.push_back(site);
    }
  }
  // The occupant code; `pending` reads as vacant. With no immobile species
  // and one mobile species (plain_) the code is the occupancy.
  uint8_t code(const SystemState& state, int64_t site, int64_t pending = -1) const {
    if (site == pending) return 0;
    return plain_ ? uint8_t(state.occupied[site] != 0) : env_.code(state, site);
  }
  int16_t* counts_of(int64_t site, int k) { return &counts_[(site * zmax_ + k) * terms_]; }
  const int16_t* counts_of(int64_t site, int k) const {
    return &counts_[(site * zmax_ + k) * terms_];
  }

  const Lattice& lattice_;
  const HopModel& model_;
  const EnvironmentModel& env_;
  EnvironmentIndex tab_;
  EnvironmentFactorTable table_;
  bool tabulated_;
  int zmax_;
  std::vector<int32_t> hop_index_;     // tabulated: per (site, slot) the hop's index, -1 none
  int terms_;                          // counts per hop (the most local terms of any slot)
  std::vector<int16_t> counts_;        // otherwise: per (site, slot) the hop's counts
  std::vector<double> rate_;           // per (site, slot): the hop's rate, 0 none
  std::vector<uint8_t> live_;          // per (site, slot): 1 when it is a hop (its counts kept)
  std::vector<uint8_t> interior_;      // per site: EnvironmentModel::interior
  std::vector<int64_t> reader_delta_;  // per reader: index offset from an interior site
  std::vector<uint32_t> stamp_;        // per site: epoch_ when last marked
  uint32_t epoch_ = 0;
  bool plain_ = false;  // set per call from the state (one species, nothing fixed)
  std::vector<uint8_t> codes_;         // scratch: a stencil's codes
  std::vector<int32_t> pick_reader_;   // scratch: the readers of possible hops (apply)
  std::vector<int64_t> pick_site_;     //   and their origins
  mutable std::vector<int32_t> wide_;  // scratch: counts as int32 for the energy sum
  // exp(-E/kT) of recent energies, keyed by E's bits (direct-mapped).
  struct Memo {
    uint64_t bits;
    double factor;
  };
  mutable std::vector<Memo> memo_;
  // Tabulated, per stencil entry g whose clusters read no site but g and the
  // hop's two ends: the index change of a possible hop when g's code goes
  // from -> to, by the origin's code (the target is vacant), precomputed:
  // shift_step_[((g * S + origin) * S + from) * S + to] (S = states), and
  // shift_fast_[g] = 1 where it applies (empty: not made).
  std::vector<uint8_t> shift_fast_;
  std::vector<int32_t> shift_step_;
  void make_shift_steps();
};

}  // namespace coatkmc
