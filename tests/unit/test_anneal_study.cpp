// Anneal studies: config errors name file, line and key; the kMC table
// recovers its own barrier; the two shipped case studies show the trends of
// the papers they model (docs/interdiffusion.md).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "CommandRunner.hpp"
#include "AnnealTestLayers.hpp"
#include "host/continuum/AnnealStudy.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {
namespace {

const std::string kConfigs = std::string(COATKMC_SOURCE_DIR) + "/configs/";

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

const std::string kMinimal =
    "[anneal]\nspecies = \"X\"\ntemperatures_C = [500]\nhold_s = 100\n" +
    test::film_on_bulk_layers(5, 100);

TEST(AnnealStudy, ConfigErrorsNameFileLineAndKey) {
  const std::string ok = write_temp("anneal_ok.toml", kMinimal);
  EXPECT_NO_THROW(load_anneal_config(ok, {}));
  EXPECT_TRUE(is_anneal_config(ok));
  auto expect_error = [&](const std::vector<std::string>& sets, const std::string& where,
                          const std::string& key) {
    try {
      load_anneal_config(ok, sets);
      ADD_FAILURE() << "no error for " << sets.front();
    } catch (const InputError& e) {
      EXPECT_NE(e.where().find(where), std::string::npos) << e.where();
      EXPECT_EQ(std::string(e.what()).rfind(key, 0), 0u) << e.what();
    }
  };
  expect_error({"anneal.hold_s=-5"}, "--set anneal.hold_s=-5", "anneal.hold_s:");
  expect_error({"anneal.detection_limit=2"}, "--set anneal.detection_limit=2",
               "anneal.detection_limit:");
  expect_error({"anneal.holds=5"}, "--set anneal.holds=5", "anneal.holds: unknown key");
  expect_error({"anneal.film=\"nothing\""}, "--set anneal.film", "anneal.film:");
  // A file error names its line: hold_s on line 4, an unknown layer key on 18.
  const std::string neg = write_temp("anneal_neg.toml", [] {
    std::string t = kMinimal;
    t.replace(t.find("hold_s = 100"), 12, "hold_s = -1");
    return t;
  }());
  try {
    load_anneal_config(neg, {});
    ADD_FAILURE() << "negative hold accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.where().find("anneal_neg.toml:4"), std::string::npos) << e.where();
  }
  const std::string bad = write_temp("anneal_bad.toml", std::string(kMinimal) + "colour = 1\n");
  try {
    load_anneal_config(bad, {});
    ADD_FAILURE() << "unknown key in the last layer accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.where().find("anneal_bad.toml:18"), std::string::npos) << e.where();
    EXPECT_EQ(std::string(e.what()), "anneal.layer[1].colour: unknown key");
  }
}

// The kMC table of vacancy-mediated exchange on sc. With one barrier for
// every hop, temperature only rescales time: the same seed gives the same hop
// sequence at every T, so the table must be exactly Arrhenius and its fit must
// return the barrier to round-off (this checks the time scale of the runs and
// the scaling to the anchor). The correlation factor is the single-vacancy
// value 0.6531 (Compaan-Haven) within the statistics of 4 x 30k hops.
TEST(AnnealStudy, KmcTableRecoversBarrierAndCorrelationFactor) {
  KmcDiffusivitySettings k;
  k.lattice = "sc";
  k.a_angstrom = 3.87;
  k.barrier_eV = 1.2;
  k.cells = {8, 8, 8};
  k.hops_per_particle = 60;
  k.replicas = 4;
  k.seed = 3;
  k.anchor_K = 900;
  k.anchor_D_cm2_s = 1e-13;
  k.temperatures_K = {500, 700, 1100};
  const KmcDiffusivityTable t = tabulate_kmc_diffusivity(k);
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_NEAR(t.fit.activation_energy_eV, 1.2, 1e-9);
  EXPECT_NEAR(t.correlation_factor, 0.6531, 0.04);
  // The anchor row is the anchor value by construction; the implied defect
  // fraction follows from D = f x_v nu a^2 exp(-Ea/kT) on sc.
  const double Gamma_a2 = 1e13 * std::exp(-1.2 / (8.617333262e-5 * 900)) * std::pow(3.87e-8, 2);
  EXPECT_NEAR(t.vacancy_fraction / (1e-13 / (0.6531 * Gamma_a2)), 1.0, 0.05);
  // Thermally created defects add their formation energy to the apparent Ea;
  // the same seed gives the same runs, so only the factor differs.
  k.vacancy_formation_eV = 0.7;
  const KmcDiffusivityTable t2 = tabulate_kmc_diffusivity(k);
  EXPECT_NEAR(t2.fit.activation_energy_eV, 1.9, 1e-9);
  EXPECT_DOUBLE_EQ(t2.rows[2].D, t.rows[2].D);  // 900 K: the anchor
}

// Co from 100 nm LiCoO2 into LLTO, 4 h (seeds/000): detectable from 300 C,
// deeper with temperature, the film emptied (< 0.1 left) at 700 C.
TEST(AnnealStudy, LcoLltoCaseStudyTrends) {
  const AnnealStudySettings s = load_anneal_config(kConfigs + "lco_llto_anneal.toml", {});
  const AnnealStudyResult r = run_anneal_study(s);
  ASSERT_EQ(r.cases.size(), 4u);
  EXPECT_GT(r.cases[0].penetration_depth_nm, 1.0);  // 300 C: beyond ~2.5 B-site planes
  for (size_t i = 1; i < r.cases.size(); ++i) {
    EXPECT_GT(r.cases[i].penetration_depth_nm, r.cases[i - 1].penetration_depth_nm);
    EXPECT_LT(r.cases[i].film_remaining_fraction, r.cases[i - 1].film_remaining_fraction);
  }
  EXPECT_LT(r.cases[3].film_remaining_fraction, 0.1);  // 700 C: dissolved
  // Round-off: each implicit step loses ~eps * (D dt / dx^2) of the amount, and
  // that ratio reaches ~1e5 here; 1e-9 is far above it and far below any physics.
  for (const AnnealCase& c : r.cases) EXPECT_LT(c.mass_balance_rel_error, 1e-9);
}

// Zr from 4.5 nm ZrO2 into NCM85, 30 min (seeds/004): below 2 nm up to 550 C,
// 20-60 nm at 700 C with D within a factor 3 of 3.8e-16 cm^2/s.
TEST(AnnealStudy, ZrO2Ncm85CaseStudyTrends) {
  const AnnealStudySettings s = load_anneal_config(kConfigs + "zro2_ncm85_anneal.toml", {});
  const AnnealStudyResult r = run_anneal_study(s);
  ASSERT_EQ(r.cases.size(), 4u);
  for (size_t i = 0; i < 3; ++i) EXPECT_LT(r.cases[i].penetration_depth_nm, 2.0);
  EXPECT_GT(r.cases[3].penetration_depth_nm, 20.0);
  EXPECT_LT(r.cases[3].penetration_depth_nm, 60.0);
  EXPECT_LT(std::abs(std::log(r.cases[3].D_fit / 3.8e-16)), std::log(3.0));
  // Round-off: each implicit step loses ~eps * (D dt / dx^2) of the amount, and
  // that ratio reaches ~1e5 here; 1e-9 is far above it and far below any physics.
  for (const AnnealCase& c : r.cases) EXPECT_LT(c.mass_balance_rel_error, 1e-9);
}

// Through the executable: `macro` on an [anneal] config writes summary.json
// with one case per temperature and the SPEC'd fields; a bad key is exit 2
// with one line naming file, line and key, and nothing written.
TEST(AnnealStudy, MacroCommandWritesSummaryAndRejectsBadKeys) {
  coatkmc_test::ScratchDir dir;
  const std::string cfg = dir / "study.toml";
  std::ofstream(cfg) << kMinimal;
  const auto ok = coatkmc_test::run_coatkmc(
      {"macro", cfg, "--out", "out", "--no-plots", "--set", "anneal.temperatures_C=[400, 600]"},
      dir.path());
  ASSERT_EQ(ok.status, 0) << ok.err;
  const auto j = nlohmann::json::parse(coatkmc_test::read_text(dir / "out/summary.json"));
  ASSERT_EQ(j["cases"].size(), 2u);
  for (const char* key :
       {"temperature_C", "time_s", "D_cm2_s", "penetration_depth_nm", "film_remaining_fraction"})
    EXPECT_TRUE(j["cases"][0].contains(key)) << key;
  EXPECT_EQ(j["cases"][1]["temperature_C"], 600.0);
  EXPECT_TRUE(coatkmc_test::file_exists(dir / "out/profiles.csv"));

  std::ofstream(dir / "bad.toml") << std::string(kMinimal) + "colour = 1\n";
  const auto bad = coatkmc_test::run_coatkmc({"macro", "bad.toml", "--out", "bad-out"}, dir.path());
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "coatkmc: error: bad.toml:18: anneal.layer[1].colour: unknown key\n");
  EXPECT_FALSE(coatkmc_test::file_exists(dir / "bad-out"));
}

}  // namespace
}  // namespace coatkmc
