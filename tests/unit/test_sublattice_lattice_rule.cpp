// The lattice-wide class rule of the sublattice solver
// (kernels/SublatticeLatticeRule.hpp) on the CPU engine: its OpenMP launcher
// (kernels/cpu/SublatticeSweeps.cpp, run_lattice_batch) gives bit for bit
// what a naive single-threaded loop gives (classes in the sweep's order,
// rows in order, decide() and move_record() per member at once), whatever
// the thread count, over batches with a partial last sweep and a hop-budget
// stop; and the thinned words' lattice layout gives every site its own
// (block, word) and puts four members of a class row in one Philox block.
// The rule's search (kmc/solvers/SublatticeClasses.cpp): sc's M = 8,
// k = (1, 2, 3) at 64^3, none where no pattern wraps or none has balanced
// class orders (M odd: 63^3, 7^3), and no two sites of a class conflict on
// any lattice it finds a rule for (brute force); the balanced orders (sc:
// 5120 of 8!, every sweep's order one of them, all drawn, uniformly); the
// solver's choice (sublattice.class_rule) and a restart in lattice mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kernels/CounterRng.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeEngine.hpp"
#include "kernels/SublatticeLatticeRule.hpp"
#include "kernels/SublatticeThinning.hpp"
#include "host/io/CheckpointFile.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/SublatticeClasses.hpp"
#include "kmc/solvers/SublatticeSolver.hpp"

#include "CommandRunner.hpp"

using namespace coatkmc;

namespace {

constexpr double kTwo32 = 4294967296.0;
constexpr int kZ = 6;
constexpr int kWidth = 2 * kZ + 1;

// The sc lattice gas's rule: M = 8, k = (1, 2, 3), one basis site.
SublatticeLatticeRule sc_rule() {
  SublatticeLatticeRule r;
  r.modulus = 8;
  r.k[0] = 2;
  r.k[1] = 3;
  r.mobile_basis_count = 1;
  r.mobile_basis[0] = 0;
  return r;
}

// Thresholds at acceptance p[k] times `fraction`, then the thinning tables as
// the solver appends them (kernels/SublatticeThinning.hpp layout: [T][h(T)]
// [ceiling][common mass][screen] for one species and one basis site).
std::vector<uint32_t> thinning_tables(const double (&p)[kZ], double fraction) {
  std::vector<uint32_t> t(2 * kZ * kWidth + 3, 0u);
  for (int k = 0; k < kZ; ++k)
    for (int dn = 0; dn < kWidth; ++dn)
      t[k * kWidth + dn] = static_cast<uint32_t>(std::floor(p[k] * fraction * kTwo32));
  for (int e = 0; e < kZ * kWidth; ++e)
    t[kZ * kWidth + e] = static_cast<uint32_t>(
        std::nearbyint(-std::expm1(-double(t[e]) / (kZ * kTwo32)) * kTwo32));
  uint32_t ceiling = 0;
  for (int k = 0; k < kZ; ++k)
    ceiling = SublatticeThinning::combine(ceiling, t[kZ * kWidth + k * kWidth + kZ]);
  t[2 * kZ * kWidth] = ceiling;
  bool same = true;
  for (int k = 1; k < kZ; ++k) same = same && t[k * kWidth + kZ] == t[kZ];
  t[2 * kZ * kWidth + 1] = same ? t[kZ * kWidth + kZ] : 0u;
  t[2 * kZ * kWidth + 2] = ceiling;
  return t;
}

struct ScLattice {
  std::vector<HopStep> steps;
  LatticeView lat{};
  explicit ScLattice(int n0, int n1, int n2) {
    const int8_t d[kZ][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (int k = 0; k < kZ; ++k) steps.push_back(HopStep{0, {d[k][0], d[k][1], d[k][2]}, 0});
    lat.n[0] = n0;
    lat.n[1] = n1;
    lat.n[2] = n2;
    lat.nbasis = 1;
    lat.zmax = kZ;
    lat.steps = steps.data();
  }
  int64_t sites() const { return int64_t(lat.n[0]) * lat.n[1] * lat.n[2]; }
};

// One batch as the test runs it: its class orders are random permutations.
struct BatchPlan {
  uint64_t first_sweep;
  int32_t sweeps;
  bool partial;
  uint64_t budget;
};

// The naive reference: one thread, classes in the batch's order, rows (c2
// outer, c1 inner) and members in order, each visit's record moved at once.
SublatticeBatchResult reference(const LatticeView& lat, const SublatticeLatticeRule& rule,
                                const SublatticeTables& full, const SublatticeTables& partial,
                                const SublatticeArrays& arr, const SublatticeRngKey& key,
                                const SublatticeBatch& batch, uint64_t* slots) {
  SublatticeBatchResult r;
  for (int32_t n = 0; n < batch.sweeps; ++n) {
    if (r.hops >= batch.hop_budget) break;
    const uint64_t sweep = batch.first_sweep + n;
    const SublatticeTables& tab = (batch.last_partial && n == batch.sweeps - 1) ? partial : full;
    for (int32_t ci = 0; ci < rule.classes(); ++ci) {
      const int32_t q = batch.parity_order[int64_t(n) * rule.classes() + ci];
      const int32_t j = rule.phase_of(q), b = rule.basis_of(q);
      for (int32_t c2 = 0; c2 < lat.n[2]; ++c2)
        for (int32_t c1 = 0; c1 < lat.n[1]; ++c1)
          for (int32_t c0 = rule.row_first(j, c1, c2); c0 < lat.n[0]; c0 += rule.modulus) {
            const SiteCoord s{{c0, c1, c2}, b};
            const int32_t i = lat.index(s);
            if (!SublatticeAttempt::eligible(arr.site[i], sweep, tab.rule)) continue;
            SublatticeAttempt::Move m;
            if (SublatticeAttempt::decide(lat, tab, arr, key, sweep, s, i, m) != kAttemptAccepted)
              continue;
            SublatticeAttempt::move_record(arr, m);
            slots[m.slot] += m.ions;
            r.hops += m.ions;
          }
    }
    r.sweeps_done = n + 1;
  }
  return r;
}

// The engine (threads given) and the reference from the same state, batch
// after batch: same result, site bytes, records and hops per slot.
void expect_engine_matches_reference(int n0, int n1, int n2, double concentration, int threads) {
  SCOPED_TRACE("sc " + std::to_string(n0) + "x" + std::to_string(n1) + "x" + std::to_string(n2) +
               " c=" + std::to_string(concentration) + " threads=" + std::to_string(threads));
  const ScLattice sc(n0, n1, n2);
  const SublatticeLatticeRule rule = sc_rule();
  const double p[kZ] = {0.25, 0.1, 0.05, 0.2, 0.15, 0.22};  // unequal: the weighted chain
  const double p_equal[kZ] = {0.25, 0.25, 0.25, 0.25, 0.25, 0.25};  // the common-mass path
  const std::vector<uint32_t> full = thinning_tables(p, 1.0), part = thinning_tables(p_equal, 0.37);

  std::mt19937_64 gen(12345 + n0 * 7 + n2);
  std::vector<uint8_t> site(sc.sites(), 0);
  std::vector<IonRecord> record(sc.sites(), IonRecord{-1, {0, 0, 0}});
  int32_t ions = 0;
  std::bernoulli_distribution occupied(concentration);
  for (int64_t i = 0; i < sc.sites(); ++i)
    if (occupied(gen)) {
      site[i] = kSiteOccupied;
      record[i] = IonRecord{ions++, {0, 0, 0}};
    }

  SublatticeSetup setup;
  setup.lattice = sc.lat;
  setup.lattice_rule = rule;
  setup.sites = sc.sites();
  setup.key = SublatticeRngKey{0x9e3779b97f4a7c15ull, 3, rule.word_group(1)};
  setup.rule = kPoissonAttempts;
  setup.threshold_count = static_cast<int64_t>(full.size());
  setup.threads = threads;
  auto engine = cpu::make_sublattice_engine(setup);
  engine->set_tables(false, full.data(), nullptr, nullptr);
  engine->set_tables(true, part.data(), nullptr, nullptr);
  engine->upload(site.data(), record.data());

  SublatticeTables tab_full{}, tab_part{};
  tab_full.threshold = full.data();
  tab_part.threshold = part.data();
  for (SublatticeTables* t : {&tab_full, &tab_part}) {
    t->rule = kPoissonAttempts;
    t->species = 1;
  }
  const SublatticeArrays arr{site.data(), record.data()};

  // Full sweeps; a partial last sweep; a budget that stops the batch in its
  // second sweep (0.05 to 0.1 hops per ion per sweep here); then more.
  const uint64_t per_sweep = static_cast<uint64_t>(ions) / 20;
  const BatchPlan plans[] = {{0, 3, false, UINT64_MAX},
                             {3, 4, true, UINT64_MAX},
                             {7, 6, false, per_sweep + 1},
                             {9, 2, true, UINT64_MAX}};
  uint64_t budget_stops = 0;
  std::vector<uint64_t> slots_engine(kZ, 0), slots_ref(kZ, 0);
  std::mt19937 order_gen(77);
  for (const BatchPlan& plan : plans) {
    std::vector<uint8_t> order(size_t(plan.sweeps) * rule.classes());
    for (int32_t n = 0; n < plan.sweeps; ++n) {
      std::iota(order.begin() + n * rule.classes(), order.begin() + (n + 1) * rule.classes(), 0);
      std::shuffle(order.begin() + n * rule.classes(), order.begin() + (n + 1) * rule.classes(),
                   order_gen);
    }
    SublatticeBatch batch;
    batch.first_sweep = plan.first_sweep;
    batch.sweeps = plan.sweeps;
    batch.parity_order = order.data();
    batch.last_partial = plan.partial;
    batch.hop_budget = plan.budget;
    const SublatticeBatchResult got = engine->run(batch, slots_engine.data());
    const SublatticeBatchResult want =
        reference(sc.lat, rule, tab_full, tab_part, arr, setup.key, batch, slots_ref.data());
    ASSERT_EQ(got.sweeps_done, want.sweeps_done) << "batch at sweep " << plan.first_sweep;
    ASSERT_EQ(got.hops, want.hops) << "batch at sweep " << plan.first_sweep;
    EXPECT_GT(want.hops, 0u);
    if (want.sweeps_done < plan.sweeps) ++budget_stops;
    std::vector<uint8_t> site_engine(sc.sites());
    std::vector<IonRecord> record_engine(sc.sites());
    engine->download(site_engine.data(), record_engine.data());
    ASSERT_EQ(site_engine, site) << "batch at sweep " << plan.first_sweep;
    for (int64_t i = 0; i < sc.sites(); ++i) {
      if (!(site[i] & kSiteOccupied)) continue;
      ASSERT_EQ(record_engine[i].ion, record[i].ion) << "site " << i;
      for (int a = 0; a < 3; ++a) ASSERT_EQ(record_engine[i].cells[a], record[i].cells[a]);
    }
    ASSERT_EQ(slots_engine, slots_ref);
  }
  EXPECT_EQ(budget_stops, 1u);  // the budget batch did stop early
}

}  // namespace

TEST(SublatticeLatticeRule, CpuEngineMatchesNaiveReference) {
  for (int threads : {1, 2})
    for (double c : {0.3, 0.7}) {
      expect_engine_matches_reference(16, 16, 16, c, threads);
      expect_engine_matches_reference(24, 16, 32, c, threads);
    }
  // Large enough for the launcher to use two threads (16384 sites per thread).
  expect_engine_matches_reference(32, 32, 32, 0.5, 2);
}

// The lattice layout (SublatticeRngKey::word_group = g = M nbasis): the
// screen word of site i is word (i / g) % 4 of block screen_block(i, g):
// distinct per site; with n0 % 32 == 0 on sc, members x, x + 8, x + 16,
// x + 24 of a class row (x the row's first member plus a multiple of 32)
// share one block; words() returns those words.
TEST(SublatticeLatticeRule, WordLayoutGivesEachSiteItsOwnWord) {
  const SublatticeLatticeRule rule = sc_rule();
  const uint32_t g = rule.word_group(1);
  for (const auto& n : {std::vector<int>{16, 16, 16}, std::vector<int>{24, 16, 32},
                        std::vector<int>{32, 8, 8}, std::vector<int>{64, 4, 8}}) {
    const ScLattice sc(n[0], n[1], n[2]);
    std::set<std::pair<uint32_t, uint32_t>> screen, direction;
    for (uint32_t i = 0; i < sc.sites(); ++i) {
      screen.insert({SublatticeThinning::screen_block(i, g), (i / g) % 4});
      direction.insert({i / 4, i % 4});
    }
    EXPECT_EQ(screen.size(), size_t(sc.sites()));
    EXPECT_EQ(direction.size(), size_t(sc.sites()));
    if (n[0] % 32 != 0) continue;
    for (int32_t j = 0; j < rule.modulus; ++j)
      for (int32_t c2 = 0; c2 < n[2]; ++c2)
        for (int32_t c1 = 0; c1 < n[1]; ++c1)
          for (int32_t x = rule.row_first(j, c1, c2); x < n[0]; x += 32) {
            const int32_t i = sc.lat.index(SiteCoord{{x, c1, c2}, 0});
            std::set<uint32_t> words;
            for (int m = 0; m < 4; ++m) {
              ASSERT_EQ(rule.phase_of_cell(SiteCoord{{x + 8 * m, c1, c2}, 0}.c), j);
              EXPECT_EQ(SublatticeThinning::screen_block(i + 8 * m, g),
                        SublatticeThinning::screen_block(i, g));
              words.insert((uint32_t(i) + 8 * m) / g % 4);
            }
            EXPECT_EQ(words.size(), 4u);
          }
  }
  // words() draws word (i / g) % 4 of that block and word i % 4 of block i / 4.
  const SublatticeRngKey key{0x1234, 5, g};
  for (int32_t i : {0, 1, 7, 8, 31, 32, 33, 1000, 4095}) {
    uint32_t w0, w1;
    SublatticeThinning::words(key, 17, i, w0, w1);
    const auto screen = CounterRng::words(key.seed, kStreamSublattice, key.replica,
                                          (17u << 4) | SublatticeThinning::kScreenBlock,
                                          SublatticeThinning::screen_block(i, g));
    const auto dir = CounterRng::words(key.seed, kStreamSublattice, key.replica,
                                       (17u << 4) | SublatticeThinning::kDirectionBlock, i / 4);
    EXPECT_EQ(w0, screen[(i / g) % 4]) << i;
    EXPECT_EQ(w1, dir[i % 4]) << i;
  }
}

namespace {

// The rule for a description on `cells`, from its hop templates (found on a
// small lattice: they do not depend on the cell counts).
SublatticeLatticeRule rule_on(const LatticeDescription& d, std::array<int, 3> cells,
                              std::string* why = nullptr, LatticeOrderBalance* balance = nullptr) {
  const Lattice small(d, d.dimension == 2 ? std::array<int, 3>{6, 6, 1}
                                          : std::array<int, 3>{6, 6, 6});
  std::vector<std::vector<HopTemplate>> hops;
  std::vector<bool> mobile;
  for (int b = 0; b < small.basis_size(); ++b) {
    hops.push_back(small.hops(b));
    mobile.push_back(d.basis[b].mobile);
  }
  return lattice_class_rule(hops, mobile, cells, why, balance);
}

// Brute force: the classes partition the mobile sites, and the sites an
// attempt of a member may read or write (its own and its hop targets', the
// same set without interaction) are disjoint from every other member's.
// Returns the first conflict found, or "" (and the members counted).
std::string first_conflict(const Lattice& lat, const SublatticeLatticeRule& rule,
                           int64_t& members) {
  std::vector<int64_t> owner(lat.num_sites());
  members = 0;
  for (int32_t q = 0; q < rule.classes(); ++q) {
    std::fill(owner.begin(), owner.end(), -1);
    const int32_t j = rule.phase_of(q), b = rule.basis_of(q);
    for (int64_t site = 0; site < lat.num_sites(); ++site) {
      if (lat.basis_of(site) != b) continue;
      const int64_t cell = site / lat.basis_size();
      const int32_t c[3] = {static_cast<int32_t>(cell % lat.cells()[0]),
                            static_cast<int32_t>(cell / lat.cells()[0] % lat.cells()[1]),
                            static_cast<int32_t>(cell / (int64_t(lat.cells()[0]) * lat.cells()[1]))};
      if (rule.phase_of_cell(c) != j) continue;
      ++members;
      std::vector<int64_t> touched{site};
      for (int k = 0; k < lat.coordination(b); ++k) touched.push_back(lat.neighbor(site, k));
      for (int64_t t : touched) {
        if (owner[t] != -1 && owner[t] != site)
          return "sites " + std::to_string(owner[t]) + " and " + std::to_string(site) +
                 " of class " + std::to_string(q) + " both reach site " + std::to_string(t);
        owner[t] = site;
      }
    }
  }
  return "";
}

}  // namespace

TEST(SublatticeLatticeRule, SearchFindsTheScRuleWhereItWraps) {
  const LatticeDescription sc = make_textbook_lattice("sc", 3.9);
  // 64^3: M = 8 (7, the perfect code, does not divide 64), k = (1, 2, 3).
  const SublatticeLatticeRule r64 = lattice_class_rule(Lattice(sc, {64, 64, 64}));
  EXPECT_EQ(r64.modulus, 8);
  EXPECT_EQ(r64.k[0], 2);
  EXPECT_EQ(r64.k[1], 3);
  EXPECT_EQ(r64.mobile_basis_count, 1);
  EXPECT_EQ(r64.classes(), 8);
  EXPECT_EQ(r64.word_group(1), 8u);
  // 63^3: 7 divides 63, so the perfect code itself wraps, but every period
  // that wraps on 63 cells is odd: no balanced class order, no rule.
  std::string why63;
  EXPECT_FALSE(rule_on(sc, {63, 63, 63}, &why63).active());
  EXPECT_NE(why63.find("M = 7"), std::string::npos) << why63;
  EXPECT_NE(why63.find("odd"), std::string::npos) << why63;
  const std::vector<std::array<int32_t, 3>> sc_conflicts = {
      {1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1},
      {2, 0, 0}, {-2, 0, 0}, {0, 2, 0}, {0, -2, 0}, {0, 0, 2}, {0, 0, -2},
      {1, 1, 0}, {1, -1, 0}, {-1, 1, 0}, {-1, -1, 0}, {1, 0, 1}, {1, 0, -1},
      {-1, 0, 1}, {-1, 0, -1}, {0, 1, 1}, {0, 1, -1}, {0, -1, 1}, {0, -1, -1}};
  const LinearClassRule p63 = search_lattice_class_rule(sc_conflicts, {63, 63, 63}, {1, 1, 1});
  EXPECT_EQ(p63.modulus, 7);
  EXPECT_EQ(p63.k1, 2);
  EXPECT_EQ(p63.k2, 3);
  // 67 cells (a prime over 64) along one axis: no period wraps.
  std::string why;
  EXPECT_FALSE(rule_on(sc, {67, 64, 64}, &why).active());
  EXPECT_NE(why.find("no class pattern"), std::string::npos) << why;
  // 8 x 6 x 8: M = 8 needs 8 | 2 n1 (n1 = 6 fails), and no smaller M serves sc.
  EXPECT_FALSE(rule_on(sc, {8, 6, 8}).active());
  // The search alone: an axis shorter than 2 reach + 1 cells has no rule.
  const std::vector<std::array<int32_t, 3>> unit = {{1, 0, 0}, {-1, 0, 0}};
  EXPECT_EQ(search_lattice_class_rule(unit, {2, 8, 8}, {1, 1, 1}).modulus, 0);
  EXPECT_EQ(search_lattice_class_rule(unit, {4, 3, 3}, {1, 1, 1}).modulus, 2);
}

TEST(SublatticeLatticeRule, NoTwoSitesOfAClassConflictOnAnyLatticeWithARule) {
  std::vector<std::pair<std::string, LatticeDescription>> lattices;
  for (const std::string& name : textbook_lattice_names())
    lattices.emplace_back(name, make_textbook_lattice(name, 3.9));
  for (const std::string& name : oxide_lattice_names())
    lattices.emplace_back(name, make_oxide_lattice(name, OxideOptions{}));
  const std::vector<std::array<int, 3>> cells3 = {{4, 4, 4},  {6, 6, 6},   {8, 8, 8},
                                                  {8, 4, 8},  {10, 10, 10}, {12, 12, 12},
                                                  {16, 16, 16}};
  const std::vector<std::array<int, 3>> cells2 = {{4, 4, 1},   {6, 6, 1},   {8, 8, 1},
                                                  {12, 12, 1}, {16, 16, 1}, {24, 24, 1}};
  std::set<std::string> with_rule;
  std::map<std::string, std::string> without_rule;  // a lattice's first reason
  int checked = 0;
  for (const auto& [name, d] : lattices)
    for (const auto& cells : d.dimension == 2 ? cells2 : cells3) {
      LatticeOrderBalance balance;
      std::string why;
      const SublatticeLatticeRule rule = rule_on(d, cells, &why, &balance);
      if (!rule.active()) {
        without_rule[name] = why;  // the largest cells' reason
        continue;
      }
      // Its balance: an example order that is balanced, enough balanced
      // orders for a cheap rejection draw, shifts of mobile classes only.
      ASSERT_EQ(static_cast<int32_t>(balance.example.size()), rule.classes()) << name;
      EXPECT_TRUE(balanced_class_order(rule, balance.shifts, balance.example.data())) << name;
      EXPECT_GE(balance.acceptance, double(kLatticeBalanceMinHits) / kLatticeBalanceTries);
      EXPECT_EQ(rule.modulus % 2, 0) << name;
      for (const LatticeHopShift& h : balance.shifts) {
        EXPECT_LT(h.from, rule.mobile_basis_count);
        EXPECT_LT(h.to, rule.mobile_basis_count);
        EXPECT_LT(h.shift, rule.modulus);
      }
      const Lattice lat(d, cells);
      if (lat.num_sites() > 400000) continue;
      const std::string what = name + " " + std::to_string(cells[0]) + "x" +
                               std::to_string(cells[1]) + "x" + std::to_string(cells[2]);
      int64_t members = 0;
      EXPECT_EQ(first_conflict(lat, rule, members), "") << what;
      EXPECT_EQ(members, lat.num_mobile_sites()) << what;
      if (!with_rule.count(name))
        std::printf(
            "%s: first rule at %s: M = %d, k = (1, %d, %d), %d classes, %zu hop shifts, "
            "balanced orders %.4f of all\n",
            name.c_str(), what.c_str(), rule.modulus, rule.k[0], rule.k[1], rule.classes(),
            balance.shifts.size(), balance.acceptance);
      with_rule.insert(name);
      ++checked;
    }
  for (const char* needed : {"sc", "square", "triangular", "perovskite"})
    EXPECT_TRUE(with_rule.count(needed)) << needed;
  // bcc (2 basis sites, M = 8: about 7.6e-4 of random orders are balanced)
  // and fcc (4 basis sites: none among 10^6) have patterns but too few
  // balanced orders for a cheap rejection draw: tiles there.
  for (const char* tiles : {"bcc", "fcc"}) {
    EXPECT_FALSE(with_rule.count(tiles)) << tiles;
    EXPECT_NE(without_rule[tiles].find("too few balanced orders"), std::string::npos)
        << without_rule[tiles];
  }
  EXPECT_GE(checked, 10);
  std::string found;
  for (const auto& n : with_rule) found += n + " ";
  RecordProperty("lattices_with_a_rule", found);
  std::printf("lattices with a lattice-wide rule: %s(%d lattices checked)\n", found.c_str(),
              checked);
  for (const auto& [name, why] : without_rule)
    if (!with_rule.count(name)) std::printf("no rule on any cells: %s (%s)\n", name.c_str(), why.c_str());
}

// The brute force fails where it should: M = 4, k = (1, 1, 2) on sc puts
// the sites (0, 0, 0) and (1, -1, 0) (k . d = 1 - 1 = 0), which share the
// hop target (1, 0, 0), in one class; the searched rule passes.
TEST(SublatticeLatticeRule, BruteForceCatchesAConflictingRule) {
  const Lattice lat(make_textbook_lattice("sc", 3.9), {12, 12, 12});
  SublatticeLatticeRule bad;
  bad.modulus = 4;
  bad.k[0] = 1;
  bad.k[1] = 2;
  bad.mobile_basis_count = 1;
  int64_t members = 0;
  EXPECT_NE(first_conflict(lat, bad, members), "");
  bad.k[0] = 2;
  bad.k[1] = 3;
  bad.modulus = 8;  // the rule the search finds for 16^3
  const Lattice fits(make_textbook_lattice("sc", 3.9), {16, 16, 16});
  EXPECT_EQ(first_conflict(fits, bad, members), "");
  EXPECT_EQ(members, fits.num_mobile_sites());
}

namespace {

std::unique_ptr<SublatticeSolver> solver_on(const Lattice& lat, const HopModel& model,
                                            SublatticeClassRule rule) {
  SublatticeOptions o;
  o.class_rule = rule;
  return std::make_unique<SublatticeSolver>(lat, model, 7, BackendKind::Cpu, o);
}

}  // namespace

TEST(SublatticeLatticeRule, SolverTakesTheRuleOnlyWhereItApplies) {
  const LatticeDescription sc = make_textbook_lattice("sc", 3.9);
  const Lattice fits(sc, {16, 16, 16}), odd(sc, {67, 8, 8});
  const HopModel gas(fits, HopParameters{});
  HopParameters with_j;
  with_j.interaction = 0.02;
  const HopModel interacting(fits, with_j);
  const HopModel gas_odd(odd, HopParameters{});

  EXPECT_FALSE(solver_on(fits, gas, SublatticeClassRule::Tiles)->lattice_rule().active());
  EXPECT_EQ(solver_on(fits, gas, SublatticeClassRule::Auto)->lattice_rule().modulus, 8);
  EXPECT_EQ(solver_on(fits, gas, SublatticeClassRule::Lattice)->lattice_rule().modulus, 8);
  // auto falls back to tiles where there is no rule, or no thinning.
  EXPECT_FALSE(solver_on(odd, gas_odd, SublatticeClassRule::Auto)->lattice_rule().active());
  EXPECT_FALSE(solver_on(fits, interacting, SublatticeClassRule::Auto)->lattice_rule().active());
  EXPECT_THROW(solver_on(odd, gas_odd, SublatticeClassRule::Lattice), CannotProceed);
  EXPECT_THROW(solver_on(fits, interacting, SublatticeClassRule::Lattice), CannotProceed);
  // 7^3: only M = 7 wraps, which has no balanced order: auto keeps tiles,
  // lattice says why.
  const Lattice seven(sc, {7, 7, 7});
  const HopModel gas_seven(seven, HopParameters{});
  EXPECT_FALSE(solver_on(seven, gas_seven, SublatticeClassRule::Auto)->lattice_rule().active());
  try {
    solver_on(seven, gas_seven, SublatticeClassRule::Lattice);
    ADD_FAILURE() << "7^3 took the lattice rule";
  } catch (const CannotProceed& e) {
    EXPECT_NE(std::string(e.what()).find("odd M"), std::string::npos) << e.what();
  }
  {
    SublatticeOptions o;
    o.class_rule = SublatticeClassRule::Auto;
    o.rule = kOneAttemptPerIon;
    EXPECT_FALSE(SublatticeSolver(fits, gas, 7, BackendKind::Cpu, o).lattice_rule().active());
  }
  EXPECT_EQ(sublattice_class_rule("auto"), SublatticeClassRule::Auto);
  EXPECT_THROW(sublattice_class_rule("rows"), CannotProceed);
}

namespace {

// The sc rule's balance as the solver gets it (hops of a 16^3 lattice).
LatticeOrderBalance sc_balance(SublatticeLatticeRule* rule_out = nullptr) {
  LatticeOrderBalance balance;
  const SublatticeLatticeRule rule =
      lattice_class_rule(Lattice(make_textbook_lattice("sc", 3.9), {16, 16, 16}), nullptr, &balance);
  if (rule_out) *rule_out = rule;
  return balance;
}

// asc_s of an order on one basis site: phases j whose class j + s runs later.
int ascents(const std::vector<uint8_t>& order, int s, int m) {
  std::vector<int> pos(m);
  for (int i = 0; i < m; ++i) pos[order[i]] = i;
  int n = 0;
  for (int j = 0; j < m; ++j) n += pos[(j + s) % m] > pos[j];
  return n;
}

}  // namespace

// sc: the hops' shifts are +-1, +-2, +-3 (k = (1, 2, 3)); of the 8! orders
// exactly 5120 are balanced (2 asc_s = 8 for every shift, counted here
// independently of balanced_class_order), 0 1 2 3 7 6 5 4 among them, and
// the set is closed under reversal. The search's acceptance estimate agrees
// with 5120 / 40320 = 0.127 within 4 binomial sigmas of its 4096 tries.
TEST(SublatticeLatticeRule, ScHasTheBalancedOrdersTheTheorySays) {
  SublatticeLatticeRule rule;
  const LatticeOrderBalance balance = sc_balance(&rule);
  ASSERT_EQ(rule.modulus, 8);
  ASSERT_EQ(rule.classes(), 8);
  std::vector<int> shifts;
  for (const LatticeHopShift& h : balance.shifts) {
    EXPECT_EQ(h.from, 0);
    EXPECT_EQ(h.to, 0);
    shifts.push_back(h.shift);
  }
  EXPECT_EQ(shifts, (std::vector<int>{1, 2, 3, 5, 6, 7}));
  std::vector<uint8_t> order(8);
  std::iota(order.begin(), order.end(), 0);
  int balanced = 0, total = 0;
  do {
    bool mine = true;
    for (int s = 1; s < 8; ++s)
      if (s != 4) mine = mine && 2 * ascents(order, s, 8) == 8;
    const bool theirs = balanced_class_order(rule, balance.shifts, order.data());
    EXPECT_EQ(mine, theirs);
    std::vector<uint8_t> rev(order.rbegin(), order.rend());
    EXPECT_EQ(theirs, balanced_class_order(rule, balance.shifts, rev.data()));
    balanced += theirs;
    ++total;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(total, 40320);
  EXPECT_EQ(balanced, 5120);
  const std::vector<uint8_t> example = {0, 1, 2, 3, 7, 6, 5, 4};
  EXPECT_TRUE(balanced_class_order(rule, balance.shifts, example.data()));
  const std::vector<uint8_t> identity = {0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_FALSE(balanced_class_order(rule, balance.shifts, identity.data()));
  ASSERT_EQ(balance.example.size(), 8u);
  EXPECT_TRUE(balanced_class_order(rule, balance.shifts, balance.example.data()));
  const double p = 5120.0 / 40320.0, sigma = std::sqrt(p * (1 - p) / kLatticeBalanceTries);
  EXPECT_NEAR(balance.acceptance, p, 4 * sigma);
}

// The lattice orders: every sweep's order is a balanced permutation of the
// classes, a function of (seed, replica, sweep) only; over 100000 sweeps
// every one of the 5120 balanced sc orders is drawn (expected 19.5 times
// each: the chance that a given one is missed is e^-19.5, that any is
// 2e-5) and the counts pass a chi-square test of uniformity: 5119 degrees
// of freedom, |chi2 - 5119| < 5 sqrt(2 5119) = 506. The mean number of
// rejection tries is 40320 / 5120 = 7.875 (within 5 sigma of the geometric
// law). Another seed or replica gives other orders.
TEST(SublatticeLatticeRule, ClassOrdersAreBalancedUniformAndKeyedBySweep) {
  SublatticeLatticeRule rule;
  const LatticeOrderBalance balance = sc_balance(&rule);
  std::map<std::vector<uint8_t>, int> count;
  constexpr int kSweeps = 100000;
  int differ_seed = 0, differ_replica = 0;
  for (uint64_t sweep = 0; sweep < kSweeps; ++sweep) {
    std::vector<uint8_t> a(rule.classes()), b(rule.classes());
    draw_class_orders(rule, balance, 5, 1, sweep, a.data());
    if (sweep < 200) {
      draw_class_orders(rule, balance, 5, 1, sweep, b.data());
      EXPECT_EQ(a, b);
      draw_class_orders(rule, balance, 6, 1, sweep, b.data());
      differ_seed += a != b;
      draw_class_orders(rule, balance, 5, 2, sweep, b.data());
      differ_replica += a != b;
    }
    std::vector<uint8_t> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    for (int32_t q = 0; q < rule.classes(); ++q) ASSERT_EQ(sorted[q], q) << sweep;
    for (int s : {1, 2, 3, 5, 6, 7}) ASSERT_EQ(2 * ascents(a, s, 8), 8) << sweep << " s " << s;
    ++count[a];
  }
  EXPECT_GT(differ_seed, 190);
  EXPECT_GT(differ_replica, 190);
  ASSERT_EQ(count.size(), 5120u);
  const double expected = double(kSweeps) / 5120;
  double chi2 = 0;
  for (const auto& [order, n] : count) chi2 += (n - expected) * (n - expected) / expected;
  std::printf("balanced sc orders: %zu seen in %d sweeps, chi2 %.1f (5119 dof)\n", count.size(),
              kSweeps, chi2);
  EXPECT_LT(std::abs(chi2 - 5119), 5 * std::sqrt(2.0 * 5119));
  // The tries: redo the draw here (Fisher-Yates on the words of the
  // class-order stream's block 0, as many shuffles as it takes) for a few
  // sweeps; it must give the drawn order, and counts the shuffles.
  int64_t tries = 0;
  constexpr int kTrySweeps = 2000;
  for (uint64_t sweep = 0; sweep < kTrySweeps; ++sweep) {
    std::vector<uint8_t> want(8), got(8);
    draw_class_orders(rule, balance, 9, 0, sweep, want.data());
    uint32_t call = 0;
    int used = 4;
    CounterRng::Philox::ctr_type words{};
    auto next = [&]() {
      if (used == 4) {
        words = CounterRng::words(9, kStreamClassOrder, 0, sweep, call++);
        used = 0;
      }
      return words[used++];
    };
    for (int t = 1;; ++t) {
      std::iota(got.begin(), got.end(), 0);
      for (int i = 7; i > 0; --i) std::swap(got[i], got[CounterRng::below32(next(), i + 1)]);
      if (balanced_class_order(rule, balance.shifts, got.data())) {
        EXPECT_EQ(got, want) << sweep;
        tries += t;
        break;
      }
    }
  }
  const double p = 5120.0 / 40320.0;
  const double mean = double(tries) / kTrySweeps, sd = std::sqrt((1 - p) / (p * p) / kTrySweeps);
  std::printf("rejection tries per sweep: %.3f (expected %.3f +- %.3f)\n", mean, 1 / p, sd);
  EXPECT_NEAR(mean, 1 / p, 5 * sd);
}

namespace {

const char* kLatticeRunConfig = R"([lattice]
type  = "sc"
cells = [8, 8, 8]
[occupancy]
fraction = 0.5
[run]
solver            = "sublattice"
temperature       = 500
hops_per_particle = 20
blocks            = 4
msd_samples       = 10
replicas          = 2
[sublattice]
class_rule = "lattice"
)";

}  // namespace

// A run in lattice mode stopped at half its length and restarted from its
// checkpoint to the full length (the rule comes again from the resolved
// configuration and the lattice) ends bit for bit as the whole run:
// msd.csv and result.json's hops, attempts and D. The tiles give another
// trajectory (the key takes effect).
TEST(SublatticeLatticeRule, RestartInLatticeModeEndsLikeTheWholeRun) {
  coatkmc_test::ScratchDir dir;
  const std::string cfg = dir / "run.toml";
  std::ofstream(cfg) << kLatticeRunConfig;
  using coatkmc_test::run_coatkmc;
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "whole"}, dir.path()).status, 0);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "tiles", "--set", "sublattice.class_rule=\"tiles\""},
                        dir.path())
                .status,
            0);
  ASSERT_EQ(
      run_coatkmc({"run", cfg, "--out", "half", "--set", "run.hops_per_particle=10"}, dir.path())
          .status,
      0);
  const coatkmc_test::CommandResult r =
      run_coatkmc({"run", "--restart", "half/checkpoint.ckpt", "--set",
                   "run.hops_per_particle=20", "--out", "continued"},
                  dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string whole = coatkmc_test::read_text(dir / "whole/msd.csv");
  EXPECT_EQ(whole, coatkmc_test::read_text(dir / "continued/msd.csv"));
  EXPECT_NE(whole, coatkmc_test::read_text(dir / "tiles/msd.csv"));
  EXPECT_NE(whole, coatkmc_test::read_text(dir / "half/msd.csv"));
  const std::string result = coatkmc_test::read_text(dir / "whole/result.json");
  const std::string cont = coatkmc_test::read_text(dir / "continued/result.json");
  for (const char* key : {"\"hops\"", "\"attempts\"", "\"D_tracer\"", "\"class_rule\""}) {
    const size_t a = result.find(key), b = cont.find(key);
    ASSERT_NE(a, std::string::npos) << key;
    ASSERT_NE(b, std::string::npos) << key;
    EXPECT_EQ(result.substr(a, result.find('\n', a) - a), cont.substr(b, cont.find('\n', b) - b))
        << key;
  }
}

// The key is the sublattice solver's: with run.solver = "bkl" a class rule
// that could not apply is no error (the corpus file refuses it for sublattice).
TEST(SublatticeLatticeRule, ConfigRefusesTheRuleOnlyForTheSublatticeSolver) {
  coatkmc_test::ScratchDir dir;
  const std::string bad = std::string(COATKMC_SOURCE_DIR) +
                          "/tests/data/bad_configs/sublattice_class_rule_interaction.toml";
  using coatkmc_test::run_coatkmc;
  EXPECT_EQ(run_coatkmc({"run", bad, "--print-config"}, dir.path()).status, 2);
  EXPECT_EQ(run_coatkmc({"run", bad, "--print-config", "--set", "run.solver=\"auto\""}, dir.path())
                .status,
            2);
  const coatkmc_test::CommandResult r =
      run_coatkmc({"run", bad, "--print-config", "--set", "run.solver=\"bkl\""}, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("class_rule = 'lattice'"), std::string::npos) << r.out;
}

// One replica on one thread and on two (the solver's OpenMP threads: 32^3
// sites are enough for the launcher to use both) run the same trajectory in
// lattice mode.
TEST(SublatticeLatticeRule, RunIsTheSameOnOneAndTwoThreads) {
  coatkmc_test::ScratchDir dir;
  const std::string cfg = dir / "run.toml";
  std::ofstream(cfg) << kLatticeRunConfig;
  using coatkmc_test::run_coatkmc;
  for (const char* threads : {"1", "2"})
    ASSERT_EQ(run_coatkmc({"run", cfg, "--out", std::string("t") + threads, "--threads", threads,
                           "--set", "lattice.cells=[32, 32, 32]", "--set", "run.replicas=1",
                           "--set", "run.hops_per_particle=4"},
                          dir.path())
                  .status,
              0);
  const std::string one = coatkmc_test::read_text(dir / "t1/msd.csv");
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, coatkmc_test::read_text(dir / "t2/msd.csv"));
}

// A checkpoint written before sublattice.class_rule existed has no such key
// in its configuration: it restarts under the tiles it was made with
// (RestartConfig's legacy values), not under today's default, and the
// restarted run ends as the whole tiles run.
TEST(SublatticeLatticeRule, CheckpointWithoutTheKeyRestartsUnderTheTiles) {
  coatkmc_test::ScratchDir dir;
  const std::string cfg = dir / "run.toml";
  std::ofstream(cfg) << kLatticeRunConfig;
  using coatkmc_test::run_coatkmc;
  const std::string tiles = "sublattice.class_rule=\"tiles\"";
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "whole", "--set", tiles}, dir.path()).status, 0);
  ASSERT_EQ(run_coatkmc({"run", cfg, "--out", "half", "--set", tiles, "--set",
                         "run.hops_per_particle=10"},
                        dir.path())
                .status,
            0);
  // The half run's checkpoint as an older coatkmc wrote it: no class_rule line.
  coatkmc::Checkpoint c = coatkmc::read_checkpoint(dir / "half/checkpoint.ckpt");
  const size_t at = c.config_toml.find("class_rule");
  ASSERT_NE(at, std::string::npos);
  c.config_toml.erase(at, c.config_toml.find('\n', at) + 1 - at);
  ASSERT_EQ(c.config_toml.find("class_rule"), std::string::npos);
  std::vector<const coatkmc::ReplicaRun*> all;
  for (const coatkmc::ReplicaRun& rr : c.run.replicas) all.push_back(&rr);
  std::ofstream(dir / "old.ckpt", std::ios::binary)
      << coatkmc::encode_checkpoint(c.config_toml, c.run, all, c.run.wall_before);
  const coatkmc_test::CommandResult r =
      run_coatkmc({"run", "--restart", "old.ckpt", "--set", "run.hops_per_particle=20", "--out",
                   "continued"},
                  dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(coatkmc_test::read_text(dir / "whole/msd.csv"),
            coatkmc_test::read_text(dir / "continued/msd.csv"));
}
