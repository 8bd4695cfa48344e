// K ~ Poisson(1) from one Philox word (kernels/SublatticeAttempt.hpp): the
// table of integer thresholds gives exactly the K of the FP64 CDF loop the
// solver used before (so trajectories did not change), at every threshold and
// on a million random words.
#include <gtest/gtest.h>

#include <cstdint>

#include "kernels/CounterRng.hpp"
#include "kernels/SublatticeAttempt.hpp"

using namespace coatkmc;

namespace {

// The former definition: the smallest K whose CDF (times 2^32) exceeds the word.
int32_t poisson_by_loop(uint32_t word) {
  const double u = static_cast<double>(word);
  double term = 0.36787944117144233 * 4294967296.0;
  double cdf = term;
  int32_t k = 0;
  while (u >= cdf && k < SublatticeAttempt::kMaxAttempts) {
    ++k;
    term /= k;
    cdf += term;
  }
  return k;
}

TEST(PoissonOne, TableEqualsTheCdfLoopAtEveryThresholdAndOnRandomWords) {
  for (int k = 0; k < 12; ++k) {
    const uint32_t t = SublatticeAttempt::kPoissonThreshold[k];
    for (uint32_t w : {t - 1u, t, t + 1u})
      EXPECT_EQ(SublatticeAttempt::poisson_one(w), poisson_by_loop(w)) << "word " << w;
  }
  for (uint32_t w : {0u, 1u, 0xffffffffu, 0xfffffffeu})
    EXPECT_EQ(SublatticeAttempt::poisson_one(w), poisson_by_loop(w)) << "word " << w;
  for (uint32_t i = 0; i < 250000; ++i) {
    const auto r = CounterRng::words(1, 99, 0, i, 0);
    for (int j = 0; j < 4; ++j) ASSERT_EQ(SublatticeAttempt::poisson_one(r[j]), poisson_by_loop(r[j]));
  }
  // The largest K a 32-bit word can give.
  EXPECT_EQ(SublatticeAttempt::poisson_one(0xffffffffu), 12);
}

}  // namespace
