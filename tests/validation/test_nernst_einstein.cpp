#include <gtest/gtest.h>

#include <string>

#include "ValidationSupport.hpp"
#include "kmc/lattice/Lattice.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

// Weak field along x: x = qFl/kT = 0.25. On sc the exact drift is
// v = 2 l Gamma' sinh(x/2) (Gamma' the bare rate times the probability that
// the target is empty), so v / (q F D / kT) = 2 sinh(x/2) / x = 1 + x^2/24 + ...
// = 1.0026: a 0.26% nonlinearity, far below the ~4-7% tolerances below.
constexpr double kTemperature = 300;
constexpr double kFieldParameter = 0.25;  // q F l / kT

// The field (V/cm) that gives q F l / kT = kFieldParameter on sc: the field
// work is q F.dr with dr in Å times 1e-8 cm/Å.
double weak_field() {
  const double l_cm = kLatticeParameter * 1e-8;
  return kFieldParameter * kBoltzmannEv * kTemperature / l_cm;
}

// Nernst-Einstein drift v = q F D / kT in cm/s (D cm^2/s, F V/cm, kT in eV per e).
double nernst_einstein_drift(double diffusivity, double field) {
  return diffusivity * field / (kBoltzmannEv * kTemperature);
}

// A lone walker on sc: 10000 replicas x 8 blocks of 32 hops (2.6e6 hops). The
// drift's signal to noise is x sqrt(hops / 12) = 115, and the measured
// standard error is 0.9%. Tolerance: 5 standard errors (~4.5%); v_y and v_z
// must vanish within 5 of theirs.
TEST(NernstEinsteinSc, LoneWalkerDriftIsQFDOverKT) {
  const double field = weak_field();
  SimulationSettings s = textbook_settings("sc", {4, 4, 4}, kTemperature, 501);
  s.occupancy.by_vacancies = true;
  s.occupancy.vacancies = Lattice(s.lattice, s.cells).num_mobile_sites() - 1;
  s.hop.field = {field, 0, 0};
  s.replicas = 10000;
  s.blocks = 8;
  s.hops_per_particle = 8 * 32;
  const TransportEstimates e = estimate_transport(run_simulation(s), kTemperature, s.hop.field);
  const double expected = nernst_einstein_drift(lone_walker_diffusivity("sc", kTemperature), field);
  report("lone walker v_x (cm/s)", e.drift_velocity[0], expected);
  report("lone walker v_y (cm/s)", e.drift_velocity[1], 0.0);
  report("lone walker v_z (cm/s)", e.drift_velocity[2], 0.0);
  EXPECT_LT(e.drift_velocity[0].error / expected, 0.012);
  EXPECT_LT(std::fabs(pull(e.drift_velocity[0], expected)), 5.0);
  EXPECT_LT(std::fabs(pull(e.drift_velocity[1], 0.0)), 5.0);
  EXPECT_LT(std::fabs(pull(e.drift_velocity[2], 0.0)), 5.0);
}

SimulationSettings half_filled_gas(double field, int blocks, uint64_t seed) {
  SimulationSettings s = textbook_settings("sc", {8, 8, 8}, kTemperature, seed);
  s.occupancy.fraction = 0.5;
  s.hop.field = {field, 0, 0};
  s.replicas = 8;
  s.blocks = blocks;
  s.hops_per_particle = blocks * 100.0 / 256;  // blocks of 100 hops
  return s;
}

// The c = 0.5 lattice gas on 8^3 sc. Under the field its stationary state is
// still the uniform product measure (on a ring the driven exclusion process
// keeps it), so v = q F D_jump / kT with D_jump = D0 (1 - c) M / (M - 1).
// And the conductivity from the drift must equal the Nernst-Einstein one from
// D_jump measured without a field: a separate run, because under a field the
// block |sum R|^2 also holds the squared drift (x^2 hops_per_block / 36 = 17%
// of it here), which D_jump does not subtract.
// Field run: 8 x 3000 blocks of 100 hops, measured error ~0.9%; zero-field
// run: 8 x 1000 blocks, error ~0.9%. Tolerances 5 standard errors: ~4.5% on
// the drift, ~6.5% on the conductivity ratio.
TEST(NernstEinsteinSc, HalfFilledGasFieldConductivityEqualsNernstEinstein) {
  const double field = weak_field();
  const SimulationOutcome driven = run_simulation(half_filled_gas(field, 3000, 502));
  const SimulationOutcome still = run_simulation(half_filled_gas(0.0, 1000, 503));
  const TransportEstimates ef = estimate_transport(driven, kTemperature, {field, 0, 0});
  const TransportEstimates e0 = estimate_transport(still, kTemperature, Vec3{});
  ASSERT_TRUE(ef.conductivity_field.has_value());

  const double m = static_cast<double>(driven.sites), n = static_cast<double>(driven.particles);
  const double d_jump = lone_walker_diffusivity("sc", kTemperature) * (m - n) / (m - 1);
  const double expected_v = nernst_einstein_drift(d_jump, field);
  report("c=0.5 v_x (cm/s)", ef.drift_velocity[0], expected_v);
  report("c=0.5 v_y (cm/s)", ef.drift_velocity[1], 0.0);
  EXPECT_LT(ef.drift_velocity[0].error / expected_v, 0.012);
  EXPECT_LT(std::fabs(pull(ef.drift_velocity[0], expected_v)), 5.0);
  EXPECT_LT(std::fabs(pull(ef.drift_velocity[1], 0.0)), 5.0);
  EXPECT_LT(std::fabs(pull(ef.drift_velocity[2], 0.0)), 5.0);

  const Estimate sigma_f = *ef.conductivity_field;
  const Estimate sigma_ne = e0.conductivity;
  const double diff = sigma_f.value - sigma_ne.value;
  const double diff_err = std::hypot(sigma_f.error, sigma_ne.error);
  std::printf(
      "  sigma_field %.5g +- %.2g S/cm, sigma_NE(D_jump, F=0) %.5g +- %.2g S/cm, "
      "ratio %.4f, pull %+.2f\n",
      sigma_f.value, sigma_f.error, sigma_ne.value, sigma_ne.error, sigma_f.value / sigma_ne.value,
      diff / diff_err);
  EXPECT_LT(std::fabs(diff), 5 * diff_err);
}

}  // namespace
