// The diagonal of the transport tensor (issue 13, item 4): D and sigma along
// x, y and z, each normalised per axis (<dx^2> / 2t), against exact answers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "ValidationSupport.hpp"
#include "host/config/ConfigReader.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/microstructure/Microstructure.hpp"

using namespace coatkmc;
using namespace coatkmc::validation;

namespace {

// |a - b| within k combined standard errors.
void expect_agree(const char* what, const Estimate& a, const Estimate& b, double k = 4) {
  const double diff = a.value - b.value, err = std::hypot(a.error, b.error);
  std::printf("  %-36s %.5g +- %.2g vs %.5g +- %.2g, pull %+.2f\n", what, a.value, a.error,
              b.value, b.error, diff / err);
  EXPECT_LT(std::fabs(diff), k * err) << what;
}

// The half-filled lattice gas on sc is isotropic: the three components of
// D_tracer, D_jump and sigma agree with each other within errors, and their
// mean is the isotropic value.
TEST(TransportTensor, IsotropicLatticeGasHasThreeEqualComponents) {
  SimulationSettings s = textbook_settings("sc", {8, 8, 8}, 400, 2101);
  s.occupancy.fraction = 0.5;
  s.hops_per_particle = 100;
  s.replicas = 8;
  s.msd_samples = 100;
  const TransportEstimates e = estimate_transport(run_simulation(s), 400, Vec3{});
  for (const auto* xyz : {&e.D_tracer_xyz, &e.D_jump_xyz}) {
    const char* name = xyz == &e.D_tracer_xyz ? "D_tracer" : "D_jump";
    expect_agree((std::string(name) + " x vs y").c_str(), (*xyz)[0], (*xyz)[1]);
    expect_agree((std::string(name) + " y vs z").c_str(), (*xyz)[1], (*xyz)[2]);
    expect_agree((std::string(name) + " x vs z").c_str(), (*xyz)[0], (*xyz)[2]);
  }
  EXPECT_NEAR((e.D_jump_xyz[0].value + e.D_jump_xyz[1].value + e.D_jump_xyz[2].value) / 3,
              e.D_jump.value, 1e-12 * e.D_jump.value);
  EXPECT_NEAR((e.D_tracer_xyz[0].value + e.D_tracer_xyz[1].value + e.D_tracer_xyz[2].value) / 3,
              e.D_tracer.value, 1e-9 * e.D_tracer.value);
  EXPECT_NEAR(e.conductivity_xyz[2].value / e.D_jump_xyz[2].value,
              e.conductivity.value / e.D_jump.value, 1e-9 * e.conductivity.value / e.D_jump.value);
  // The exact D_jump of the ideal gas, per axis.
  const double m = 512, n = 256;
  const double exact = lone_walker_diffusivity("sc", 400) * (m - n) / (m - 1);
  for (int a = 0; a < 3; ++a) {
    report("D_jump axis " + std::to_string(a), e.D_jump_xyz[a], exact);
    EXPECT_LT(std::fabs(pull(e.D_jump_xyz[a], exact)), 4.0);
  }
}

// A 2D lattice has no z component: NaN (null in result.json).
TEST(TransportTensor, SquareLatticeHasNoThirdComponent) {
  SimulationSettings s = textbook_settings("square", {16, 16, 1}, 400, 2102);
  s.occupancy.fraction = 0.5;
  s.hops_per_particle = 50;
  s.replicas = 4;
  s.msd_samples = 100;
  const TransportEstimates e = estimate_transport(run_simulation(s), 400, Vec3{});
  EXPECT_TRUE(std::isnan(e.D_jump_xyz[2].value));
  EXPECT_TRUE(std::isnan(e.D_tracer_xyz[2].value));
  EXPECT_TRUE(std::isnan(e.conductivity_xyz[2].value));
  // Per-axis normalisation: the in-plane components average to D (not 2/3 of it).
  EXPECT_NEAR((e.D_jump_xyz[0].value + e.D_jump_xyz[1].value) / 2, e.D_jump.value,
              1e-12 * e.D_jump.value);
  expect_agree("square D_jump x vs y", e.D_jump_xyz[0], e.D_jump_xyz[1]);
}

// Two layers in series along z (a multilayer of independent walkers on sc,
// barriers 0.30 and 0.36 eV, 4 cells each, no site-energy step). Every site
// is equally likely (symmetric rates), so exactly:
//   in plane  D_x = D_y = l^2 (Gamma_A + Gamma_B) / 2 (the layers in parallel),
//   along z   D_z = l^2 / <1/k> over the 8 z-bonds of a period (in series):
//             3 bonds in A at Gamma_A, 3 in B at Gamma_B and the 2 interfaces
//             at the mean barrier, rate sqrt(Gamma_A Gamma_B).
// Walkers are the exact solver here; 4000 hops per ion cross many periods.
TEST(TransportTensor, MultilayerConductsInParallelInPlaneAndInSeriesAlongZ) {
  const double T = 400;
  SimulationSettings s = textbook_settings("sc", {6, 6, 8}, T, 2103);
  s.solver = "walkers";
  s.occupancy.fraction = 0.25;
  s.hops_per_particle = 4000;
  s.replicas = 32;
  s.msd_samples = 100;
  s.microstructure.type = "multilayer";
  for (double barrier : {0.30, 0.36}) {
    LayerSettings l;
    l.cells = 4;
    l.microstructure.type = "crystalline";
    l.microstructure.grain_barrier = barrier;
    s.microstructure.layers.push_back(l);
  }
  const TransportEstimates e = estimate_transport(run_simulation(s), T, Vec3{});
  const double l2 = std::pow(kLatticeParameter * 1e-8, 2);
  const double ga = bare_hop_rate(T, 0.30), gb = bare_hop_rate(T, 0.36);
  const double in_plane = l2 * (ga + gb) / 2;
  const double series = l2 * 8 / (3 / ga + 3 / gb + 2 / std::sqrt(ga * gb));
  report("multilayer D_jump x (parallel)", e.D_jump_xyz[0], in_plane);
  report("multilayer D_jump y (parallel)", e.D_jump_xyz[1], in_plane);
  report("multilayer D_jump z (series)", e.D_jump_xyz[2], series);
  report("multilayer D_tracer x", e.D_tracer_xyz[0], in_plane);
  report("multilayer D_tracer z", e.D_tracer_xyz[2], series);
  for (int a = 0; a < 2; ++a) {
    EXPECT_LT(std::fabs(pull(e.D_jump_xyz[a], in_plane)), 4.0);
    EXPECT_LT(std::fabs(pull(e.D_tracer_xyz[a], in_plane)), 4.0);
  }
  EXPECT_LT(std::fabs(pull(e.D_jump_xyz[2], series)), 4.0);
  EXPECT_LT(std::fabs(pull(e.D_tracer_xyz[2], series)), 4.0);
  // The contrast (in plane 1.8 times through the film) is far beyond the errors.
  EXPECT_GT(e.D_tracer_xyz[0].value - e.D_tracer_xyz[2].value,
            8 * std::hypot(e.D_tracer_xyz[0].error, e.D_tracer_xyz[2].error));
  EXPECT_GT(e.D_jump_xyz[0].value - e.D_jump_xyz[2].value,
            4 * std::hypot(e.D_jump_xyz[0].error, e.D_jump_xyz[2].error));
}

// The layered LLTO of configs/llto_layered.toml (on a smaller cell): La fills
// 90 % of the A sites of every other layer, so Li conducts in plane: x = y
// within errors, z far below.
TEST(TransportTensor, LayeredLltoConductsInPlane) {
  const LoadedConfig c = load_config(COATKMC_SOURCE_DIR "/configs/llto_layered.toml",
                                     {"lattice.cells=[8,8,8]", "run.replicas=4",
                                      "run.hops_per_particle=100", "run.slabs=0"});
  const TransportEstimates e =
      estimate_transport(run_simulation(c.settings), c.settings.hop.temperature, Vec3{});
  expect_agree("LLTO D_tracer x vs y", e.D_tracer_xyz[0], e.D_tracer_xyz[1]);
  expect_agree("LLTO D_jump x vs y", e.D_jump_xyz[0], e.D_jump_xyz[1]);
  std::printf("  LLTO D_tracer z %.4g +- %.2g, D_jump z %.4g +- %.2g\n", e.D_tracer_xyz[2].value,
              e.D_tracer_xyz[2].error, e.D_jump_xyz[2].value, e.D_jump_xyz[2].error);
  const double in_plane = (e.D_tracer_xyz[0].value + e.D_tracer_xyz[1].value) / 2;
  EXPECT_GT(in_plane - e.D_tracer_xyz[2].value,
            8 * std::hypot(e.D_tracer_xyz[0].error, e.D_tracer_xyz[2].error));
  EXPECT_LT(e.D_tracer_xyz[2].value, 0.5 * in_plane);
}

}  // namespace
