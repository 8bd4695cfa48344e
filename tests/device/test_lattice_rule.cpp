// The lattice-wide class rule (kernels/SublatticeLatticeRule.hpp) on every
// backend, at the engine: a sweep is one step per class over the whole
// lattice (the class kernel, kernels/SublatticeClassKernel.hpp, on replay and
// cuda), thinned visits only. Each backend's engine runs a schedule of
// batches (full sweeps, a partial last sweep, a hop-budget stop) and must
// give, bit for bit, the state, hops and per-slot counts of a reference
// written here from the rule's definition: the classes in the sweep's order,
// in each every occupied member visited by SublatticeAttempt::decide() (the
// CPU's visit), members in any order (they never touch each other's sites).
// A state downloaded from one engine and uploaded to another, or to the
// reference, continues the same run.
//
// sc, M = 8, k = (1, 2, 3), one mobile basis site, key.word_group = 8. Cells
// 48^3 (rows of 6 members: a row's screen words straddle Philox blocks),
// 64 x 32 x 48 (rows of 8: two whole blocks) and 128 x 16 x 16 (rows of 16:
// four, the class kernel's aligned screen); c = 0.5 and 0.1; one species
// (one threshold for every slot: SublatticeThinning::common_slot) and two
// (species 0 with six thresholds: weighted_slot; species 1 common).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kernels/Failure.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeClassKernel.hpp"
#include "kernels/SublatticeEngine.hpp"
#include "kernels/SublatticeLatticeRule.hpp"
#include "kernels/SublatticeThinning.hpp"
#include "kmc/backend/Backend.hpp"

#include "DeviceBackends.hpp"

using namespace coatkmc;
using namespace coatkmc::device_tests;

namespace {

constexpr double kTwo32 = 4294967296.0;

struct RuleCase {
  std::string name;
  std::array<int, 3> cells;
  double fraction;
  int species;
  bool empty_slot = false;  // a seventh slot without a hop, between the six
};

void PrintTo(const RuleCase& c, std::ostream* os) {
  *os << c.name;
}

const RuleCase kRuleCases[] = {
    {"sc_48_cubed_half", {48, 48, 48}, 0.5, 1},
    {"sc_48_cubed_tenth_two_species", {48, 48, 48}, 0.1, 2},
    {"sc_64x32x48_half_two_species", {64, 32, 48}, 0.5, 2},
    {"sc_64x32x48_tenth", {64, 32, 48}, 0.1, 1},
    // Rows of 16 members: whole Philox blocks for every screen lane of up to
    // 4 blocks (the screen's aligned fast path).
    {"sc_128x16x16_half", {128, 16, 16}, 0.5, 1},
    // zmax 7, slot 3 holds no hop (its "target" in the class kernel is the
    // visited site itself: never vacant).
    {"sc_48_cubed_half_two_species_empty_slot", {48, 48, 48}, 0.5, 2, true},
};

// The acceptance of an attempt in hop h (0-5) for species q (full sweeps;
// the partial sweep's are 0.4 of these).
double acceptance(int q, int h, int species) {
  static const double weighted[6] = {0.25, 0.1, 0.05, 0.2, 0.15, 0.22};
  if (species == 2 && q == 0) return weighted[h];
  return 0.18;
}

// The thresholds and their thinning tables (SublatticeThinning's layout, as
// SublatticeSolver::append_thinning writes them; nbasis = 1); a slot without
// a hop has threshold 0.
std::vector<uint32_t> thinned_tables(const std::vector<HopStep>& steps, int species, double scale) {
  const int z = static_cast<int>(steps.size()), width = 2 * z + 1;
  const size_t nT = static_cast<size_t>(species) * z * width;
  std::vector<uint32_t> t(nT, 0u);
  for (int q = 0; q < species; ++q)
    for (int k = 0, h = 0; k < z; ++k)
      if (steps[k].to_basis >= 0)
        t[SpeciesEnergy::slot(q, 1, z, 0, k) * width + z] =
            static_cast<uint32_t>(std::floor(acceptance(q, h++, species) * scale * kTwo32));
  for (size_t e = 0; e < nT; ++e) {
    const double h = std::nearbyint(-std::expm1(-double(t[e]) / (z * kTwo32)) * kTwo32);
    t.push_back(static_cast<uint32_t>(std::min(h, kTwo32 - 1)));
  }
  std::vector<uint32_t> ceiling, common;
  for (int q = 0; q < species; ++q) {
    uint32_t y = 0;
    const size_t first = SpeciesEnergy::slot(q, 1, z, 0, 0) * width + z;
    uint32_t same = t[nT + first];
    for (int k = 0; k < z; ++k) {
      const size_t e = SpeciesEnergy::slot(q, 1, z, 0, k) * width + z;
      y = SublatticeThinning::combine(y, t[nT + e]);
      if (steps[k].to_basis >= 0 && t[e] != t[first]) same = 0;
    }
    ceiling.push_back(y);
    common.push_back(same);
  }
  t.insert(t.end(), ceiling.begin(), ceiling.end());
  t.insert(t.end(), common.begin(), common.end());
  t.push_back(*std::max_element(ceiling.begin(), ceiling.end()));  // the screen of b = 0
  return t;
}

// One replica of the system: lattice, rule, tables and the initial state.
struct System {
  std::vector<HopStep> steps;
  LatticeView lat{};
  SublatticeLatticeRule rule{};
  SublatticeRngKey key{};
  int species = 1;
  std::vector<uint32_t> full, partial;
  std::vector<uint8_t> site;
  std::vector<IonRecord> record;

  explicit System(const RuleCase& c) : species(c.species) {
    const int8_t d[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (int k = 0; k < 6; ++k) {
      if (c.empty_slot && k == 3) steps.push_back(HopStep{-1, {0, 0, 0}, 0});
      steps.push_back(HopStep{0, {d[k][0], d[k][1], d[k][2]}, 0});
    }
    for (int a = 0; a < 3; ++a) lat.n[a] = c.cells[a];
    lat.nbasis = 1;
    lat.zmax = static_cast<int32_t>(steps.size());
    lat.steps = steps.data();
    rule.modulus = 8;
    rule.k[0] = 2;
    rule.k[1] = 3;
    rule.mobile_basis_count = 1;
    rule.mobile_basis[0] = 0;
    key.seed = 0x1234abcd5678ull;
    key.replica = 3;
    key.word_group = rule.word_group(lat.nbasis);
    full = thinned_tables(steps, species, 1.0);
    partial = thinned_tables(steps, species, 0.4);
    const int64_t n = sites();
    site.assign(n, 0);
    record.assign(n, IonRecord{-1, {0, 0, 0}});
    std::mt19937_64 rng(7);
    int32_t ion = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (std::uniform_real_distribution<double>(0, 1)(rng) >= c.fraction) continue;
      const int q = species == 2 ? static_cast<int>(rng() & 1u) : 0;
      site[i] = static_cast<uint8_t>(kSiteOccupied | (q << kSpeciesShift));
      record[i] = IonRecord{ion++, {0, 0, 0}};
    }
  }
  int64_t sites() const { return int64_t(lat.n[0]) * lat.n[1] * lat.n[2] * lat.nbasis; }

  SublatticeSetup setup(int threads, uint64_t shuffle) const {
    SublatticeSetup s;
    s.lattice = lat;
    s.lattice_rule = rule;
    s.sites = sites();
    s.key = key;
    s.interaction = 0;
    s.rule = kPoissonAttempts;
    s.threshold_count = static_cast<int64_t>(full.size());
    s.species = species;
    s.threads = threads;
    s.replay_shuffle = shuffle;
    return s;
  }
  SublatticeTables tables(bool partial_sweep) const {
    SublatticeTables t{};
    t.threshold = partial_sweep ? partial.data() : full.data();
    t.rule = kPoissonAttempts;
    t.species = species;
    return t;
  }
};

// A batch of the schedule and its class orders (a random permutation of the
// classes per sweep).
struct Step {
  uint64_t first_sweep;
  int32_t sweeps;
  int32_t last_partial;
  uint64_t hop_budget;
  std::vector<uint8_t> order;

  SublatticeBatch batch() const {
    SublatticeBatch b;
    b.first_sweep = first_sweep;
    b.sweeps = sweeps;
    b.parity_order = order.data();
    b.last_partial = last_partial;
    b.hop_budget = hop_budget;
    return b;
  }
};

// What a run hands back: the state and, per batch, sweeps done and hops.
struct Outcome {
  std::vector<uint8_t> site;
  std::vector<IonRecord> record;
  std::vector<uint64_t> hops_by_slot;
  std::vector<std::pair<int32_t, uint64_t>> batches;
};

// The rule's definition on the host: per sweep (while the batch is below its
// hop budget) the classes in order, each member decided by decide().
class Reference {
 public:
  explicit Reference(const System& sys) : sys_(sys), site_(sys.site), record_(sys.record) {}
  void upload(const std::vector<uint8_t>& s, const std::vector<IonRecord>& r) {
    site_ = s;
    record_ = r;
  }
  SublatticeBatchResult run(const SublatticeBatch& batch, uint64_t* hops_by_slot) {
    const LatticeView& lat = sys_.lat;
    const SublatticeArrays arr{site_.data(), record_.data()};
    const int32_t C = sys_.rule.classes();
    SublatticeBatchResult result;
    for (int32_t n = 0; n < batch.sweeps; ++n) {
      if (result.hops >= batch.hop_budget) break;
      const SublatticeTables tab = sys_.tables(batch.last_partial && n == batch.sweeps - 1);
      const uint64_t sweep = batch.first_sweep + n;
      for (int32_t qi = 0; qi < C; ++qi) {
        const int32_t q = batch.parity_order[int64_t(n) * C + qi];
        SiteCoord s;
        s.b = sys_.rule.basis_of(q);
        for (s.c[2] = 0; s.c[2] < lat.n[2]; ++s.c[2])
          for (s.c[1] = 0; s.c[1] < lat.n[1]; ++s.c[1])
            for (s.c[0] = 0; s.c[0] < lat.n[0]; ++s.c[0]) {
              if (sys_.rule.phase_of_cell(s.c) != sys_.rule.phase_of(q)) continue;
              const int32_t i = lat.index(s);
              if (!SublatticeAttempt::eligible(site_[i], sweep, kPoissonAttempts)) continue;
              SublatticeAttempt::Move m;
              if (SublatticeAttempt::decide(lat, tab, arr, sys_.key, sweep, s, i, m) !=
                  kAttemptAccepted)
                continue;
              SublatticeAttempt::move_record(arr, m);
              hops_by_slot[m.slot] += m.ions;
              result.hops += m.ions;
            }
      }
      ++result.sweeps_done;
    }
    return result;
  }
  void download(std::vector<uint8_t>& s, std::vector<IonRecord>& r) const {
    s = site_;
    r = record_;
  }

 private:
  const System& sys_;
  std::vector<uint8_t> site_;
  std::vector<IonRecord> record_;
};

// The schedule: 3 full sweeps; 2 with the last partial; 4 that stop at the
// hop budget (set from the reference's first batch: about two sweeps'
// hops); 2 more.
std::vector<Step> schedule(const System& sys, uint64_t hops_per_sweep) {
  std::vector<Step> out;
  const int32_t C = sys.rule.classes();
  std::mt19937 rng(11);
  uint64_t sweep = 5;
  auto add = [&](int32_t sweeps, int32_t partial, uint64_t budget) {
    Step s{sweep, sweeps, partial, budget, {}};
    for (int32_t n = 0; n < sweeps; ++n) {
      std::vector<uint8_t> perm(C);
      std::iota(perm.begin(), perm.end(), uint8_t(0));
      std::shuffle(perm.begin(), perm.end(), rng);
      s.order.insert(s.order.end(), perm.begin(), perm.end());
    }
    out.push_back(std::move(s));
    sweep += sweeps;
  };
  add(3, 0, UINT64_MAX);
  add(2, 1, UINT64_MAX);
  add(4, 0, 2 * hops_per_sweep - hops_per_sweep / 2);
  add(2, 0, UINT64_MAX);
  return out;
}

template <class Engine>
void run_steps(Engine& engine, const std::vector<Step>& steps, size_t first, size_t last,
               Outcome& out) {
  for (size_t k = first; k < last; ++k) {
    const SublatticeBatchResult r = engine.run(steps[k].batch(), out.hops_by_slot.data());
    out.batches.emplace_back(r.sweeps_done, r.hops);
  }
}

std::unique_ptr<SublatticeEngine> make_engine(BackendKind kind, const System& sys, int threads,
                                              uint64_t shuffle) {
  const SublatticeSetup setup = sys.setup(threads, shuffle);
  std::unique_ptr<SublatticeEngine> e;
  switch (kind) {
    case BackendKind::Cuda:
      e = cuda::make_sublattice_engine(setup);
      break;
    case BackendKind::Replay:
      e = replay::make_sublattice_engine(setup);
      break;
    default:
      e = cpu::make_sublattice_engine(setup);
      break;
  }
  e->set_tables(false, sys.full.data(), nullptr, nullptr);
  e->set_tables(true, sys.partial.data(), nullptr, nullptr);
  e->upload(sys.site.data(), sys.record.data());
  return e;
}

void download(SublatticeEngine& e, const System& sys, Outcome& out) {
  out.site.resize(sys.sites());
  out.record.resize(sys.sites());
  e.download(out.site.data(), out.record.data());
}

void expect_same(const Outcome& ref, const Outcome& got) {
  EXPECT_EQ(ref.batches, got.batches);
  EXPECT_EQ(ref.hops_by_slot, got.hops_by_slot);
  ASSERT_EQ(ref.site.size(), got.site.size());
  size_t sites_differ = 0, records_differ = 0;
  for (size_t i = 0; i < ref.site.size(); ++i) {
    sites_differ += ref.site[i] != got.site[i];
    // Every record, the stale ones of empty sites too (every engine moves them alike).
    const IonRecord &a = ref.record[i], &b = got.record[i];
    records_differ += a.ion != b.ion || a.cells[0] != b.cells[0] || a.cells[1] != b.cells[1] ||
                      a.cells[2] != b.cells[2];
  }
  EXPECT_EQ(sites_differ, 0u);
  EXPECT_EQ(records_differ, 0u);
}

struct Fixture {
  System sys;
  Outcome ref;
  std::vector<Step> steps;

  explicit Fixture(const RuleCase& c) : sys(c) {
    // The reference's first batch sets the hop budget of the third.
    ref.hops_by_slot.assign(sys.lat.zmax, 0);
    Reference r(sys);
    std::vector<Step> first = schedule(sys, 0);
    run_steps(r, first, 0, 1, ref);
    steps = schedule(sys, ref.batches[0].second / 3);
    run_steps(r, steps, 1, steps.size(), ref);
    r.download(ref.site, ref.record);
  }
};

class LatticeRuleEngines : public PerBackend<std::tuple<BackendParam, RuleCase>> {};

// The whole schedule on this backend against the reference; the schedule
// means something: ions hopped in every batch and in every slot that holds a
// hop, and the budget stopped its batch early.
TEST_P(LatticeRuleEngines, SameStateAsTheClassByClassReference) {
  const auto& [backend, c] = GetParam();
  const Fixture f(c);
  ASSERT_EQ(f.ref.batches.size(), 4u);
  for (const auto& b : f.ref.batches) EXPECT_GT(b.second, 0u);
  EXPECT_EQ(f.ref.batches[2].first, 2) << "the hop budget stops the third batch after 2 sweeps";
  for (int32_t k = 0; k < f.sys.lat.zmax; ++k)
    EXPECT_EQ(f.ref.hops_by_slot[k] > 0, f.sys.steps[k].to_basis >= 0) << "slot " << k;
  Outcome got;
  got.hops_by_slot.assign(f.sys.lat.zmax, 0);
  auto engine = make_engine(backend.kind, f.sys, 2, 0x5eed);
  run_steps(*engine, f.steps, 0, f.steps.size(), got);
  download(*engine, f.sys, got);
  expect_same(f.ref, got);
}

// Batches [first, last) of the schedule on the reference (kind empty) or an
// engine, from the state in `from`; the state after them goes into `got`.
void continue_on(std::optional<BackendKind> kind, const Fixture& f, const Outcome& from,
                 size_t first, size_t last, Outcome& got) {
  if (!kind) {
    Reference r(f.sys);
    r.upload(from.site, from.record);
    run_steps(r, f.steps, first, last, got);
    r.download(got.site, got.record);
    return;
  }
  auto engine = make_engine(*kind, f.sys, 2, 0x5eed);
  engine->upload(from.site.data(), from.record.data());
  run_steps(*engine, f.steps, first, last, got);
  download(*engine, f.sys, got);
}

// Stopped after two batches and resumed from the downloaded state on
// another engine: this backend after the reference, the cpu engine and the
// replay, and each of them after this backend.
TEST_P(LatticeRuleEngines, ResumedOnAnotherEngine) {
  const auto& [backend, c] = GetParam();
  const Fixture f(c);
  const std::optional<BackendKind> self = backend.kind, reference;
  const std::optional<BackendKind> others[] = {reference, BackendKind::Cpu, BackendKind::Replay};
  auto name = [](const std::optional<BackendKind>& k) {
    return k ? backend_name(*k) : std::string("reference");
  };
  Outcome start;
  start.site = f.sys.site;
  start.record = f.sys.record;
  for (int way = 0; way < 6; ++way) {
    const std::optional<BackendKind> first = way < 3 ? others[way] : self;
    const std::optional<BackendKind> second = way < 3 ? self : others[way - 3];
    SCOPED_TRACE(name(first) + ", then " + name(second));
    Outcome got;
    got.hops_by_slot.assign(f.sys.lat.zmax, 0);
    continue_on(first, f, start, 0, 2, got);
    const Outcome half = got;  // the state a checkpoint would hold
    continue_on(second, f, half, 2, f.steps.size(), got);
    expect_same(f.ref, got);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LatticeRuleEngines,
                         ::testing::Combine(::testing::ValuesIn(kBackends),
                                            ::testing::ValuesIn(kRuleCases)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) + "_" +
                                  std::get<1>(info.param).name;
                         });

// The replay's block and lane orders and thread counts change nothing.
TEST(LatticeRuleReplay, SameStateWhateverTheBlockAndLaneOrders) {
  const Fixture f(kRuleCases[2]);
  for (const auto& [threads, shuffle] : {std::pair<int, uint64_t>{1, 0}, {3, 0xabcdef}}) {
    Outcome got;
    got.hops_by_slot.assign(f.sys.lat.zmax, 0);
    auto engine = make_engine(BackendKind::Replay, f.sys, threads, shuffle);
    run_steps(*engine, f.steps, 0, f.steps.size(), got);
    download(*engine, f.sys, got);
    expect_same(f.ref, got);
  }
}

}  // namespace

namespace {

// The decide lane's divisions (SublatticeDivisor: multiply-high and shift)
// are exact for every index below 2^31: each divisor's extreme and random
// dividends, small and large divisors, powers of two and their neighbours.
TEST(SublatticeDivisor, ExactForEveryIndexBelowTwoTo31) {
  std::mt19937_64 rng(5);
  std::vector<uint32_t> divisors;
  for (uint32_t d = 1; d <= 2100; ++d) divisors.push_back(d);
  for (int l = 11; l <= 30; ++l)
    for (int64_t d : {(int64_t(1) << l) - 1, int64_t(1) << l, (int64_t(1) << l) + 1})
      divisors.push_back(static_cast<uint32_t>(d));
  divisors.push_back(2147483647u);
  for (uint32_t d : divisors) {
    const SublatticeDivisor v = SublatticeDivisor::of(d);
    const uint32_t top = 2147483647u;
    // The multiples of d near the top and random dividends.
    std::vector<uint32_t> es = {0, 1, d - 1, d, top, top - 1, top - top % d, top - top % d - 1};
    for (int n = 0; n < 200; ++n) es.push_back(static_cast<uint32_t>(rng() & top));
    for (uint32_t e : es)
      if (e <= top) ASSERT_EQ(v.divide(e), e / d) << e << " / " << d;
  }
}

// The plan refuses what the class kernel cannot hold, with a reason; the
// test cases run both of its screen paths.
TEST(LatticeRulePlan, RefusesWhatTheClassKernelCannotHold) {
  const System sys(kRuleCases[0]);
  EXPECT_NO_THROW(plan_sublattice_class_launch(sys.rule, sys.lat, sys.key));
  // The cases above run both screen paths.
  bool aligned = false, general = false;
  for (const RuleCase& c : kRuleCases) {
    const System other(c);
    const SublatticeClassLaunchPlan p =
        plan_sublattice_class_launch(other.rule, other.lat, other.key);
    (p.geometry.aligned ? aligned : general) = true;
  }
  EXPECT_TRUE(aligned);
  EXPECT_TRUE(general);
  auto refused = [&](const SublatticeLatticeRule& rule, const LatticeView& lat,
                     const SublatticeRngKey& key, const std::string& reason) {
    try {
      plan_sublattice_class_launch(rule, lat, key);
      ADD_FAILURE() << "not refused: " << reason;
    } catch (const CannotProceed& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  };
  LatticeView lat = sys.lat;
  lat.n[0] = 44;  // M = 8 does not divide n0
  refused(sys.rule, lat, sys.key, "does not wrap");
  SublatticeRngKey key = sys.key;
  key.word_group = 0;  // the tiles' words
  refused(sys.rule, sys.lat, key, "words' group");
  std::vector<HopStep> steps = sys.steps;
  steps[0].dcell[0] = 2;  // a hop of two cells
  lat = sys.lat;
  lat.steps = steps.data();
  refused(sys.rule, lat, sys.key, "at most one cell");
}

}  // namespace
