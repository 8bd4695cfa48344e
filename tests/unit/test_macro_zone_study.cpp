// The mixed-conducting zone from a tabulated profile (the anneal study's
// profiles.csv format) agrees with the same profile in closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "CommandRunner.hpp"
#include "host/macro/MacroConfig.hpp"
#include "host/macro/MacroStudy.hpp"
#include "host/macro/MixedConductingZone.hpp"
#include "host/macro/PhysicalConstants.hpp"
#include "kmc/core/Error.hpp"

using namespace coatkmc::macro;

namespace {

const char* kZoneModel = R"([macro]
title = "zone"

[mixed_zone]
source_thickness_nm = 100
%DIFFUSION%
host_ionic_conductivity = 1.3e-3
host_electronic_conductivity = 1e-9
doped_electronic_conductivity = 1e-6
saturation_fraction = 0.1
transfer_conductance_S_cm3 = 2.0
planar_charge_transfer_ohm_cm2 = 21940

[[case]]
name = "500C"
anneal_temperature_C = 500
anneal_hours = 4
%COLUMN%
)";

std::string model(const std::string& diffusion, const std::string& column) {
  std::string s = kZoneModel;
  s.replace(s.find("%DIFFUSION%"), 11, diffusion);
  s.replace(s.find("%COLUMN%"), 8, column);
  return s;
}

}  // namespace

TEST(MacroZoneStudy, TabulatedProfileMatchesClosedForm) {
  coatkmc_test::ScratchDir dir;
  const double d0 = 3.53e-4, ea = 1.65, t = 4 * 3600.0, h = 100e-7;
  const double d = d0 * std::exp(-ea / (kBoltzmannEvPerK * 773.15));
  // The closed-form profile written as the anneal study writes profiles.csv:
  // depth from the film's outer face in nm, 0.25 nm apart, to 2 um.
  {
    std::ofstream csv(dir / "profiles.csv");
    csv << "depth_nm,c_300C,c_500C\n";
    for (int i = 0; i < 8000; ++i) {
      const double y = (0.125 + 0.25 * i) * 1e-7;
      const double ell = 2 * std::sqrt(d * t);
      const double c = 0.5 * (std::erf((h - y) / ell) + std::erf((h + y) / ell));
      csv << y * 1e7 << ",1," << c << "\n";
    }
  }
  std::ofstream(dir / "closed.toml") << model(
      "diffusion_prefactor_cm2_s = 3.53e-4\ndiffusion_activation_eV = 1.65\ndepth_nm = 1900", "");
  std::ofstream(dir / "table.toml")
      << model("profile_csv = \"profiles.csv\"\ndepth_nm = 1900", "profile_column = \"c_500C\"");
  const StudyOutput a = evaluate_study(load_macro_config(dir / "closed.toml"), {});
  const StudyOutput b = evaluate_study(load_macro_config(dir / "table.toml"), {});
  const auto& za = a.summary["cases"][0];
  const auto& zb = b.summary["cases"][0];
  // Film content: Simpson on 400 intervals against a trapezoid on 0.25 nm
  // points: measured 1e-7 apart; allow 1e-4.
  EXPECT_NEAR(za["zone"]["film_fraction_left"].get<double>(),
              zb["zone"]["film_fraction_left"].get<double>(), 1e-4);
  // The ASR on 400 cells of 4.75 nm against 7600 cells of 0.25 nm: the
  // transmission line is second order; measured 1e-4 relative; allow 1e-3.
  EXPECT_NEAR(za["asr_ohm_cm2"].get<double>() / zb["asr_ohm_cm2"].get<double>(), 1.0, 1e-3);
  EXPECT_LT(za["asr_ohm_cm2"].get<double>(), 21940.0);
}

TEST(MacroZoneStudy, ProfileTableErrors) {
  coatkmc_test::ScratchDir dir;
  std::ofstream(dir / "profiles.csv") << "depth_nm,c_500C\n50,1\n150,0.5\n";
  std::ofstream(dir / "m.toml") << model("profile_csv = \"profiles.csv\"",
                                         "profile_column = \"c_600C\"");
  const MacroConfig m = load_macro_config(dir / "m.toml");
  try {
    evaluate_study(m, {});
    FAIL() << "a missing column must be an input error";
  } catch (const coatkmc::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no column 'c_600C'"), std::string::npos) << e.what();
  }
  // An annealed case without its column is caught when the model is read.
  std::ofstream(dir / "n.toml") << model("profile_csv = \"profiles.csv\"", "");
  EXPECT_THROW(load_macro_config(dir / "n.toml"), coatkmc::InputError);
}
