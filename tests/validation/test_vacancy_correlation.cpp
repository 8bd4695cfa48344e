#include <gtest/gtest.h>

#include "ValidationSupport.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

// Tracer correlation factor of the single-vacancy mechanism on the simple
// cubic lattice (Compaan and Haven, Trans. Faraday Soc. 52, 786 (1956)).
constexpr double kCompaanHavenSc = 0.65311;

TransportEstimates single_vacancy_run(int cells, int replicas, uint64_t seed) {
  SimulationSettings s = textbook_settings("sc", {cells, cells, cells}, 300, seed);
  s.occupancy.by_vacancies = true;
  s.occupancy.vacancies = 1;
  s.replicas = replicas;
  s.blocks = 10;
  s.hops_per_particle = 100;
  return estimate_transport(run_simulation(s), 300, Vec3{});
}

// One vacancy among N-1 ions: every ion's hops are correlated through the
// vacancy that just passed it, f = sum |R_i|^2 / sum l^2 -> 0.65311.
//
// Statistics: f is limited by the number of tracers, not by the run length
// (measured: the error does not shrink from 100 to 1000 hops per ion); the
// estimated standard error is 0.57 / sqrt(N * replicas), 0.22% of f on 10^3
// sites with 64 replicas, 0.47% on 8^3 with 32. Checked against the scatter of
// ten seeds (sd 0.0053 where 0.0068 was reported), so the error is not
// understated. Tolerance: 5 standard errors, about 1.1% on 10^3.
//
// Finite size: the vacancy meets its own wake through the periodic images,
// which raises f on small boxes (measured 0.676 +- 0.002 on 4^3 = 64 sites,
// 0.656 +- 0.003 on 6^3). The 10^3 box is the measurement; 8^3 must agree with
// it and with the reference, which shows the remaining size effect is below
// the resolution. The edge effect of a finite window (correlations cut at its
// ends) was not visible either: 0.6550 +- 0.0038 at 5 hops per ion.
TEST(SingleVacancySc, TracerCorrelationFactorIsCompaanHaven) {
  const TransportEstimates big = single_vacancy_run(10, 64, 202);
  const TransportEstimates small = single_vacancy_run(8, 32, 203);
  report("f, sc 10^3 one vacancy", big.correlation_factor, kCompaanHavenSc);
  report("f, sc 8^3 one vacancy", small.correlation_factor, kCompaanHavenSc);
  EXPECT_LT(big.correlation_factor.error, 0.004);
  EXPECT_LT(std::fabs(pull(big.correlation_factor, kCompaanHavenSc)), 5.0);
  EXPECT_LT(std::fabs(pull(small.correlation_factor, kCompaanHavenSc)), 5.0);
  const double diff = small.correlation_factor.value - big.correlation_factor.value;
  const double diff_err = std::hypot(small.correlation_factor.error, big.correlation_factor.error);
  std::printf("  8^3 - 10^3 difference %+.4f +- %.4f\n", diff, diff_err);
  EXPECT_LT(std::fabs(diff), 5 * diff_err);
}

}  // namespace
