#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ValidationSupport.hpp"
#include "host/analysis/ArrheniusFit.hpp"
#include "kmc/lattice/Lattice.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

// Non-interacting lattice gas (site exclusion only). Its collective (jump)
// diffusivity is exact: the expected centre-of-mass velocity vanishes in every
// configuration, so |sum_i R_i|^2 grows by l^2 per hop, and the hop rate per
// ion is z Gamma times the probability that a neighbour is empty. With N ions
// on M sites, uniformly placed (the equilibrium of this gas), that probability
// is (M - N) / (M - 1), so
//   D_jump = D0 (1 - c) M / (M - 1),   c = N / M,
// the canonical-ensemble form of D0 (1 - c) (the factor is 1.002 on 512 sites).
double lattice_gas_jump_diffusivity(const std::string& type, const SimulationOutcome& o,
                                    double temperature, double barrier = kBarrier) {
  const double m = static_cast<double>(o.sites), n = static_cast<double>(o.particles);
  return lone_walker_diffusivity(type, temperature, barrier) * (m - n) / (m - 1);
}

// Blocks of ~100 hops: the centre of mass is one walker whose increments are
// uncorrelated, so each block is an independent sample of relative spread
// ~0.82 whatever its length; many short blocks give the smallest error for a
// given number of hops.
SimulationSettings lattice_gas_settings(const std::string& type, std::array<int, 3> cells,
                                        double fraction, double temperature, uint64_t seed) {
  SimulationSettings s = textbook_settings(type, cells, temperature, seed);
  s.occupancy.fraction = fraction;
  s.replicas = 8;
  s.blocks = 1000;
  const double ions = std::llround(fraction * Lattice(s.lattice, cells).num_mobile_sites());
  s.hops_per_particle = s.blocks * 100 / ions;
  return s;
}

struct GasCase {
  const char* type;
  std::array<int, 3> cells;
  double fraction;
};

void PrintTo(const GasCase& g, std::ostream* os) {
  *os << g.type << " c=" << g.fraction;
}

class LatticeGas : public ::testing::TestWithParam<GasCase> {};

// D_jump = D0 (1 - c). 8 replicas x 1000 blocks of 100 hops (8e5 hops); the
// measured standard error is 0.92-0.94% on every case. Tolerance 5 standard
// errors (~4.7%), against a 25% step in (1 - c) between the cases.
TEST_P(LatticeGas, JumpDiffusivityIsD0TimesOneMinusC) {
  const GasCase g = GetParam();
  const double temperature = 300;
  const uint64_t seed = 300 + static_cast<uint64_t>(g.fraction * 100) + g.cells[0];
  const SimulationOutcome o =
      run_simulation(lattice_gas_settings(g.type, g.cells, g.fraction, temperature, seed));
  const TransportEstimates e = estimate_transport(o, temperature, Vec3{});
  const double expected = lattice_gas_jump_diffusivity(g.type, o, temperature);
  report(std::string(g.type) + " c=" + std::to_string(g.fraction) + " D_jump", e.D_jump, expected);
  EXPECT_LT(e.D_jump.error / expected, 0.012);
  EXPECT_LT(std::fabs(pull(e.D_jump, expected)), 5.0);
}

INSTANTIATE_TEST_SUITE_P(
    ScAndFcc, LatticeGas,
    ::testing::Values(GasCase{"sc", {8, 8, 8}, 0.25}, GasCase{"sc", {8, 8, 8}, 0.5},
                      GasCase{"sc", {8, 8, 8}, 0.75}, GasCase{"fcc", {5, 5, 5}, 0.25},
                      GasCase{"fcc", {5, 5, 5}, 0.5}, GasCase{"fcc", {5, 5, 5}, 0.75}),
    [](const auto& info) {
      return std::string(info.param.type) + "_c" +
             std::to_string(static_cast<int>(info.param.fraction * 100));
    });

// The barrier recovered from D_jump(T) of the c = 0.5 gas on sc at four
// temperatures equally spaced in 1/T. Each point has ~0.9% error, so the
// fitted Ea has ~0.0005 eV. Tolerances: Ea and D0 within 5 fitted standard
// errors of the input barrier and of D0 (1 - c) M / (M - 1); chi2 with 2
// degrees of freedom below 18.4 (p = 1e-4), so that Birge scaling cannot hide
// a bad fit behind inflated errors.
TEST(LatticeGasSc, ArrheniusFitRecoversBarrierAndPrefactor) {
  const std::vector<double> temperatures = {250.0, 300.0, 375.0, 500.0};
  std::vector<ArrheniusPoint> points;
  double expected_prefactor = 0;
  for (size_t i = 0; i < temperatures.size(); ++i) {
    const double t = temperatures[i];
    const SimulationOutcome o =
        run_simulation(lattice_gas_settings("sc", {8, 8, 8}, 0.5, t, 400 + i));
    const TransportEstimates e = estimate_transport(o, t, Vec3{});
    points.push_back({t, e.D_jump.value, e.D_jump.error});
    // D_jump / exp(-Eb/kT): the temperature-independent part of the exact result.
    expected_prefactor =
        lattice_gas_jump_diffusivity("sc", o, t) / std::exp(-kBarrier / (kBoltzmannEv * t));
    report("D_jump at " + std::to_string(static_cast<int>(t)) + " K", e.D_jump,
           lattice_gas_jump_diffusivity("sc", o, t));
  }
  const ArrheniusFit fit = fit_arrhenius(points);
  report("Ea (eV)", {fit.activation_energy_eV, fit.activation_energy_err}, kBarrier);
  report("D0 (cm^2/s)", {fit.prefactor, fit.prefactor_err}, expected_prefactor);
  std::printf("  chi2 %.3f for %d dof\n", fit.chi2, fit.dof);
  EXPECT_LT(fit.activation_energy_err, 0.001);
  EXPECT_LT(std::fabs(fit.activation_energy_eV - kBarrier), 5 * fit.activation_energy_err);
  EXPECT_LT(std::fabs(fit.prefactor - expected_prefactor), 5 * fit.prefactor_err);
  EXPECT_LT(fit.chi2, 18.4);
}

}  // namespace
