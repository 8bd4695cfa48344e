// `coatkmc clusters` (issue 16 item 1): list the generated orbits, fill the
// coefficients template, run with it. The run with orbit ids must be the run
// with the same clusters written out site by site, bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "CommandRunner.hpp"
#include "host/config/ConfigReader.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/model/EnvironmentPlacement.hpp"

using namespace coatkmc_test;
using nlohmann::json;

namespace {

// Li on the A sites of a cubic perovskite with La frozen on 30 % of them:
// E_KRA points (the 8 A sites beside the window, 4.33 A from its centre) and
// pairs (across the window, 3.87 A); site points and nearest A-A pairs.
const char* kConfig = R"([lattice]
type  = "perovskite"
a     = 3.87
cells = [4, 4, 4]

[occupancy]
fraction = 0.5

[run]
temperature       = 600
hops_per_particle = 3
msd_samples       = 6

[environment]
kra_cutoff_A      = 4.4
kra_pair_cutoff_A = 4.0
site_pair_cutoff_A = 4.0

[[environment.immobile]]
name       = "La"
sublattice = "A"
fraction   = 0.3
)";

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(EnvironmentClustersCli, ListFillTemplateRunMatchesExplicitClusters) {
  ScratchDir dir;
  write(dir / "model.toml", kConfig);
  // No environment.coefficients yet: the listing is where a fit starts.
  CommandResult r = run_coatkmc({"clusters", "model.toml", "--out", "list"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("E_KRA orbits: 1 point, 1 pair (5 decorations)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("site orbits:  1 point, 1 pair (5 decorations)"), std::string::npos)
      << r.out;
  const json list = json::parse(read_text(dir / "list/clusters.json"));
  EXPECT_EQ(list["occupants"], json::array({"Va", "ion", "La"}));
  ASSERT_EQ(list["hop_classes"].size(), 1u);
  EXPECT_EQ(list["hop_classes"][0]["symmetry_order"], 16);
  ASSERT_EQ(list["kra"].size(), 2u);
  EXPECT_EQ(list["kra"][0]["id"], "kra.h0.point0");
  EXPECT_EQ(list["kra"][0]["multiplicity"], 8);
  EXPECT_EQ(list["kra"][1]["id"], "kra.h0.pair0");
  EXPECT_EQ(list["kra"][1]["multiplicity"], 4);
  EXPECT_NEAR(list["kra"][1]["distances_A"][0].get<double>(), 3.87, 1e-12);
  EXPECT_EQ(list["kra"][1]["species_basis"],
            json::array({json::array({"ion", "La"}), json::array({"ion", "La"})}));
  EXPECT_EQ(list["kra"][1]["decorations"],
            json::array({json::array({"ion", "ion"}), json::array({"ion", "La"}),
                         json::array({"La", "La"})}));
  ASSERT_EQ(list["site"].size(), 2u);
  EXPECT_EQ(list["site"][1]["multiplicity"], 3);  // A-A pairs per cell
  const std::string csv = read_text(dir / "list/clusters.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "id,hop,order,multiplicity,max_distance_A,decorations,sites,species_basis");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);

  // Fill the template (every orbit and decoration, require_every_orbit on).
  json eci = json::parse(read_text(dir / "list/coefficients_template.json"));
  ASSERT_EQ(eci["require_every_orbit"], true);
  ASSERT_EQ(eci["kra"].size(), 5u);
  ASSERT_EQ(eci["site"].size(), 5u);
  double v = 0.01;
  for (const char* part : {"kra", "site"})
    for (json& e : eci[part]) e["eci_eV"] = (v += 0.013) * (part[0] == 'k' ? 1 : -0.5);
  write(dir / "eci.json", eci.dump(1));
  // The same model with every cluster written out: hop and sites from the list.
  json explicit_eci = {{"kra", json::array()}, {"site", json::array()}};
  for (const char* part : {"kra", "site"})
    for (const json& e : eci[part]) {
      for (const json& o : list[part])
        if (o["id"] == e["orbit"]) {
          json x = {{"sites", o["sites"]}, {"species", e["species"]}, {"eci_eV", e["eci_eV"]}};
          if (part[0] == 'k')
            x["hop"] = {list["hop_classes"][0]["from"], list["hop_classes"][0]["to"]};
          explicit_eci[part].push_back(x);
        }
    }
  write(dir / "explicit.json", explicit_eci.dump(1));

  const std::pair<const char*, const char*> runs[] = {{"eci.json", "by_id"},
                                                      {"explicit.json", "by_sites"},
                                                      {"list/coefficients_template.json", "zero"}};
  for (const auto& [file, out] : runs) {
    r = run_coatkmc(
        {"run", "model.toml", "--set", std::string("environment.coefficients=\"") + file + "\"",
         "--out", out, "--no-plots"},
        dir.path());
    ASSERT_EQ(r.status, 0) << file << ": " << r.err;
  }
  const std::string by_id = read_text(dir / "by_id/msd.csv");
  EXPECT_EQ(by_id, read_text(dir / "by_sites/msd.csv"));
  // The ECIs act: the all-zero template runs another trajectory.
  EXPECT_NE(by_id, read_text(dir / "zero/msd.csv"));

  // A coefficients file named but not written yet: listed with a note.
  write(dir / "named.toml", std::string(kConfig).replace(std::string(kConfig).find("kra_cutoff_A"),
                                                         0, "coefficients = \"fit/eci.json\"\n"));
  r = run_coatkmc({"clusters", "named.toml", "--out", "list2"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("does not exist yet (not read)"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(dir / "list2/clusters.json"), read_text(dir / "list/clusters.json"));
}

// `coatkmc structure` shows the immobile species where a run puts them
// (same lattice, spec and run.seed): La in the species column, blocked.
TEST(EnvironmentClustersCli, StructureSiteMapShowsTheRunsImmobileSpecies) {
  ScratchDir dir;
  write(dir / "none.json", "{}");
  std::string text = kConfig;
  text.insert(text.find("kra_cutoff_A"), "coefficients = \"none.json\"\n");
  write(dir / "model.toml", text);
  const CommandResult r = run_coatkmc({"structure", "model.toml", "--out", "s"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.err;
  // 4 A layers of 16 sites, round(0.3 * 16) = 5 La in each.
  EXPECT_NE(r.out.find("immobile La 20 sites"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("immobile Va"), std::string::npos) << r.out;  // code 0 is no species
  const coatkmc::LoadedConfig cfg = coatkmc::load_config(dir / "model.toml", {});
  const coatkmc::Lattice lattice(cfg.settings.lattice, cfg.settings.cells);
  const std::vector<uint8_t> fixed =
      coatkmc::place_immobile(lattice, cfg.settings.environment, cfg.settings.seed);
  std::istringstream xyz(read_text(dir / "s/site_map.xyz"));
  std::string line;
  std::getline(xyz, line);
  ASSERT_EQ(std::stoll(line), lattice.num_sites());
  std::getline(xyz, line);
  int la = 0;
  for (int64_t site = 0; site < lattice.num_sites(); ++site) {
    ASSERT_TRUE(std::getline(xyz, line));
    std::istringstream cols(line);
    std::string element, sublattice, phase;
    double x, y, z;
    int grain, blocked;
    cols >> element >> x >> y >> z >> sublattice >> phase >> grain >> blocked;
    const bool holds_la = fixed[site] != 0;
    EXPECT_EQ(element == "La", holds_la) << site << ": " << line;
    if (holds_la) {
      EXPECT_EQ(sublattice, "A");
      EXPECT_EQ(blocked, 1) << line;
      ++la;
    }
  }
  EXPECT_EQ(la, 20);
}

TEST(EnvironmentClustersCli, WithoutEnvironmentOrConfigExitsTwo) {
  ScratchDir dir;
  write(dir / "plain.toml", "[lattice]\ntype = \"sc\"\ncells = [4, 4, 4]\n");
  CommandResult r = run_coatkmc({"clusters", "plain.toml"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no [environment] table"), std::string::npos) << r.err;
  EXPECT_FALSE(file_exists(dir / "clusters-out/clusters.json"));
  r = run_coatkmc({"clusters"}, dir.path());
  EXPECT_EQ(r.status, 2);
  r = run_coatkmc({"clusters", "--help"}, dir.path());
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("coefficients_template.json"), std::string::npos);
}

}  // namespace
