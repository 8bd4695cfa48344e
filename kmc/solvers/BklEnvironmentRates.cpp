#include "kmc/solvers/BklEnvironmentRates.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/HopEnergy.hpp"

namespace coatkmc {

namespace {
constexpr int kMemoBits = 12;
constexpr uint64_t kNoEnergy = ~uint64_t(0);  // a NaN's bits: no finite E_env has them
}  // namespace

std::shared_ptr<const BklEnvironmentTables> make_bkl_environment_tables(
    const Lattice& lattice, const EnvironmentModel& env, double max_bytes) {
  auto t = std::make_shared<BklEnvironmentTables>();
  t->index = make_environment_index(env.tables());
  t->cache = max_bytes > 0 && BklEnvironmentRates::fits(lattice, t->index, max_bytes);
  if (t->cache) t->table = make_environment_factor_table(env.tables(), env.kT());
  return t;
}

bool BklEnvironmentRates::fits(const Lattice& lattice, const EnvironmentIndex& index,
                               double max_bytes) {
  if (index.max_clusters > 32767) return false;
  return double(lattice.num_sites()) * lattice.max_coordination() * bytes_per_hop(index) <= max_bytes;
}

BklEnvironmentRates::BklEnvironmentRates(const Lattice& lattice, const HopModel& model,
                                         const EnvironmentModel& env, EnvironmentIndex index,
                                         EnvironmentFactorTable table)
    : lattice_(lattice),
      model_(model),
      env_(env),
      tab_(std::move(index)),
      table_(std::move(table)),
      tabulated_(!table_.empty()),
      zmax_(lattice.max_coordination()),
      terms_(std::max(1, tab_.max_terms)) {
  const int64_t n = lattice.num_sites();
  if (tabulated_) {
    hop_index_.assign(n * zmax_, -1);
  } else {
    counts_.assign(n * zmax_ * terms_, 0);
    rate_.assign(n * zmax_, 0.0);
    live_.assign(n * zmax_, 0);
  }
  interior_.resize(n);
  for (int64_t s = 0; s < n; ++s) interior_[s] = env.interior(s);
  reader_delta_.reserve(tab_.readers.size());
  for (int b = 0; b < env.tables().nbasis; ++b)
    for (int32_t r = tab_.reader_begin[b]; r < tab_.reader_begin[b + 1]; ++r)
      reader_delta_.push_back(env.index_delta(tab_.readers[r].to_origin, b));
  stamp_.assign(n, 0);
  size_t widest = 0;
  for (int slot = 0; slot < env.tables().slots(); ++slot)
    widest = std::max<size_t>(widest, env.tables().stencil_size(slot));
  codes_.resize(widest);
  int32_t most = 0;
  for (int b = 0; b < env.tables().nbasis; ++b)
    most = std::max(most, tab_.reader_begin[b + 1] - tab_.reader_begin[b]);
  pick_reader_.resize(most);
  pick_site_.resize(most);
  wide_.resize(terms_);
  memo_.assign(size_t(1) << kMemoBits, Memo{kNoEnergy, 0.0});
  if (tabulated_) make_shift_steps();
}

// What shift() adds to a possible hop's index for the entries whose clusters
// read only the entry itself and the hop's ends (pair clusters with the
// origin or the target, E_KRA points: every entry of a two-shell model),
// summed over those clusters here once instead of per move. The same
// integer steps in another order: the same index.
void BklEnvironmentRates::make_shift_steps() {
  const CompiledEnvironment& t = env_.tables();
  const int S = t.states;
  if (S > 6) return;  // S^3 entries per stencil entry: small models only
  const size_t entries = t.sites.size();
  shift_fast_.assign(entries, 0);
  shift_step_.assign(entries * S * S * S, 0);
  for (int slot = 0; slot < t.slots(); ++slot)
    for (int32_t g = t.site_begin[slot] + 2; g < t.site_begin[slot + 1]; ++g) {
      const int32_t e = g - t.site_begin[slot];
      bool ends_only = true;
      for (int32_t m = tab_.member_begin[g]; m < tab_.member_begin[g + 1]; ++m) {
        const EnvironmentCluster& cl = t.clusters[tab_.members[m].cluster];
        for (int32_t i = 0; i < cl.size; ++i)
          if (cl.site[i] != e && cl.site[i] > 1) ends_only = false;
      }
      if (!ends_only) continue;
      shift_fast_[g] = 1;
      for (int origin = 0; origin < S; ++origin)
        for (int from = 0; from < S; ++from)
          for (int to = 0; to < S; ++to) {
            int32_t sum = 0;
            for (int32_t m = tab_.member_begin[g]; m < tab_.member_begin[g + 1]; ++m) {
              const EnvironmentClusterMember member = tab_.members[m];
              const EnvironmentCluster& cl = t.clusters[member.cluster];
              int32_t rest = 0;  // as shift() forms it: the target vacant
              for (int32_t i = cl.size - 1; i >= 0; --i)
                rest = rest * S + (cl.site[i] == e || cl.site[i] == 1 ? 0
                                   : cl.site[i] == 0              ? origin
                                                                  : 0);
              sum += table_.step[cl.table + rest + to * member.weight] -
                     table_.step[cl.table + rest + from * member.weight];
            }
            shift_step_[((static_cast<size_t>(g) * S + origin) * S + from) * S + to] = sum;
          }
    }
}

// exp(-E / kT) exactly as EnvironmentModel::factor takes it.
double BklEnvironmentRates::factor_of(double energy_eV) const {
  uint64_t bits;
  std::memcpy(&bits, &energy_eV, sizeof bits);
  Memo& m = memo_[(bits * 0x9E3779B97F4A7C15ull) >> (64 - kMemoBits)];
  if (m.bits != bits) m = {bits, std::exp(-energy_eV / env_.kT())};
  return m.factor;
}

double BklEnvironmentRates::rate_from_counts(int64_t site, int k) const {
  const CompiledEnvironment& t = env_.tables();
  const int slot = lattice_.basis_of(site) * zmax_ + k;
  const int terms = t.local_terms(slot);
  double e = 0.0;  // EnvironmentModel::energy: 0.0 without terms
  if (terms > 0) {
    const int16_t* c = counts_of(site, k);
    for (int l = 0; l < terms; ++l) wide_[l] = c[l];
    e = HopEnergyEvaluator::environment(&t.term_weight_eV[t.term_begin[slot]], wide_.data(), terms);
  }
  return model_.static_rate(site, k) * factor_of(e);
}

bool BklEnvironmentRates::recount(const SystemState& state, int64_t site, int k) {
  const int64_t h = site * zmax_ + k;
  const NeighborRow row = lattice_.neighbors_of(site);
  bool possible = k < row.count && state.occupied[site];
  // A site an immobile species holds is no vacancy.
  if (possible) possible = !state.occupied[row[k]] && code(state, row[k]) == 0;
  if (!possible) {
    if (tabulated_) {
      const bool was = hop_index_[h] >= 0;
      hop_index_[h] = -1;
      return was;
    }
    live_[h] = 0;
    const bool was = rate_[h] != 0.0;
    rate_[h] = 0.0;
    return was;
  }
  const CompiledEnvironment& tables = env_.tables();
  const int slot = lattice_.basis_of(site) * zmax_ + k;
  const bool inside = interior_[site];
  const EnvironmentModel::Frame f = inside ? EnvironmentModel::Frame{} : env_.frame(site);
  const int32_t s0 = tables.site_begin[slot], s1 = tables.site_begin[slot + 1];
  for (int32_t i = s0; i < s1; ++i)
    codes_[i - s0] = code(state, env_.stencil_site(site, f, i, inside));
  if (tabulated_) {
    const int32_t now = table_.index_of(tables, slot, codes_.data());
    const bool moved = now != hop_index_[h];
    hop_index_[h] = now;
    return moved;
  }
  const int terms = tables.local_terms(slot);
  std::fill(wide_.begin(), wide_.begin() + terms, 0);
  tables.count(slot, codes_.data(), wide_.data());
  int16_t* c = counts_of(site, k);
  for (int l = 0; l < terms; ++l) c[l] = static_cast<int16_t>(wide_[l]);
  live_[h] = 1;
  const double now = rate_from_counts(site, k);
  const bool moved = now != rate_[h];
  rate_[h] = now;
  return moved;
}

bool BklEnvironmentRates::shift(const SystemState& state, int64_t site, int k, int32_t entry,
                                int from, int to, int64_t pending) {
  const CompiledEnvironment& tables = env_.tables();
  const int slot = lattice_.basis_of(site) * zmax_ + k;
  const int32_t first = tables.site_begin[slot];
  const int32_t g = first + entry;
  if (!shift_fast_.empty() && shift_fast_[g]) {
    // The hop is possible: its origin holds an ion, its target is vacant,
    // and neither is the move's origin or destination (apply() skips those).
    const int64_t h = site * zmax_ + k;
    const int S = tables.states;
    const int32_t now =
        hop_index_[h] +
        shift_step_[((static_cast<size_t>(g) * S + code(state, site)) * S + from) * S + to];
    const bool moved = now != hop_index_[h];
    hop_index_[h] = now;
    return moved;
  }
  const bool inside = interior_[site];
  const EnvironmentModel::Frame f = inside ? EnvironmentModel::Frame{} : env_.frame(site);
  int32_t index = tabulated_ ? hop_index_[site * zmax_ + k] : 0;
  int16_t* c = tabulated_ ? nullptr : counts_of(site, k);
  bool moved = false;
  for (int32_t m = tab_.member_begin[g]; m < tab_.member_begin[g + 1]; ++m) {
    const EnvironmentClusterMember member = tab_.members[m];
    const EnvironmentCluster& cl = tables.clusters[member.cluster];
    // The decoration index with the changed site's code left out.
    int32_t rest = 0;
    for (int32_t i = cl.size - 1; i >= 0; --i) {
      const int32_t e = first + cl.site[i];
      rest = rest * tables.states +
             (e == g ? 0 : code(state, env_.stencil_site(site, f, e, inside), pending));
    }
    const int32_t before = cl.table + rest + from * member.weight;
    const int32_t after = cl.table + rest + to * member.weight;
    if (tabulated_) {
      index += table_.step[after] - table_.step[before];
      continue;
    }
    const EnvironmentDelta was = tables.deltas[before], now = tables.deltas[after];
    if (was.minus == now.minus && was.plus == now.plus) continue;
    if (was.minus >= 0) ++c[was.minus];
    if (was.plus >= 0) --c[was.plus];
    if (now.minus >= 0) --c[now.minus];
    if (now.plus >= 0) ++c[now.plus];
    moved = true;
  }
  const int64_t h = site * zmax_ + k;
  if (tabulated_) {
    moved = index != hop_index_[h];
    hop_index_[h] = index;
    return moved;
  }
  if (!moved) return false;
  const double now = rate_from_counts(site, k);
  moved = now != rate_[h];
  rate_[h] = now;
  return moved;
}

// The hops that read x. One whose origin or target is the origin or the
// destination of the move is counted afresh where x is that end (entry 0 or
// 1 of its stencil) and skipped elsewhere; every other hop keeps being
// possible or not, and a possible one shifts its counts.
void BklEnvironmentRates::apply(const SystemState& state, int32_t x, int from, int to,
                                int32_t origin, int32_t dest, std::vector<int32_t>& changed) {
  const int bx = lattice_.basis_of(x);
  const bool inside = interior_[x];
  const EnvironmentModel::Frame f = inside ? EnvironmentModel::Frame{} : env_.frame(x);
  const int64_t pending = x == origin ? dest : -1;
  // First the possible hops are picked out without a branch on each (whether
  // a hop is possible is a coin toss the branch predictor loses), then shifted.
  int32_t picked = 0;
  for (int32_t r = tab_.reader_begin[bx]; r < tab_.reader_begin[bx + 1]; ++r) {
    const EnvironmentReader& reader = tab_.readers[r];
    const int64_t s = inside ? x + reader_delta_[r] : env_.site_at(f, reader.to_origin);
    if (reader.entry <= 1) {
      if (recount(state, s, reader.k)) mark(static_cast<int32_t>(s), changed);
      continue;
    }
    pick_reader_[picked] = r;
    pick_site_[picked] = s;
    picked += live(s, reader.k);
  }
  for (int32_t i = 0; i < picked; ++i) {
    const EnvironmentReader& reader = tab_.readers[pick_reader_[i]];
    const int64_t s = pick_site_[i];
    if (s == origin || s == dest) continue;
    const int32_t t = lattice_.neighbors_of(s)[reader.k];
    if (t == origin || t == dest) continue;
    if (shift(state, s, reader.k, reader.entry, from, to, pending))
      mark(static_cast<int32_t>(s), changed);
  }
}

void BklEnvironmentRates::prefetch(int32_t x) const {
  const int bx = lattice_.basis_of(x);
  const bool inside = interior_[x];
  const EnvironmentModel::Frame f = inside ? EnvironmentModel::Frame{} : env_.frame(x);
  // The readers come grouped by their hop's origin: one origin's row of
  // zmax entries is fetched once (its first and last entry: the row may
  // straddle two cache lines), not once per slot that reads x.
  int64_t last = -1;
  for (int32_t r = tab_.reader_begin[bx]; r < tab_.reader_begin[bx + 1]; ++r) {
    const int64_t s = inside ? x + reader_delta_[r] : env_.site_at(f, tab_.readers[r].to_origin);
    if (s == last) continue;
    last = s;
    const int64_t h = s * zmax_;
    if (tabulated_) {
      __builtin_prefetch(&hop_index_[h], 1);
      __builtin_prefetch(&hop_index_[h + zmax_ - 1], 1);
    } else {
      __builtin_prefetch(&live_[h], 1);
      __builtin_prefetch(&live_[h + zmax_ - 1], 1);
    }
  }
}

void BklEnvironmentRates::after_hop(const SystemState& state, int32_t origin, int32_t dest,
                                    std::vector<int32_t>& changed) {
  if (++epoch_ == 0) {  // wrapped: no stamp may look current
    std::fill(stamp_.begin(), stamp_.end(), 0);
    epoch_ = 1;
  }
  plain_ = env_.fixed_occupant().empty() && state.ion_species.empty();
  // One site at a time: first the origin empties (the destination still
  // reads vacant), then the destination fills.
  const int moved = code(state, dest);
  apply(state, origin, moved, 0, origin, dest, changed);
  apply(state, dest, 0, moved, origin, dest, changed);
}

void BklEnvironmentRates::rebuild(const SystemState& state) {
  plain_ = env_.fixed_occupant().empty() && state.ion_species.empty();
  const int64_t n = lattice_.num_sites();
  for (int64_t s = 0; s < n; ++s)
    for (int k = 0; k < zmax_; ++k) recount(state, s, k);
}

}  // namespace coatkmc
