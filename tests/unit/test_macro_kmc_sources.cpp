// kMC numbers into the macro model: result.json and collected sweep.json
// files, and the Arrhenius extrapolation of a sweep to the model temperature.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "CommandRunner.hpp"
#include "host/macro/KmcSources.hpp"
#include "host/macro/PhysicalConstants.hpp"
#include "kmc/core/Error.hpp"

using namespace coatkmc::macro;

namespace {

constexpr double kEa = 0.42, kA = 3.0e2;  // sigma T = A exp(-Ea / kT), S K / cm

double sigma(double t) {
  return kA / t * std::exp(-kEa / (kBoltzmannEvPerK * t));
}

// A sweep.json as `coatkmc collect` writes it (docs/sweeps.md): points with
// their varied values and the combined transport fields.
nlohmann::json sweep(bool two_settings) {
  nlohmann::json points = nlohmann::json::array();
  for (double s : two_settings ? std::vector<double>{0.0, 0.1} : std::vector<double>{0.0})
    for (double t : {450.0, 550.0, 650.0, 750.0}) {
      const double factor = s > 0 ? 0.25 : 1.0;
      nlohmann::json values = {{"run.temperature", t}};
      if (two_settings) values["landscape.site_energy_sigma"] = s;
      points.push_back({{"values", values},
                        {"replicas", 4},
                        {"temperature", t},
                        {"conductivity", factor * sigma(t)},
                        {"conductivity_err", 0.02 * factor * sigma(t)},
                        {"D_tracer", 1e-9},
                        {"D_tracer_err", 1e-11}});
    }
  return {{"tasks_total", points.size()}, {"points", points}, {"tasks", nlohmann::json::array()}};
}

}  // namespace

TEST(MacroKmcSources, SweepArrheniusExtrapolatesToTheModelTemperature) {
  coatkmc_test::ScratchDir dir;
  std::ofstream(dir / "sweep.json") << sweep(false).dump();
  KmcValue v;
  v.name = "s";
  v.points = read_sweep_json(dir / "sweep.json");
  ASSERT_EQ(v.points.size(), 4u);
  // Built as the command builds it: a weighted fit of ln(sigma T) on exact data.
  std::vector<coatkmc::ArrheniusPoint> a;
  for (const auto& p : v.points)
    a.push_back(
        {p.temperature, p.conductivity * p.temperature, p.conductivity_err * p.temperature});
  v.conductivity_fit = coatkmc::fit_arrhenius(a);
  EXPECT_NEAR(v.conductivity_fit->activation_energy_eV, kEa, 1e-9);
  // Exact data: the extrapolation to 298 K is exact to round-off (the fit's
  // lever arm multiplies ~1e-15 errors by ~10).
  EXPECT_NEAR(v.conductivity_at(298.15) / sigma(298.15), 1.0, 1e-9);
  // A measured temperature is used as measured.
  EXPECT_EQ(v.conductivity_at(550.0), sigma(550.0));
}

TEST(MacroKmcSources, SweepVaryingMoreThanTemperatureNeedsASelection) {
  coatkmc_test::ScratchDir dir;
  std::ofstream(dir / "sweep.json") << sweep(true).dump();
  EXPECT_THROW(read_sweep_json(dir / "sweep.json"), coatkmc::InputError);
  const auto pts = read_sweep_json(dir / "sweep.json", {{"landscape.site_energy_sigma", 0.1}});
  ASSERT_EQ(pts.size(), 4u);
  EXPECT_NEAR(pts[0].conductivity / sigma(450.0), 0.25, 1e-12);
  EXPECT_THROW(read_sweep_json(dir / "sweep.json", {{"landscape.site_energy_sigma", 0.3}}),
               coatkmc::InputError);
}

TEST(MacroKmcSources, ResultJsonFields) {
  coatkmc_test::ScratchDir dir;
  std::ofstream(dir / "result.json") << nlohmann::json{
      {"temperature", 298.0}, {"conductivity", 1.3e-5}, {"conductivity_err", 2e-6},
      {"D_tracer", 2e-10},    {"D_tracer_err", 1e-11},  {"D_jump", 2.5e-10},
      {"haven_ratio", 0.8}}.dump();
  const KmcPoint p = read_result_json(dir / "result.json");
  EXPECT_EQ(p.temperature, 298.0);
  EXPECT_EQ(p.conductivity, 1.3e-5);
  EXPECT_EQ(p.d_tracer, 2e-10);
  std::ofstream(dir / "empty.json") << "{\"temperature\": 300}";
  EXPECT_THROW(read_result_json(dir / "empty.json"), coatkmc::InputError);
  std::ofstream(dir / "broken.json") << "{\"temperature\": ";
  EXPECT_THROW(read_result_json(dir / "broken.json"), coatkmc::InputError);
}

// A film conducts through its thickness: the z component by default (issue
// 13), another on request, the isotropic average where the result has no
// components (older results, z of a 2D lattice).
TEST(MacroKmcSources, TakesTheComponentAlongTheFilmNormal) {
  coatkmc_test::ScratchDir dir;
  std::ofstream(dir / "result.json") << nlohmann::json{
      {"temperature", 298.0},
      {"conductivity", 1.0e-5},
      {"conductivity_err", 1e-6},
      {"D_tracer", 2e-10},
      {"D_tracer_err", 1e-11},
      {"conductivity_xyz", {1.4e-5, 1.5e-5, 0.1e-5}},
      {"conductivity_xyz_err", {2e-6, 2e-6, 3e-7}},
      {"D_tracer_xyz", {2.8e-10, 2.9e-10, 0.3e-10}},
      {"D_tracer_xyz_err", {2e-11, 2e-11, 4e-12}}}.dump();
  const KmcPoint z = read_result_json(dir / "result.json");
  EXPECT_EQ(z.conductivity, 0.1e-5);
  EXPECT_EQ(z.conductivity_err, 3e-7);
  EXPECT_EQ(z.d_tracer, 0.3e-10);
  EXPECT_EQ(z.d_tracer_err, 4e-12);
  EXPECT_EQ(z.component, "z");
  const KmcPoint x = read_result_json(dir / "result.json", "x");
  EXPECT_EQ(x.conductivity, 1.4e-5);
  const KmcPoint mean = read_result_json(dir / "result.json", "mean");
  EXPECT_EQ(mean.conductivity, 1.0e-5);
  EXPECT_EQ(mean.component, "mean");
  // A 2D lattice: z is null, the average is taken and said so.
  std::ofstream(dir / "flat.json") << nlohmann::json{
      {"temperature", 298.0},
      {"conductivity", 1.0e-5},
      {"D_tracer", 2e-10},
      {"conductivity_xyz", {1.0e-5, 1.0e-5, nullptr}},
      {"conductivity_xyz_err", {1e-6, 1e-6, nullptr}}}.dump();
  const KmcPoint flat = read_result_json(dir / "flat.json");
  EXPECT_EQ(flat.conductivity, 1.0e-5);
  EXPECT_EQ(flat.component, "mean");
}
