// The sublattice solver's rate ceiling for the environment model's product
// form (issue 16 item 5, kmc/solvers/SublatticeEnvironment.cpp): the terms are
// merged into one table per set of sites, each table divided by its largest
// factor. The ceiling of a slot must bound every environment's factor and,
// where the merged tables read disjoint sites, equal the largest one, which
// the integer form finds by enumerating every code; the attempt's early stop
// (kernels/EnvironmentEnergy.hpp) must take the decision of the whole product.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "EnvironmentTestModel.hpp"
#include "kernels/EnvironmentEnergy.hpp"
#include "kernels/SpeciesEnergy.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/solvers/SublatticeEnvironment.hpp"

using namespace coatkmc;

namespace {

constexpr double kTwo32 = 4294967296.0;

// The old ceiling, computed here from the model's terms: exp(-constant/kT)
// times the product of every term's largest factor.
double term_by_term_ceiling(const HopEnvironment& env, double kT) {
  double f = std::exp(-env.constant_ev / kT);
  for (const HopEnvironmentTerm& t : env.terms) {
    double most = 0;
    for (double v : t.energy_ev) most = std::max(most, std::exp(-v / kT));
    f *= most;
  }
  return f;
}

struct Forms {
  SublatticeEnvironmentModel model;
  SublatticeEnvironment integer, product;
};

Forms both_forms(const Lattice& lat, const SublatticeEnvironmentModel& model) {
  SublatticeEnvironmentModel product_model = model;
  product_model.max_codes_per_slot = 0;
  const HopSteps hops = make_hop_steps(lat);
  return Forms{model, SublatticeEnvironment(lat, hops, model, true),
               SublatticeEnvironment(lat, hops, product_model, true)};
}

void expect_factors_at_most_one(const SublatticeEnvironment& product) {
  ASSERT_FALSE(product.integer());
  for (double f : product.factors()) {
    EXPECT_GT(f, 0.0);
    EXPECT_LE(f, 1.0);
  }
}

TEST(EnvironmentCeiling, ProductFormCeilingIsTheEnumeratedLargestFactor) {
  // Point terms on every site plus one pair term over the first two sites
  // (listed in reverse order): the merged tables read disjoint sites, so the
  // product of their largest factors is reached by one environment.
  const Lattice lat(make_textbook_lattice("sc", 3.0), {8, 7, 9});
  struct Case {
    double cutoff;
    int species, hosts;
  };
  int tighter = 0;
  for (const Case c : {Case{3.4, 1, 1}, Case{4.6, 1, 0}, Case{3.4, 2, 1}}) {
    SCOPED_TRACE("cutoff " + std::to_string(c.cutoff) + ", species " + std::to_string(c.species));
    test::EnvironmentTestSpec spec;
    spec.cutoff_A = c.cutoff;
    spec.species = c.species;
    spec.hosts = c.hosts;
    spec.host_fraction = {c.hosts ? 0.2 : 0.0};
    spec.energy_scale_ev = 0.03;
    const double kT = 0.05;
    const Forms f = both_forms(lat, test::make_test_environment(lat, spec, kT));
    ASSERT_TRUE(f.integer.integer());
    expect_factors_at_most_one(f.product);
    const int nb = lat.basis_size(), zmax = lat.max_coordination();
    for (int a = 0; a < c.species; ++a)
      for (int k = 0; k < zmax; ++k) {
        const int64_t slot = SpeciesEnergy::slot(a, nb, zmax, 0, k);
        const double exact = f.integer.max_factor(slot), bound = f.product.max_factor(slot);
        EXPECT_NEAR(bound / exact, 1.0, 1e-12) << "slot " << slot;
        const double old = term_by_term_ceiling(f.model.hops[slot], kT);
        EXPECT_LE(bound, old * (1 + 1e-12));
        tighter += bound < old * (1 - 1e-6);
      }
  }
  EXPECT_GT(tighter, 0) << "merging should tighten the term-by-term ceiling of this model";
}

TEST(EnvironmentCeiling, OverlappingTablesStillBoundEveryEnvironment) {
  // A chain of pair terms (0,1), (1,2), ... beside the point terms: tables
  // that share sites cannot all take their largest factor at once, so the
  // ceiling is an upper bound, never below the enumerated largest factor.
  const Lattice lat(make_textbook_lattice("sc", 3.0), {8, 7, 9});
  test::EnvironmentTestSpec spec;
  spec.cutoff_A = 3.4;
  spec.energy_scale_ev = 0.03;
  const double kT = 0.05;
  SublatticeEnvironmentModel model = test::make_test_environment(lat, spec, kT);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-0.04, 0.04);
  for (HopEnvironment& h : model.hops)
    for (int m = 0; m + 1 < static_cast<int>(h.sites.size()); ++m) {
      HopEnvironmentTerm pair;
      pair.sites = {m, m + 1};
      for (int c = 0; c < 4; ++c) pair.energy_ev.push_back(u(rng));
      h.terms.push_back(pair);
    }
  const Forms f = both_forms(lat, model);
  expect_factors_at_most_one(f.product);
  for (int k = 0; k < lat.max_coordination(); ++k) {
    const double exact = f.integer.max_factor(k), bound = f.product.max_factor(k);
    EXPECT_GE(bound, exact * (1 - 1e-12)) << "slot " << k;
    EXPECT_LE(bound, term_by_term_ceiling(model.hops[k], kT) * (1 + 1e-12)) << "slot " << k;
  }
}

TEST(EnvironmentCeiling, EarlyStopTakesTheWholeProductsDecision) {
  // The product form stops at the first factor that takes p to or below the
  // word; the whole product, multiplied here in entry order from the same
  // tables, must give the same decision for every word, those next to p too.
  const Lattice lat(make_textbook_lattice("sc", 3.0), {8, 7, 9});
  const HopSteps hops = make_hop_steps(lat);
  const LatticeView view = hops.view(lat);
  test::EnvironmentTestSpec spec;
  spec.cutoff_A = 4.6;
  spec.energy_scale_ev = 0.03;
  spec.max_codes_per_slot = 0;
  const SublatticeEnvironmentModel model = test::make_test_environment(lat, spec, 0.05);
  const SublatticeEnvironment env(lat, hops, model, true);
  ASSERT_FALSE(env.integer());
  const int zmax = lat.max_coordination();
  const double gamma = 1e12 * env.max_factor(0);
  std::vector<double> base;
  env.bases(std::vector<double>(zmax, 1e12 * (kTwo32 / gamma)), 1.0, base);
  const EnvironmentTables t{env.entries().data(), env.begin().data(), nullptr, base.data(),
                            env.factors().data(), 0, env.radix()};
  std::mt19937_64 rng(5);
  std::vector<uint8_t> site(lat.num_sites(), 0);
  int decided = 0, accepted = 0, stopped_early = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    for (uint8_t& b : site) b = rng() % 2 ? 1 : 0;
    const int32_t i = static_cast<int32_t>(rng() % lat.num_sites());
    const int k = static_cast<int>(rng() % zmax);
    site[i] = 1;
    const SiteCoord s = view.coord(i);
    double p = base[k];
    int code = 0, factors = 0, below = -1;
    for (int32_t n = env.begin()[k]; n < env.begin()[k + 1]; ++n) {
      code = EnvironmentEnergy::fold(view, env.entries()[n], site.data(), s, code, env.radix());
      if (env.entries()[n].closes) {
        p *= env.factors()[env.entries()[n].table + code];
        code = 0;
        ++factors;
        if (below < 0 && p < 0.5 * kTwo32) below = factors;
      }
    }
    ASSERT_GT(factors, 1);
    stopped_early += below > 0 && below < factors;
    const double words[] = {std::floor(p), std::ceil(p), p * 0.999, p * 1.001,
                            static_cast<double>(rng() % 4294967296ull)};
    for (double w : words) {
      if (!(w >= 0 && w < kTwo32)) continue;
      const uint32_t draw = static_cast<uint32_t>(w);
      const bool want = static_cast<double>(draw) < p;
      ASSERT_EQ(EnvironmentEnergy::accepts(view, t, site.data(), nullptr, s, i, k, k, draw), want)
          << "trial " << trial << " word " << draw << " p " << p;
      ++decided;
      accepted += want;
    }
  }
  EXPECT_GT(decided, 10000);
  EXPECT_GT(accepted, decided / 10);
  EXPECT_GT(stopped_early, 100) << "the words must reach the early stop";
}

TEST(EnvironmentCeiling, PairedLoopTakesTheOneEntryAtATimeDecision) {
  // accepts() takes two entries per iteration (both site bytes, then both
  // factors, then two tests) and the last odd entry alone. Hand-made tables
  // with terms over 2, 1, 2, 1 and 1 sites (7 entries) reach every case of a
  // pair (open then closing, closing then open, both closing) and the tail;
  // the one-entry-at-a-time loop here (fold, multiply on each closing entry,
  // stop when the word is not below p) must give the same decision for every
  // word, those next to each partial product too, with and without a site rate.
  const Lattice lat(make_textbook_lattice("sc", 3.0), {6, 5, 7});
  const HopSteps hops = make_hop_steps(lat);
  const LatticeView view = hops.view(lat);
  const int term_sites[] = {2, 1, 2, 1, 1};
  const int8_t offsets[7][3] = {{1, 0, 0},  {0, 1, 0}, {-1, 0, 0}, {0, 0, 1},
                                {0, -1, 0}, {1, 1, 0}, {0, 0, -1}};
  constexpr int32_t radix = 2;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.5, 1.0);
  std::vector<EnvironmentEntry> entries;
  std::vector<double> factors;
  for (int sites : term_sites) {
    const int32_t table = static_cast<int32_t>(factors.size());
    for (int c = 0; c < (1 << sites); ++c) factors.push_back(c == 0 ? 1.0 : unit(rng));
    for (int j = 0; j < sites; ++j) {
      const int8_t* d = offsets[entries.size()];
      entries.push_back(EnvironmentEntry{0, {d[0], d[1], d[2]}, static_cast<int8_t>(j == sites - 1),
                                         j == sites - 1 ? table : 0});
    }
  }
  ASSERT_EQ(entries.size(), 7u);
  const int32_t begin[] = {0, 7};
  const double base[] = {0.9 * kTwo32};
  std::vector<double> site_rate(static_cast<size_t>(lat.num_sites()) * view.zmax);
  for (double& r : site_rate) r = unit(rng);
  const EnvironmentTables t{entries.data(), begin, nullptr, base, factors.data(), 0, radix};
  std::vector<uint8_t> site(lat.num_sites(), 0);
  int decided = 0, accepted = 0;
  std::vector<int> stopped_at(6, 0);  // 0: before the loop, 1..5: at term t
  for (int trial = 0; trial < 2000; ++trial) {
    for (uint8_t& b : site) b = rng() % 2 ? 1 : 0;
    const int32_t i = static_cast<int32_t>(rng() % lat.num_sites());
    const int k = static_cast<int>(rng() % view.zmax);
    const bool with_rate = trial % 2 == 1;
    const SiteCoord s = view.coord(i);
    std::vector<double> partial{base[0] * (with_rate ? site_rate[static_cast<size_t>(i) * view.zmax + k] : 1.0)};
    int32_t code = 0;
    for (const EnvironmentEntry& e : entries) {
      code = EnvironmentEnergy::fold(view, e, site.data(), s, code, radix);
      if (e.closes) {
        partial.push_back(partial.back() * factors[e.table + code]);
        code = 0;
      }
    }
    ASSERT_EQ(partial.size(), 6u);
    for (double p : partial) {
      const double words[] = {std::floor(p), std::ceil(p), p * 0.999, p * 1.001,
                              static_cast<double>(rng() % 4294967296ull)};
      for (double w : words) {
        if (!(w >= 0 && w < kTwo32)) continue;
        const uint32_t draw = static_cast<uint32_t>(w);
        int stop = 0;
        while (stop < 6 && static_cast<double>(draw) < partial[stop]) ++stop;
        const bool want = stop == 6;
        ASSERT_EQ(EnvironmentEnergy::accepts(view, t, site.data(), with_rate ? site_rate.data() : nullptr,
                                             s, i, k, 0, draw),
                  want)
            << "trial " << trial << " word " << draw;
        ++decided;
        accepted += want;
        if (!want) ++stopped_at[stop];
      }
    }
  }
  EXPECT_GT(decided, 40000);
  EXPECT_GT(accepted, decided / 20);
  for (int t_stop = 0; t_stop < 6; ++t_stop) EXPECT_GT(stopped_at[t_stop], 100) << "stop at " << t_stop;
}

}  // namespace
