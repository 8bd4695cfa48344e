// The thinned Poisson visit (kernels/SublatticeThinning.hpp): its integer
// decision gives, to the tables' fixed-point resolution, the outcome law of
// the visit it replaces (K ~ Poisson(1) attempts, each in a uniform slot k
// accepted with probability T_k / 2^32, stopping at the first accepted one):
// P(hop) = 1 - exp(-sum_k p_k / zmax), P(slot k | hop) = p_k / sum p. Checked
// three ways: the hop-mass chain against that closed form, the words that
// lead to each slot (found by bisection: the decision is monotone in both
// words) against p_k / sum p, and a Monte Carlo of the attempt loop itself
// against the thinned probabilities. The screen never cuts a visit that
// could hop.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeThinning.hpp"

using namespace coatkmc;

namespace {

constexpr double kTwo32 = 4294967296.0;
constexpr int kZ = 6;
constexpr int kWidth = 2 * kZ + 1;

// sc, 4 x 4 x 4 cells, one basis site, the six nearest-neighbour slots.
struct Case {
  std::vector<HopStep> steps;
  LatticeView lat{};
  std::vector<uint32_t> table;  // thresholds, hop masses, ceiling, common mass, screen
                                // (SublatticeThinning layout)
  std::vector<uint8_t> site;
  SublatticeTables tab{};
  double p[kZ];  // acceptance of an attempt in slot k when its target is vacant

  static constexpr int kCeiling = 2 * kZ * kWidth, kCommon = kCeiling + 1, kScreen = kCeiling + 2;

  Case() : Case({0.25, 0.1, 0.05, 0.2, 0.15, 0.0}) {}
  explicit Case(std::vector<double> acceptance) {
    for (int k = 0; k < kZ; ++k) p[k] = acceptance[k];
    const int8_t d[kZ][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (int k = 0; k < kZ; ++k) steps.push_back(HopStep{0, {d[k][0], d[k][1], d[k][2]}, 0});
    lat.n[0] = lat.n[1] = lat.n[2] = 4;
    lat.nbasis = 1;
    lat.zmax = kZ;
    lat.steps = steps.data();
    // Thresholds at dn = 0 (the only column read without interaction), as the solver makes them.
    table.assign(2 * kZ * kWidth + 3, 0u);
    for (int k = 0; k < kZ; ++k)
      table[k * kWidth + kZ] = static_cast<uint32_t>(std::floor(p[k] * kTwo32));
    // Hop masses h(T) = round(2^32 (1 - exp(-T / (zmax 2^32)))), and the ceiling.
    uint32_t ceiling = 0;
    for (int e = 0; e < kZ * kWidth; ++e) {
      const double h = std::nearbyint(-std::expm1(-double(table[e]) / (kZ * kTwo32)) * kTwo32);
      table[kZ * kWidth + e] = static_cast<uint32_t>(h);
    }
    for (int k = 0; k < kZ; ++k)
      ceiling = SublatticeThinning::combine(ceiling, table[kZ * kWidth + k * kWidth + kZ]);
    table[kCeiling] = ceiling;
    table[kScreen] = ceiling;  // one species: its ceiling
    // table[kCommon] stays 0 (the general chain) unless a test sets it
    site.assign(64, 0);
    tab.threshold = table.data();
    tab.rule = kPoissonAttempts;
    tab.species = 1;
  }
  SiteCoord origin() const { return SiteCoord{{1, 2, 1}, 0}; }
  // Occupies the origin and the targets of the slots not in `vacant_mask`.
  void neighbourhood(unsigned vacant_mask) {
    site.assign(64, 0);
    const SiteCoord s = origin();
    site[lat.index(s)] = kSiteOccupied;
    for (int k = 0; k < kZ; ++k)
      if (!(vacant_mask >> k & 1u)) site[lat.index(lat.target(s, lat.step(0, k)))] = kSiteOccupied;
  }
  int32_t decide(uint32_t w0, uint32_t w1) const {
    SublatticeAttempt::Ion ion = SublatticeAttempt::ion_of(kSiteOccupied, 0);
    return SublatticeThinning::hop_slot(lat, tab, SublatticeThinning::tables(lat, tab),
                                        site.data(), origin(), ion, w0, w1);
  }
  // The least w0 that does not hop (y, the visit's hop mass), by bisection.
  uint64_t hop_mass(uint32_t w1) const {
    uint64_t lo = 0, hi = uint64_t(1) << 32;  // decide(lo - 1) hops, decide(hi) does not
    while (lo < hi) {
      const uint64_t mid = (lo + hi) / 2;
      if (decide(static_cast<uint32_t>(mid), w1) >= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }
  // The least w1 whose slot (w0 = 0: a hop) is above k.
  uint64_t first_word_above(int32_t k) const {
    uint64_t lo = 0, hi = uint64_t(1) << 32;
    while (lo < hi) {
      const uint64_t mid = (lo + hi) / 2;
      if (decide(0, static_cast<uint32_t>(mid)) <= k)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }
};

TEST(SublatticeThinning, HopMassIsOneMinusExpOfTheSummedAcceptance) {
  Case c;
  for (unsigned mask = 0; mask < (1u << kZ); ++mask) {
    c.neighbourhood(mask);
    double a = 0;
    for (int k = 0; k < kZ; ++k)
      if (mask >> k & 1u) a += std::floor(c.p[k] * kTwo32) / kTwo32 / kZ;
    const double exact = -std::expm1(-a) * kTwo32;
    // Six roundings of h and six ceilings of the chain: at most 12 counts in 2^32.
    EXPECT_NEAR(static_cast<double>(c.hop_mass(0)), exact, 12.0) << "vacant mask " << mask;
    // The screen: no neighbourhood hops at a word the ceiling turns away.
    EXPECT_LE(c.hop_mass(0), c.table[Case::kCeiling]) << "vacant mask " << mask;
  }
}

TEST(SublatticeThinning, SlotOfAHopIsProportionalToItsAcceptance) {
  Case c;
  const unsigned mask = 0b011101;  // slots 0, 2, 3, 4 vacant (5 has p = 0 anyway)
  c.neighbourhood(mask);
  double sum = 0;
  for (int k = 0; k < kZ; ++k)
    if (mask >> k & 1u) sum += std::floor(c.p[k] * kTwo32);
  uint64_t below = 0;
  for (int k = 0; k < kZ; ++k) {
    const uint64_t above = c.first_word_above(k);
    const double share = static_cast<double>(above - below) / kTwo32;
    const double expect = (mask >> k & 1u) ? std::floor(c.p[k] * kTwo32) / sum : 0.0;
    EXPECT_NEAR(share, expect, 2.0 / kTwo32) << "slot " << k;
    below = above;
  }
  EXPECT_EQ(below, uint64_t(1) << 32);
}

// The attempt loop itself, sampled: K ~ Poisson(1) attempts, a uniform slot
// each, accepted with p_k on a vacant target, the first acceptance ends the
// visit. Its slot frequencies match the thinned probabilities (each within 5
// binomial standard deviations; 7 outcomes).
TEST(SublatticeThinning, MatchesTheAttemptLoopItReplaces) {
  Case c;
  const unsigned mask = 0b101011;  // slots 0, 1, 3 and 5 (p = 0) vacant
  c.neighbourhood(mask);
  const int n = 2000000;
  std::mt19937_64 rng(20261203);
  std::poisson_distribution<int> poisson(1.0);
  std::uniform_int_distribution<int> slot(0, kZ - 1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<int> seen(kZ + 1, 0);  // [kZ]: no hop
  for (int v = 0; v < n; ++v) {
    int outcome = kZ;
    for (int a = poisson(rng); a > 0; --a) {
      const int k = slot(rng);
      if ((mask >> k & 1u) && u(rng) < c.p[k]) {
        outcome = k;
        break;
      }
    }
    ++seen[outcome];
  }
  const double y = static_cast<double>(c.hop_mass(0)) / kTwo32;
  uint64_t below = 0;
  for (int k = 0; k <= kZ; ++k) {
    double prob = 1.0 - y;
    if (k < kZ) {
      const uint64_t above = c.first_word_above(k);
      prob = y * static_cast<double>(above - below) / kTwo32;
      below = above;
    }
    const double sd = std::sqrt(n * prob * (1 - prob));
    EXPECT_LE(std::abs(seen[k] - n * prob), 5 * sd + 1e-9) << "outcome " << k;
  }
}

// One threshold for every slot: hop_slot's common path (no table loads in
// the chain or the direction) gives the general chain's slot, bit for bit,
// at every vacancy mask, at random words and at the words where the
// outcome changes (word 0 at the hop mass, word 1 at the direction's
// boundaries k 2^32 / n).
TEST(SublatticeThinning, CommonThresholdPathIsTheGeneralChainBitForBit) {
  Case c(std::vector<double>(kZ, 0.2));
  std::mt19937_64 rng(20261204);
  for (unsigned mask = 0; mask < (1u << kZ); ++mask) {
    c.neighbourhood(mask);
    c.table[Case::kCommon] = 0;
    const uint64_t y = c.hop_mass(0);
    const int n = __builtin_popcount(mask);
    std::vector<std::pair<uint32_t, uint32_t>> words;
    for (int v = 0; v < 400; ++v)
      words.emplace_back(static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()));
    for (uint64_t w0 : {uint64_t(0), y ? y - 1 : 0, y, uint64_t(0xffffffffu)})
      for (int j = 0; j <= n; ++j) {
        const uint64_t edge = n ? (uint64_t(j) << 32) / n : 0;
        for (int64_t d = -1; d <= 1; ++d) {
          const int64_t w1 = static_cast<int64_t>(edge) + d;
          if (w1 >= 0 && w1 <= 0xffffffffll)
            words.emplace_back(static_cast<uint32_t>(w0), static_cast<uint32_t>(w1));
        }
      }
    std::vector<int32_t> general;
    for (const auto& w : words) general.push_back(c.decide(w.first, w.second));
    c.table[Case::kCommon] = c.table[kZ * kWidth + kZ];  // h(T) of slot 0: every slot's
    int hops = 0;
    for (size_t v = 0; v < words.size(); ++v) {
      const int32_t k = c.decide(words[v].first, words[v].second);
      EXPECT_EQ(k, general[v]) << "vacant mask " << mask << ", words " << words[v].first << ", "
                               << words[v].second;
      hops += k >= 0;
    }
    if (mask) EXPECT_GT(hops, 0) << "vacant mask " << mask;  // both outcomes were compared
  }
}

// The words of a thinned visit: sites 2m and 2m + 1 share one Philox block
// (words 0, 1 and 2, 3 of block 8 of the sweep at index m; a site's attempt
// loop draws blocks 0-7, at most 1 + 2 * 15 words).
TEST(SublatticeThinning, TwoSitesShareOneBlockOfTheirOwn) {
  const SublatticeRngKey key{0x1234abcdull, 3};
  for (const uint64_t sweep : {uint64_t(0), uint64_t(7), uint64_t(123456789)})
    for (const int32_t m : {0, 1, 500, 1 << 20}) {
      const auto v = CounterRng::words(key.seed, kStreamSublattice, key.replica, (sweep << 4) | 8u,
                                       static_cast<uint32_t>(m));
      uint32_t a0, a1, b0, b1;
      SublatticeThinning::words(key, sweep, 2 * m, a0, a1);
      SublatticeThinning::words(key, sweep, 2 * m + 1, b0, b1);
      EXPECT_EQ(a0, v[0]);
      EXPECT_EQ(a1, v[1]);
      EXPECT_EQ(b0, v[2]);
      EXPECT_EQ(b1, v[3]);
    }
}

}  // namespace

