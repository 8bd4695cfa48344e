// CounterRng: a pure function of its counters, wired to Random123 Philox4x32-10
// as published; uniform() in [0, 1), uniform_open_zero() in (0, 1].
// place_ions: deterministic, exact ion count, mobile sites only, uniform.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "Statistics.hpp"
#include "kernels/CounterRng.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/state/SystemState.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

std::array<uint32_t, 4> draw(uint64_t seed, uint32_t stream, uint32_t replica, uint64_t step,
                             uint32_t index) {
  const auto w = CounterRng::words(seed, stream, replica, step, index);
  return {w[0], w[1], w[2], w[3]};
}

// Known-answer vectors of Philox4x32-10 from the Random123 distribution
// (kat_vectors): counter and key all zero, and all ones.
TEST(CounterRng, MatchesPhiloxKnownAnswers) {
  EXPECT_EQ(draw(0, 0, 0, 0, 0),
            (std::array<uint32_t, 4>{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  // Counter word 3 is (replica << 8) ^ stream: replica 0xffffff, stream 0xff fill it with ones.
  EXPECT_EQ(draw(~0ull, 0xffu, 0xffffffu, ~0ull, 0xffffffffu),
            (std::array<uint32_t, 4>{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
}

TEST(CounterRng, IsAPureFunctionOfItsCounters) {
  // The same counters give the same words whatever was drawn before or in between.
  std::vector<std::array<uint32_t, 4>> forward, backward;
  for (uint64_t step = 0; step < 1000; ++step) forward.push_back(draw(42, 2, 3, step, 7));
  for (uint64_t step = 1000; step-- > 0;) backward.push_back(draw(42, 2, 3, step, 7));
  std::reverse(backward.begin(), backward.end());
  EXPECT_EQ(forward, backward);

  // Each counter matters, including the high halves of seed and step, and
  // no (replica, stream) pair aliases another within the ranges the engine uses.
  const auto base = draw(42, 2, 3, 5, 7);
  EXPECT_NE(draw(43, 2, 3, 5, 7), base);
  EXPECT_NE(draw(42 + (1ull << 32), 2, 3, 5, 7), base);
  EXPECT_NE(draw(42, 1, 3, 5, 7), base);
  EXPECT_NE(draw(42, 2, 4, 5, 7), base);
  EXPECT_NE(draw(42, 2, 3, 6, 7), base);
  EXPECT_NE(draw(42, 2, 3, 5 + (1ull << 32), 7), base);
  EXPECT_NE(draw(42, 2, 3, 5, 8), base);
  std::set<std::array<uint32_t, 4>> seen;
  const uint32_t replicas[] = {0, 1, 2, 255, 256, 4095, 1u << 20};  // 2^20: run.replicas' maximum
  for (uint32_t replica : replicas)
    for (uint32_t stream = 1; stream <= 6; ++stream) seen.insert(draw(42, stream, replica, 5, 7));
  EXPECT_EQ(seen.size(), std::size(replicas) * 6u);
}

TEST(CounterRng, UniformRangesAtTheExtremeWords) {
  EXPECT_EQ(CounterRng::uniform(0, 0), 0.0);
  EXPECT_EQ(CounterRng::uniform(~0u, ~0u), 1.0 - 0x1.0p-53);
  EXPECT_LT(CounterRng::uniform(~0u, ~0u), 1.0);
  EXPECT_EQ(CounterRng::uniform_open_zero(0, 0), 0x1.0p-53);
  EXPECT_GT(CounterRng::uniform_open_zero(0, 0), 0.0);
  EXPECT_EQ(CounterRng::uniform_open_zero(~0u, ~0u), 1.0);
  // The lowest 11 bits of the low word are dropped: 53 random bits remain.
  EXPECT_EQ(CounterRng::uniform(0, 0x7ffu), 0.0);
  EXPECT_EQ(CounterRng::uniform(0, 0x800u), 0x1.0p-53);
  EXPECT_TRUE(std::isfinite(std::log(CounterRng::uniform_open_zero(0, 0))));
  EXPECT_EQ(CounterRng::below(~0u, ~0u, 1), 0u);
  EXPECT_EQ(CounterRng::below(~0u, ~0u, 1000), 999u);
  EXPECT_EQ(CounterRng::below(0, 0, 1000), 0u);
}

TEST(CounterRng, UniformDrawsAreInRangeAndEvenlySpread) {
  // 2e5 draws into 100 bins; chi-square with 99 degrees of freedom, and the
  // mean within 5 standard errors (1/sqrt(12 N)) of 1/2.
  const int n = 200000, bins = 100;
  std::vector<double> counts(bins, 0.0), counts_open(bins, 0.0);
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const auto w = CounterRng::words(7, 2, 0, static_cast<uint64_t>(i), 0);
    const double u = CounterRng::uniform(w[0], w[1]);
    const double v = CounterRng::uniform_open_zero(w[2], w[3]);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_GT(v, 0.0);
    ASSERT_LE(v, 1.0);
    const uint64_t k = CounterRng::below(w[0], w[3], 1000);
    ASSERT_LT(k, 1000u);
    sum += u;
    counts[static_cast<int>(u * bins)] += 1;
    counts_open[std::min(bins - 1, static_cast<int>(v * bins))] += 1;
  }
  const std::vector<double> expected(bins, double(n) / bins);
  EXPECT_GT(chi_square_p_value(chi_square(counts, expected), bins - 1), kMinPValue);
  EXPECT_GT(chi_square_p_value(chi_square(counts_open, expected), bins - 1), kMinPValue);
  EXPECT_NEAR(sum / n, 0.5, 5.0 / std::sqrt(12.0 * n));
}

// A lattice with immobile sites: simple cubic with an immobile body centre.
LatticeDescription sc_with_immobile_centre() {
  LatticeDescription d = make_textbook_lattice("sc", 4.0);
  d.basis.push_back({{0.5, 0.5, 0.5}, "O", false});
  return d;
}

void expect_consistent(const Lattice& lattice, const SystemState& st, int64_t ions) {
  ASSERT_EQ(st.num_ions(), ions);
  ASSERT_EQ(static_cast<int64_t>(st.site_ion.size()), lattice.num_sites());
  ASSERT_EQ(st.displacement.size(), static_cast<size_t>(ions));
  int64_t occupied = 0;
  for (int64_t s = 0; s < lattice.num_sites(); ++s)
    if (st.site_ion[s] >= 0) {
      ++occupied;
      EXPECT_TRUE(lattice.is_mobile(s)) << "ion on immobile site " << s;
      EXPECT_EQ(st.ion_site[st.site_ion[s]], s);
    }
  EXPECT_EQ(occupied, ions);  // so no two ions share a site
  for (int64_t s = 0; s < lattice.num_sites(); ++s) {
    int count = 0;
    for (int k = 0; k < lattice.max_coordination(); ++k) {
      const int32_t t = lattice.neighbor(s, k);
      count += t >= 0 && st.site_ion[t] >= 0;
    }
    EXPECT_EQ(st.occupied_neighbors[s], count) << "site " << s;
  }
  EXPECT_EQ(st.hops, 0u);
  EXPECT_EQ(st.time, 0.0);
}

TEST(PlaceIons, IsDeterministicAndPlacesTheExactNumber) {
  const Lattice lattice(sc_with_immobile_centre(), {5, 4, 3});  // 60 mobile of 120 sites
  ASSERT_EQ(lattice.num_mobile_sites(), 60);
  Occupancy by_fraction;
  by_fraction.fraction = 0.3;  // 18 ions
  Occupancy by_vacancies;
  by_vacancies.by_vacancies = true;
  by_vacancies.vacancies = 1;  // 59 ions
  Occupancy empty;
  empty.fraction = 0.0;
  Occupancy full;
  full.fraction = 1.0;
  const std::pair<Occupancy, int64_t> cases[] = {
      {by_fraction, 18}, {by_vacancies, 59}, {empty, 0}, {full, 60}};
  for (const auto& [occ, ions] : cases) {
    const SystemState a = place_ions(lattice, occ, 11, 2);
    const SystemState b = place_ions(lattice, occ, 11, 2);
    expect_consistent(lattice, a, ions);
    EXPECT_EQ(a.site_ion, b.site_ion);
    EXPECT_EQ(a.ion_site, b.ion_site);
    EXPECT_EQ(a.replica, 2u);
  }
  // Another seed or replica gives another placement (18 of 60 sites: C(60,18) ~ 1e15 of them).
  const SystemState a = place_ions(lattice, by_fraction, 11, 2);
  EXPECT_NE(place_ions(lattice, by_fraction, 12, 2).site_ion, a.site_ion);
  EXPECT_NE(place_ions(lattice, by_fraction, 11, 3).site_ion, a.site_ion);
}

TEST(PlaceIons, EveryMobileSiteIsEquallyLikely) {
  // 4000 placements of 15 ions on 60 mobile sites: each site is occupied with
  // probability p = 1/4. A placement fills 15 distinct sites, so a site's count
  // has variance P p (1 - p) and sum (C - E)^2 / (E (1 - p)) is chi-square
  // with 59 degrees of freedom.
  const Lattice lattice(sc_with_immobile_centre(), {5, 4, 3});
  Occupancy occ;
  occ.fraction = 0.25;
  const int placements = 4000;
  std::vector<double> counts(lattice.num_sites(), 0.0);
  for (int seed = 0; seed < placements; ++seed) {
    const SystemState st = place_ions(lattice, occ, static_cast<uint64_t>(seed), 0);
    for (int32_t s : st.ion_site) counts[s] += 1;
  }
  const double p = 0.25;
  std::vector<double> observed, expected;
  for (int64_t s = 0; s < lattice.num_sites(); ++s) {
    if (!lattice.is_mobile(s)) {
      EXPECT_EQ(counts[s], 0.0);
      continue;
    }
    observed.push_back(counts[s]);
    expected.push_back(placements * p);
  }
  const double chi2 = chi_square(observed, expected) / (1 - p);
  EXPECT_GT(chi_square_p_value(chi2, observed.size() - 1), kMinPValue) << "chi2 " << chi2;
}

TEST(Statistics, ChiSquareTailMatchesTables) {
  // Critical values at 5 % and 0.1 % from standard tables.
  EXPECT_NEAR(chi_square_p_value(3.841, 1), 0.05, 1e-4);
  EXPECT_NEAR(chi_square_p_value(18.307, 10), 0.05, 1e-4);
  EXPECT_NEAR(chi_square_p_value(124.342, 100), 0.05, 1e-4);
  EXPECT_NEAR(chi_square_p_value(149.449, 100), 0.001, 1e-5);
  EXPECT_NEAR(chi_square_p_value(2.0, 2), std::exp(-1.0), 1e-12);  // exact for 2 dof
}

}  // namespace
