// `coatkmc macro` through the executable: a small model with given
// conductivities (no kMC) writes summary.json with its SPEC'd fields; bad
// models are exit 2 with one line naming file, line and key, and write nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "CommandRunner.hpp"
#include "host/macro/MacroConfig.hpp"

namespace {

const char* kModel = R"([macro]
title = "test model"
rates = [0.1, 1.0]
steps = 400

[cathode]
ocv = "NMC532"
radius_um = 2.0
diffusivity_cm2_s = 4e-10
loading_mg_cm2 = 8.0

[cell]
v_min = 3.0
v_max = 4.3
protocol = "discharge"

[coating_transport]
constriction_factor = 2e4

[[case]]
name = "fast"
paper = { interfacial_resistance_ohm = 100 }
[[case.layer]]
name = "coating"
thickness_nm = 8
conductivity = 4e-5
epsilon_r = 40

[[case]]
name = "slow"
paper = { interfacial_resistance_ohm = 300 }
[[case.layer]]
name = "coating"
thickness_nm = 8
conductivity = 4e-6
epsilon_r = 40

[[expect]]
quantity = "capacity"
c_rate = 1.0
order = ["fast", "slow"]

[plating]
thicknesses_um = [1, 10]
[[plating.alloy]]
name = "Li22Sn5"
diffusivity_cm2_s = [1.9e-7, 5.9e-7]
li_concentration_mol_cm3 = 0.06
)";

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(MacroCommand, WritesSummaryWithCasesCapacitiesAndSpectra) {
  coatkmc_test::ScratchDir dir;
  write(dir / "model.toml", kModel);
  const auto r =
      coatkmc_test::run_coatkmc({"macro", "model.toml", "--out", "out", "--no-plots"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(coatkmc_test::read_text(dir / "out/summary.json"));
  ASSERT_EQ(j["cases"].size(), 2u);
  for (const auto& c : j["cases"]) {
    EXPECT_TRUE(c["asr_ohm_cm2"].is_number());
    EXPECT_TRUE(c["capacity_mAh_g"]["0.1C"].is_number());
    EXPECT_TRUE(c["capacity_mAh_g"]["1C"].is_number());
    EXPECT_LT(c["impedance"]["kramers_kronig_max_residual"].get<double>(), 1e-3);
    EXPECT_TRUE(coatkmc_test::file_exists(
        dir / ("out/impedance_" + c["name"].get<std::string>() + ".csv")));
    EXPECT_TRUE(
        coatkmc_test::file_exists(dir / ("out/voltage_" + c["name"].get<std::string>() + ".csv")));
  }
  // Ten times the resistivity: ten times the coating's L/sigma, and the
  // particle-surface ASR grows by G times the difference (8 nm / sigma).
  const auto& c0 = j["cases"][0];
  const auto& c1 = j["cases"][1];
  EXPECT_NEAR(c1["layers"][0]["asr_L_over_sigma_ohm_cm2"].get<double>() /
                  c0["layers"][0]["asr_L_over_sigma_ohm_cm2"].get<double>(),
              10.0, 1e-9);
  EXPECT_NEAR(c1["asr_particle_ohm_cm2"].get<double>() - c0["asr_particle_ohm_cm2"].get<double>(),
              2e4 * 8e-7 * (1 / 4e-6 - 1 / 4e-5), 1e-9 * c1["asr_particle_ohm_cm2"].get<double>());
  EXPECT_TRUE(j["expectations"][0]["met"].get<bool>());
  EXPECT_EQ(j["comparison"]["cases"][1]["interfacial_resistance_ohm_ratio_paper"], 3.0);
  EXPECT_EQ(j["plots_skipped"], "--no-plots");
  EXPECT_EQ(j["plating"]["alloys"][0]["thresholds"].size(), 2u);
  EXPECT_TRUE(coatkmc_test::file_exists(dir / "out/rate_capability.csv"));
  EXPECT_NE(r.out.find("results in out/summary.json"), std::string::npos);
  // A second run into the same folder needs --force.
  const auto again = coatkmc_test::run_coatkmc({"macro", "model.toml", "--out", "out"}, dir.path());
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos);
}

TEST(MacroCommand, BadModelsAreExitTwoWithFileLineAndKey) {
  coatkmc_test::ScratchDir dir;
  struct Case {
    std::string from, to, expected;
  };
  const std::vector<Case> cases = {
      {"steps = 400", "steps = 400\ncolour = 1",
       "coatkmc: error: m.toml:5: macro.colour: unknown key\n"},
      {"conductivity = 4e-6", "conductivity = \"kmc:nowhere\"",
       "coatkmc: error: m.toml:35: case[1].layer[0].conductivity: no [[kmc]] source named "
       "'nowhere'\n"},
      {"radius_um = 2.0", "radius_um = -2.0",
       "coatkmc: error: m.toml:8: cathode.radius_um: value -2 out of range (must be > 0 and <= "
       "10000)\n"},
      {"order = [\"fast\", \"slow\"]", "order = [\"fast\", \"medium\"]",
       "coatkmc: error: m.toml:41: expect[0].order: no [[case]] named 'medium'\n"},
      {"ocv = \"NMC532\"", "ocv = \"NMC811\"",
       "coatkmc: error: m.toml:7: cathode.ocv: 'NMC811' is not a built-in table (NMC532, LCO)\n"},
  };
  for (const auto& c : cases) {
    std::string text = kModel;
    const auto at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    write(dir / "m.toml", text);
    const auto r = coatkmc_test::run_coatkmc({"macro", "m.toml", "--out", "o"}, dir.path());
    EXPECT_EQ(r.status, 2) << c.to;
    EXPECT_EQ(r.err, c.expected);
    EXPECT_FALSE(coatkmc_test::file_exists(dir / "o"));
  }
  const auto none = coatkmc_test::run_coatkmc({"macro", "missing.toml"}, dir.path());
  EXPECT_EQ(none.status, 2);
  EXPECT_EQ(none.err, "coatkmc: error: missing.toml: cannot open the model file\n");
}

TEST(MacroCommand, RecognisesMacroModels) {
  coatkmc_test::ScratchDir dir;
  write(dir / "m.toml", kModel);
  write(dir / "r.toml", "[lattice]\ntype = \"sc\"\n");
  EXPECT_TRUE(coatkmc::macro::is_macro_config(dir / "m.toml"));
  EXPECT_FALSE(coatkmc::macro::is_macro_config(dir / "r.toml"));
  EXPECT_EQ(coatkmc::macro::rate_key(0.1), "0.1C");
  EXPECT_EQ(coatkmc::macro::rate_key(2.0), "2C");
}

}  // namespace
