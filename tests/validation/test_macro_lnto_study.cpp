// The LNTO study of seeds/001 end to end (configs/lnto_interface.toml): kMC
// conductivities of the three microstructures -> stack -> impedance -> rate
// capability, with the two fitted numbers stated in the config. What must
// come out as measured: the ordering of the capacities and of the interfacial
// resistances, and the conductivity ratios within a factor 2 of the paper's.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <cstdio>

#include <filesystem>
#include <map>
#include "host/macro/KmcSources.hpp"
#include "host/macro/MacroConfig.hpp"
#include "host/macro/MacroStudy.hpp"

using namespace coatkmc::macro;

TEST(MacroLntoStudy, OrderingsAsMeasured) {
  // The inline kMC runs write their result.json files under a scratch folder.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("coatkmc-lnto-" + std::to_string(::getpid()));
  const MacroConfig m =
      load_macro_config(std::string(COATKMC_SOURCE_DIR) + "/configs/lnto_interface.toml");
  KmcRunOptions o;
  o.out_dir = dir.string();
  o.threads = 2;
  o.quiet = true;
  const KmcValues kmc = resolve_kmc_sources(m, o);
  const StudyOutput out = evaluate_study(m, kmc);
  const auto& s = out.summary;

  // Both fits reach their targets (the polycrystalline 0.1C and 1C capacities).
  ASSERT_EQ(s["fitted_parameters"].size(), 2u);
  for (const auto& f : s["fitted_parameters"]) {
    EXPECT_EQ(f["status"], "converged") << f.dump();
  }

  std::map<std::string, nlohmann::json> c;
  for (const auto& j : s["cases"]) c[j["name"].get<std::string>()] = j;
  ASSERT_EQ(c.size(), 3u);
  auto cap = [&](const char* name, const char* rate) {
    return c[name]["capacity_mAh_g"][rate].get<double>();
  };
  auto asr = [&](const char* name) { return c[name]["asr_ohm_cm2"].get<double>(); };
  std::printf(
      "  capacity 0.1C / 1C: poly %.1f / %.1f, amorphous %.1f / %.1f, crystalline %.1f / %.1f\n",
      cap("polycrystalline", "0.1C"), cap("polycrystalline", "1C"), cap("amorphous", "0.1C"),
      cap("amorphous", "1C"), cap("crystalline", "0.1C"), cap("crystalline", "1C"));
  std::printf("  ASR (Ohm cm^2): poly %.1f, amorphous %.1f, crystalline %.1f\n",
              asr("polycrystalline"), asr("amorphous"), asr("crystalline"));
  EXPECT_NEAR(cap("polycrystalline", "1C"), 107.5, 0.01);
  EXPECT_NEAR(cap("polycrystalline", "0.1C"), 152.0, 0.05);
  for (const char* rate : {"0.1C", "1C"}) {
    EXPECT_GT(cap("polycrystalline", rate), cap("amorphous", rate)) << rate;
    EXPECT_GT(cap("amorphous", rate), cap("crystalline", rate)) << rate;
  }
  EXPECT_GT(asr("crystalline"), asr("amorphous"));
  EXPECT_GT(asr("amorphous"), asr("polycrystalline"));
  EXPECT_TRUE(out.expectations_met);

  // The kMC conductivity ratios against the paper's 2.9 and 0.18, within a
  // factor 2 (issue 5's criterion; the kMC errors are ~15 %).
  const double sa = c["amorphous"]["layers"][0]["conductivity_S_cm"].get<double>();
  const double sp = c["polycrystalline"]["layers"][0]["conductivity_S_cm"].get<double>();
  const double sc = c["crystalline"]["layers"][0]["conductivity_S_cm"].get<double>();
  std::printf("  sigma (uS/cm): amorphous %.2f, poly %.2f, crystalline %.2f\n", sa * 1e6, sp * 1e6,
              sc * 1e6);
  EXPECT_LT(std::fabs(std::log(sp / sa / 2.93)), std::log(2.0));
  EXPECT_LT(std::fabs(std::log(sc / sa / 0.184)), std::log(2.0));

  // physics-notes: a 5-10 nm coating at 2-40 uS/cm has L/sigma of only
  // 0.01-0.4 Ohm cm^2; the model's own coating terms sit there too.
  for (const auto& [name, j] : c) {
    const double ls = j["layers"][0]["asr_L_over_sigma_ohm_cm2"].get<double>();
    EXPECT_GT(ls, 0.005) << name;
    EXPECT_LT(ls, 0.5) << name;
    EXPECT_LT(j["impedance"]["kramers_kronig_max_residual"].get<double>(), 1e-4) << name;
    for (const auto& r : j["rate_capability"])
      EXPECT_LT(std::fabs(r["charge_balance_error_mAh_g"].get<double>()), 1e-9) << name;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
