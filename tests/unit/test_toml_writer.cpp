// The TOML text of resolved configurations (host/config/TomlWriter): toml++
// must read back exactly the table that was written, for every shape a
// configuration can take, including those its own formatter mishandles.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "host/config/TomlGuard.hpp"
#include "host/config/TomlWriter.hpp"

namespace {

void expect_round_trip(const std::string& text) {
  const toml::table original = toml::parse(text);
  const std::string written = coatkmc::write_toml(original);
  toml::table again;
  ASSERT_NO_THROW(again = toml::parse(written)) << written;
  EXPECT_EQ(again, original) << "written:\n" << written;
}

TEST(TomlWriter, ArraysOfSmallFloatsThatToml33CannotFormat) {
  // toml++ 3.3's formatter converts log10(0.05) = -1.3 to size_t: undefined.
  expect_round_trip("e = [0.05, -0.002, 1e-300, 0.1, 5e-324, 2.5]\n");
  expect_round_trip("[landscape]\nsite_energy = [[0.01, 0.02], [0.0, -0.0]]\n");
}

TEST(TomlWriter, EveryValueKindAndNesting) {
  expect_round_trip(
      "a = 1\nb = -9223372036854775808\nc = 0.30000000000000004\nd = true\n"
      "s = \"quote \\\" back \\\\ tab \\t line \\n end\"\nu = \"\\u00c5ngstr\\u00f6m\"\n"
      "t = 1979-05-27T07:32:00Z\nday = 1979-05-27\nx = inf\ny = -inf\n"
      "\"quoted key\" = 1\n\"a.b\" = 2\nempty = []\nmixed = [1, \"x\", [2, 3], { k = 1 }]\n"
      "[run]\nseed = 7\n[run.inner]\nz = 1\n"
      "[[occupancy.species]]\nname = \"Co\"\nsite_energy = { A = 0.04, B = -0.03 }\n"
      "[[occupancy.species]]\nname = \"Ti\"\n[occupancy.species.extra]\nq = [0.01]\n"
      "[[occupancy.species.sub]]\nw = 1\n"
      "[microstructure]\nlayers = [{ name = \"x\", thickness = 2.0 }, { name = \"y\" }]\n");
}

TEST(TomlWriter, NanSurvivesAsNan) {
  const toml::table t = toml::parse("x = nan\n");
  const toml::table again = toml::parse(coatkmc::write_toml(t));
  EXPECT_TRUE(std::isnan(again["x"].value<double>().value()));
}

TEST(TomlWriter, EveryShippedConfigurationReadsBackUnchanged) {
  int files = 0;
  for (const auto& dir : {"configs", "configs/macro"}) {
    const std::filesystem::path folder = std::filesystem::path(COATKMC_SOURCE_DIR) / dir;
    for (const auto& e : std::filesystem::directory_iterator(folder)) {
      if (e.path().extension() != ".toml") continue;
      const toml::table original = coatkmc::parse_toml_file(e.path().string());
      EXPECT_EQ(toml::parse(coatkmc::write_toml(original)), original) << e.path();
      ++files;
    }
  }
  EXPECT_GE(files, 10);
}

}  // namespace
