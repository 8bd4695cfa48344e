// BlockSumTree: selection frequencies follow the leaf values (chi-square),
// zero leaves are never chosen, and after updates the total equals a fresh sum.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "Statistics.hpp"
#include "kernels/CounterRng.hpp"
#include "kmc/solvers/BlockSumTree.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

// Leaf values spanning three decades, a fifth of them zero (blocked ions, empty sites).
std::vector<double> random_leaves(int64_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> v(n);
  for (auto& x : v) x = u(rng) < 0.2 ? 0.0 : std::pow(10.0, 3.0 * u(rng));
  return v;
}

void fill(BlockSumTree& tree, const std::vector<double>& v) {
  tree.resize(static_cast<int64_t>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) tree.set(static_cast<int64_t>(i), v[i]);
  tree.refresh();
}

// The exact sum, as far as double allows: long double with compensation.
double reference_sum(const std::vector<double>& v) {
  long double s = 0, c = 0;
  for (double x : v) {
    const long double y = x - c, t = s + y;
    c = (t - s) - y;
    s = t;
  }
  return static_cast<double>(s);
}

// Draws `n` selections and compares the counts with n * value / total.
void expect_frequencies_follow_values(const std::vector<double>& v, int64_t n, uint64_t seed) {
  BlockSumTree tree;
  fill(tree, v);
  const double total = tree.total();
  std::vector<double> counts(v.size(), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    const auto w = CounterRng::words(seed, 9, 0, static_cast<uint64_t>(i), 0);
    double remainder = -1;
    const int64_t leaf = tree.select(CounterRng::uniform(w[0], w[1]) * total, remainder);
    ASSERT_GE(leaf, 0);
    ASSERT_LT(leaf, static_cast<int64_t>(v.size()));
    ASSERT_GT(v[leaf], 0.0) << "a zero leaf was selected";
    // The remainder locates the draw inside the chosen leaf's interval.
    ASSERT_GE(remainder, 0.0);
    ASSERT_LT(remainder, v[leaf] * (1 + 1e-9));
    counts[leaf] += 1;
  }
  std::vector<double> observed, expected;
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] > 0) {
      observed.push_back(counts[i]);
      expected.push_back(n * v[i] / total);
    }
  const double chi2 = chi_square(observed, expected);
  const double p = chi_square_p_value(chi2, observed.size() - 1);
  EXPECT_GT(p, kMinPValue) << "chi2 " << chi2 << " with " << observed.size() - 1 << " dof";
}

TEST(BlockSumTree, SelectionFrequenciesFollowTheValues) {
  // Sizes below, at and just past one block, and a large size that is no
  // multiple of it (so the last block is partly padding). The smallest
  // expected count per leaf stays above 5 for the chi-square approximation.
  std::mt19937_64 rng(2024);
  for (int64_t size : {1, 3, 16, 17, 1001}) {
    SCOPED_TRACE("size " + std::to_string(size));
    std::vector<double> v = random_leaves(size, rng);
    if (size == 1) v[0] = 2.5;
    if (size > 1) v[size - 1] = 0.0;            // a zero as the very last leaf
    if (size > 2) v[0] = 0.0;                   // and as the first
    if (v[size / 2] == 0.0) v[size / 2] = 1.0;  // at least one leaf can be chosen
    double smallest = INFINITY, total = 0;
    for (double x : v) {
      total += x;
      if (x > 0) smallest = std::min(smallest, x);
    }
    const int64_t n =
        std::max<int64_t>(20000, static_cast<int64_t>(std::ceil(10 * total / smallest)));
    ASSERT_LT(n, 20000000) << "too many draws for the time budget";
    expect_frequencies_follow_values(v, n, 100 + size);
  }
}

TEST(BlockSumTree, NeverSelectsAZeroLeafAtTheEdges) {
  // Draws at 0 and just below the total, where round-off could push past the
  // last nonzero leaf, still land on nonzero leaves.
  std::mt19937_64 rng(7);
  for (int64_t size : {2, 16, 31, 33, 1000}) {
    std::vector<double> v = random_leaves(size, rng);
    v.front() = 0.0;
    v.back() = 0.0;
    v[size / 2] = 1.0;
    BlockSumTree tree;
    fill(tree, v);
    for (double x :
         {0.0, tree.total() * (1 - 1e-16), std::nextafter(tree.total(), 0.0), tree.total()}) {
      double r = 0;
      const int64_t leaf = tree.select(x, r);
      ASSERT_GE(leaf, 0);
      ASSERT_LT(leaf, size);
      EXPECT_GT(v[leaf], 0.0) << "size " << size << " x " << x;
    }
  }
}

TEST(BlockSumTree, TotalAfterRandomUpdatesEqualsAFreshSum) {
  // 20000 random single-leaf updates (some to zero), refreshed in batches of
  // 1 to 40 like the solver does; then the total must equal the exact sum
  // within the round-off of summing 5003 terms (5003 * 2^-53 relative, taken
  // here as 1e-12), and equal bit for bit the total of a tree built afresh
  // from the same leaves, because sums are always recomputed in a fixed order.
  std::mt19937_64 rng(99);
  const int64_t size = 5003;
  std::vector<double> v = random_leaves(size, rng);
  BlockSumTree tree;
  fill(tree, v);
  std::uniform_int_distribution<int64_t> pick(0, size - 1);
  std::uniform_int_distribution<int> batch(1, 40);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int done = 0; done < 20000;) {
    const int b = batch(rng);
    for (int j = 0; j < b; ++j, ++done) {
      const int64_t i = pick(rng);
      v[i] = u(rng) < 0.3 ? 0.0 : std::pow(10.0, 6.0 * u(rng) - 3.0);
      tree.set(i, v[i]);
    }
    tree.refresh();
    if (done % 997 < 40) {
      const double exact = reference_sum(v);
      ASSERT_NEAR(tree.total(), exact, 1e-12 * exact) << "after " << done << " updates";
    }
  }
  BlockSumTree fresh;
  fill(fresh, v);
  EXPECT_EQ(tree.total(), fresh.total());
  const double exact = reference_sum(v);
  EXPECT_NEAR(tree.total(), exact, 1e-12 * exact);
  for (int64_t i = 0; i < size; ++i) ASSERT_EQ(tree.leaf(i), v[i]);

  // All leaves to zero: the total is exactly zero again.
  for (int64_t i = 0; i < size; ++i) tree.set(i, 0.0);
  tree.refresh();
  EXPECT_EQ(tree.total(), 0.0);
}

TEST(BlockSumTree, SelectionAfterUpdatesFollowsTheNewValues) {
  // The frequencies follow the values after updates, not the values at build time.
  std::mt19937_64 rng(5);
  const int64_t size = 200;
  std::vector<double> v = random_leaves(size, rng);
  BlockSumTree tree;
  fill(tree, v);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int64_t i = 0; i < size; i += 3) {
    v[i] = u(rng) < 0.5 ? 0.0 : 1.0 + 9.0 * u(rng);
    tree.set(i, v[i]);
  }
  tree.refresh();
  const double total = tree.total();
  EXPECT_NEAR(total, reference_sum(v), 1e-12 * total);
  std::vector<double> counts(size, 0.0);
  const int n = 400000;
  for (int i = 0; i < n; ++i) {
    const auto w = CounterRng::words(77, 9, 1, static_cast<uint64_t>(i), 0);
    double r = 0;
    const int64_t leaf = tree.select(CounterRng::uniform(w[0], w[1]) * total, r);
    ASSERT_GT(v[leaf], 0.0);
    counts[leaf] += 1;
  }
  std::vector<double> observed, expected;
  for (int64_t i = 0; i < size; ++i)
    if (v[i] > 0) {
      observed.push_back(counts[i]);
      expected.push_back(n * v[i] / total);
    }
  double smallest = INFINITY;
  for (double e : expected) smallest = std::min(smallest, e);
  ASSERT_GT(smallest, 5.0);
  EXPECT_GT(chi_square_p_value(chi_square(observed, expected), observed.size() - 1), kMinPValue);
}

}  // namespace
