// Site maps (issue 18 item 4, docs/structures.md "Site maps"): `coatkmc
// structure` writes DIR/site_map.txt for a structure file, and `run` given it
// through lattice.site_map skips the import. It must give exactly what
// importing gives (the same sites bit for bit, the same hops, the same
// results byte for byte), and be refused, exit 2 naming the key, whenever the
// file, an import key or the import rules have changed since it was written.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "CommandRunner.hpp"
#include "StructureChecks.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/structure/SiteMapFile.hpp"
#include "kmc/lattice/Lattice.hpp"

using namespace coatkmc;
using coatkmc_test::CommandResult;
using coatkmc_test::read_text;
using coatkmc_test::run_coatkmc;
using coatkmc_test::ScratchDir;

namespace {

const std::string kConfigs = std::string(COATKMC_SOURCE_DIR) + "/configs";

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Every field of every site, and the cell, bit for bit.
void expect_same_description(const LatticeDescription& a, const LatticeDescription& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.dimension, b.dimension);
  EXPECT_TRUE(same_bits(a.hop_cutoff, b.hop_cutoff)) << a.hop_cutoff << " " << b.hop_cutoff;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(same_bits(a.vectors[i].x, b.vectors[i].x)) << "vector " << i;
    EXPECT_TRUE(same_bits(a.vectors[i].y, b.vectors[i].y)) << "vector " << i;
    EXPECT_TRUE(same_bits(a.vectors[i].z, b.vectors[i].z)) << "vector " << i;
  }
  ASSERT_EQ(a.basis.size(), b.basis.size());
  for (size_t i = 0; i < a.basis.size(); ++i) {
    const BasisSite &p = a.basis[i], &q = b.basis[i];
    EXPECT_TRUE(same_bits(p.fractional.x, q.fractional.x) &&
                same_bits(p.fractional.y, q.fractional.y) &&
                same_bits(p.fractional.z, q.fractional.z))
        << "site " << i;
    EXPECT_EQ(p.sublattice, q.sublattice) << "site " << i;
    EXPECT_EQ(p.species, q.species) << "site " << i;
    EXPECT_EQ(p.mobile, q.mobile) << "site " << i;
    EXPECT_EQ(p.transition, q.transition) << "site " << i;
    EXPECT_TRUE(same_bits(p.energy, q.energy)) << "site " << i;
    EXPECT_TRUE(same_bits(p.occupancy, q.occupancy)) << "site " << i;
  }
}

// result.json without what says how and where a run went (provenance, wall
// time, speed) and without the one key that differs by design.
std::string physics_of(const std::string& result_json) {
  nlohmann::json r = nlohmann::json::parse(result_json);
  for (const char* key : {"provenance", "wall_time", "hops_per_second"}) r.erase(key);
  r["config"]["lattice"].erase("site_map");
  return r.dump(1);
}

// `structure` writes the map; `run` with and without it, and `structure`
// again from it: every result file the same byte for byte.
void expect_same_outputs_with_site_map(const ScratchDir& dir, const std::string& config,
                                       const std::vector<std::string>& sets) {
  auto with = [&](std::vector<std::string> args, bool map) {
    for (const std::string& s : sets) args.insert(args.end(), {"--set", s});
    if (map) args.insert(args.end(), {"--set", "lattice.site_map=\"st/site_map.txt\""});
    return args;
  };
  const CommandResult st = run_coatkmc(with({"structure", config, "--out", "st"}, false), dir.path());
  ASSERT_EQ(st.status, 0) << st.err;
  ASSERT_TRUE(coatkmc_test::file_exists(dir / "st/site_map.txt")) << st.out;
  const CommandResult a = run_coatkmc(with({"run", config, "--out", "a", "--no-plots"}, false), dir.path());
  ASSERT_EQ(a.status, 0) << a.err;
  const CommandResult b = run_coatkmc(with({"run", config, "--out", "b", "--no-plots"}, true), dir.path());
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.err.find("from this site map"), std::string::npos) << b.err;
  EXPECT_EQ(a.err.find("site map"), std::string::npos) << a.err;
  EXPECT_EQ(read_text(dir / "a/msd.csv"), read_text(dir / "b/msd.csv"));
  EXPECT_EQ(physics_of(read_text(dir / "a/result.json")),
            physics_of(read_text(dir / "b/result.json")));
  // The run used the key (not an unused one that happens to agree); the
  // resolved configuration names it by its absolute path (the --set gave it
  // relative to the working directory, dir).
  const auto config_b = nlohmann::json::parse(read_text(dir / "b/result.json"))["config"];
  EXPECT_EQ(config_b["lattice"]["site_map"], dir / "st/site_map.txt");
  // The supercell's site map (every site's position, hops' mean barrier) and
  // the other files of `structure`, written from the site map.
  const CommandResult st2 = run_coatkmc(with({"structure", config, "--out", "st2"}, true), dir.path());
  ASSERT_EQ(st2.status, 0) << st2.err;
  EXPECT_EQ(st.out.substr(0, st.out.find("written:")), st2.out.substr(0, st2.out.find("written:")));
  for (const char* f : {"site_map.xyz", "structure.cif", "POSCAR", "site_map.txt"})
    EXPECT_EQ(read_text(dir / (std::string("st/") + f)), read_text(dir / (std::string("st2/") + f)))
        << f;
}

// The configuration read plain and with the site map `structure` wrote into
// dir/st: the same description, bit for bit.
std::pair<LoadedConfig, LoadedConfig> load_both(const ScratchDir& dir, const std::string& config) {
  LoadedConfig plain = load_config(config, {});
  // (A path given with --set is relative to the working directory.)
  LoadedConfig mapped =
      load_config(config, {"lattice.site_map=\"" + dir / "st/site_map.txt" + "\""});
  expect_same_description(plain.settings.lattice, mapped.settings.lattice);
  return {std::move(plain), std::move(mapped)};
}

}  // namespace

// The shipped structure config (LiCoO2 from a CIF with symmetry operations).
TEST(SiteMap, ShippedStructureConfigGivesByteIdenticalResults) {
  ScratchDir dir;
  expect_same_outputs_with_site_map(dir, kConfigs + "/licoo2_from_cif.toml",
                                    {"run.hops_per_particle=10"});
  // The descriptions themselves, through the reader, bit for bit.
  const auto [plain, mapped] = load_both(dir, kConfigs + "/licoo2_from_cif.toml");
  EXPECT_EQ(mapped.structure_import.site_map, dir / "st/site_map.txt");
  EXPECT_TRUE(plain.structure_import.site_map.empty());
}

// Split positions merged into one site, file occupancies seeding the filling
// site by site (the garnet of test_structure_occupancy.cpp).
TEST(SiteMap, SplitSitesAndFileOccupanciesGiveByteIdenticalResults) {
  ScratchDir dir;
  std::ofstream(dir / "llzo.cif") << coatkmc_test::kGarnet;
  std::ofstream(dir / "llzo.toml") << "[lattice]\ntype = \"file\"\nfile = \"llzo.cif\"\n"
                                      "cells = [1, 1, 1]\n[occupancy]\nfrom_file = true\n"
                                      "[run]\nhops_per_particle = 5\nreplicas = 2\nslabs = 3\n";
  expect_same_outputs_with_site_map(dir, dir / "llzo.toml", {});
  EXPECT_EQ(read_text(dir / "a/profile.csv"), read_text(dir / "b/profile.csv"));
  const auto [plain, mapped] = load_both(dir, dir / "llzo.toml");
  // The merged split pairs carry their summed occupancy (0.44 + 0.44) into the map.
  int merged = 0;
  for (const BasisSite& b : mapped.settings.lattice.basis) merged += b.mobile && b.occupancy > 0.87;
  EXPECT_EQ(merged, 48);
  EXPECT_EQ(plain.settings.occupancy.basis_fraction, mapped.settings.occupancy.basis_fraction);
  // The same hops, site by site.
  const Lattice a(plain.settings.lattice, plain.settings.cells);
  const Lattice b(mapped.settings.lattice, mapped.settings.cells);
  ASSERT_EQ(a.num_sites(), b.num_sites());
  ASSERT_EQ(a.max_coordination(), b.max_coordination());
  for (int64_t s = 0; s < a.num_sites(); ++s)
    for (int k = 0; k < a.max_coordination(); ++k) ASSERT_EQ(a.neighbor(s, k), b.neighbor(s, k));
}

// A run that takes its sites from a site map checkpoints and restarts bit for
// bit: half the run, then `run --restart` (from another folder) to the full
// length, gives the whole run's msd.csv and result.json (and the whole run
// the same files, profile.csv too, as one that imports the structure file). The
// restart reads the checkpoint's configuration, so it takes the same map (and
// is refused like any run if the map went stale), not a fresh import.
TEST(SiteMap, RunFromASiteMapRestartsBitForBit) {
  ScratchDir dir;
  std::filesystem::create_directories(dir / "elsewhere");
  std::ofstream(dir / "llzo.cif") << coatkmc_test::kGarnet;
  const std::string body = "[lattice]\ntype = \"file\"\nfile = \"llzo.cif\"\ncells = [1, 1, 1]\n";
  const std::string run = "[occupancy]\nfrom_file = true\n"
                          "[run]\nreplicas = 2\nslabs = 3\nblocks = 2\nmsd_samples = 4\n";
  std::ofstream(dir / "plain.toml") << body << run;
  std::ofstream(dir / "mapped.toml") << body << "site_map = \"st/site_map.txt\"\n" << run;
  ASSERT_EQ(run_coatkmc({"structure", "plain.toml", "--out", "st"}, dir.path()).status, 0);
  auto run_to = [&](const std::string& config, const std::string& out, const std::string& hops) {
    return run_coatkmc({"run", config, "--out", out, "--no-plots", "--set",
                        "run.hops_per_particle=" + hops},
                       dir.path());
  };
  CommandResult r = run_to("mapped.toml", "whole", "12");
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(run_to("plain.toml", "imported", "12").status, 0);
  r = run_to("mapped.toml", "half", "6");
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(coatkmc_test::file_exists(dir / "half/checkpoint.ckpt"));
  r = run_coatkmc({"run", "--restart", dir / "half/checkpoint.ckpt", "--set",
                   "run.hops_per_particle=12", "--out", dir / "continued", "--no-plots"},
                  dir / "elsewhere");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("from this site map"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(dir / "whole/msd.csv"), read_text(dir / "continued/msd.csv"));
  // (A restarted run reports no profile: docs/checkpoints.md.)
  for (const char* f : {"msd.csv", "profile.csv"})
    EXPECT_EQ(read_text(dir / (std::string("whole/") + f)),
              read_text(dir / (std::string("imported/") + f)))
        << f;
  auto json_of = [&](const std::string& out) {
    nlohmann::json j = nlohmann::json::parse(read_text(dir / (out + "/result.json")));
    for (const char* key : {"provenance", "wall_time", "hops_per_second"}) j.erase(key);
    return j;
  };
  const nlohmann::json whole = json_of("whole"), continued = json_of("continued");
  EXPECT_EQ(whole.dump(1), continued.dump(1));
  EXPECT_EQ(continued["config"]["lattice"]["site_map"], dir / "st/site_map.txt");
  EXPECT_EQ(physics_of(read_text(dir / "whole/result.json")),
            physics_of(read_text(dir / "imported/result.json")));
  // The halves differ from the whole (the comparison can fail): fewer hops.
  EXPECT_LT(json_of("half")["hops"].get<uint64_t>(), whole["hops"].get<uint64_t>());

  // A map gone stale since the checkpoint: the restart is refused at the key.
  std::ofstream(dir / "llzo.cif", std::ios::app) << "# edited\n";
  r = run_coatkmc({"run", "--restart", dir / "half/checkpoint.ckpt", "--set",
                   "run.hops_per_particle=12", "--out", dir / "stale", "--no-plots"},
                  dir / "elsewhere");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("lattice.site_map: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the SHA-256 of '" + dir / "llzo.cif" + "'"), std::string::npos) << r.err;
  EXPECT_FALSE(coatkmc_test::file_exists(dir / "stale/result.json"));
}

// A map written for other input is refused, exit 2 at the key's line, naming what differs.
TEST(SiteMap, StaleMapsAreRefusedNamingWhatDiffers) {
  ScratchDir dir;
  std::ofstream(dir / "llzo.cif") << coatkmc_test::kGarnet;
  std::ofstream(dir / "c.toml") << "[lattice]\ntype = \"file\"\nfile = \"llzo.cif\"\n"
                                   "cells = [1, 1, 1]\nsite_map = \"st/site_map.txt\"\n"
                                   "[run]\nhops_per_particle = 1\n";
  // No map yet: the key names a missing file.
  CommandResult r = run_coatkmc({"run", "c.toml", "--out", "o"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("c.toml:5: lattice.site_map: no such file"), std::string::npos) << r.err;
  ASSERT_EQ(run_coatkmc({"structure", "c.toml", "--out", "st", "--set", "lattice.site_map=\"\""},
                        dir.path())
                .status,
            2);  // an empty path is an error too
  std::ofstream(dir / "s.toml") << "[lattice]\ntype = \"file\"\nfile = \"llzo.cif\"\n"
                                   "cells = [1, 1, 1]\n";
  ASSERT_EQ(run_coatkmc({"structure", "s.toml", "--out", "st"}, dir.path()).status, 0);
  ASSERT_EQ(run_coatkmc({"run", "c.toml", "--out", "ok"}, dir.path()).status, 0);

  auto refused = [&](const std::vector<std::string>& sets, const std::string& says) {
    std::vector<std::string> args{"run", "c.toml", "--out", "o"};
    for (const std::string& s : sets) args.insert(args.end(), {"--set", s});
    const CommandResult res = run_coatkmc(args, dir.path());
    EXPECT_EQ(res.status, 2) << says;
    EXPECT_NE(res.err.find("c.toml:5: lattice.site_map: "), std::string::npos) << res.err;
    EXPECT_NE(res.err.find(says), std::string::npos) << res.err;
    EXPECT_FALSE(coatkmc_test::file_exists(dir / "o/result.json"));
  };
  refused({"lattice.split_distance=0.5"}, "lattice.split_distance 1.5 there, 0.5 here");
  refused({"lattice.occupancy_threshold=0.6"}, "lattice.occupancy_threshold 0.25 there, 0.6 here");
  refused({"lattice.mobile=[\"Li\", \"La\"]"}, "lattice.mobile [\"Li\"] there, [\"Li\", \"La\"] here");
  refused({"lattice.cif_block=\"LLZO\""}, "lattice.cif_block \"\" there, \"LLZO\" here");
  // The cutoff is not an import key: the sites do not depend on it.
  EXPECT_EQ(run_coatkmc({"run", "c.toml", "--out", "cut", "--set", "lattice.cutoff=3.0"}, dir.path())
                .status,
            0);

  // The structure file changed (one comment line more): its SHA-256 differs.
  const std::string map = read_text(dir / "st/site_map.txt");
  std::ofstream(dir / "llzo.cif", std::ios::app) << "# edited\n";
  refused({}, "the SHA-256 of 'llzo.cif'");
  std::ofstream(dir / "llzo.cif") << coatkmc_test::kGarnet;  // as it was: accepted again
  ASSERT_EQ(run_coatkmc({"run", "c.toml", "--out", "ok2"}, dir.path()).status, 0);

  // Other import rules, another format, a cut or foreign file.
  auto write_map = [&](const std::string& text) { std::ofstream(dir / "st/site_map.txt") << text; };
  std::string other = map;
  other.replace(other.find("import_rules 1"), 14, "import_rules 0");
  write_map(other);
  refused({}, "import rules 0 there, 1 in this coatkmc");
  write_map("coatkmc site map 2\n" + map.substr(map.find('\n') + 1));
  refused({}, "line 1: format 2 is not the format 1");
  write_map(map.substr(0, map.rfind("end")));
  refused({}, "expected 'end' after the");
  write_map(map.substr(0, map.find("\"Li1\"")));
  refused({}, "sublattice: expected a quoted string");
  write_map(read_text(dir / "st/site_map.xyz"));
  refused({}, "not a site map written by coatkmc structure");
  std::string bad = map;
  bad.replace(bad.find("occupancy_threshold 0.25"), 24, "occupancy_threshold 0.25x");
  write_map(bad);
  refused({}, "occupancy_threshold: expected a finite number");
}

// The text round-trips every double bit for bit and any string byte for byte.
TEST(SiteMap, TextRoundTripsEveryNumberAndString) {
  StructureImport import;
  import.source_file = "dir with space/\"odd\".cif";
  import.source_text = std::make_shared<const std::string>("data_x\n");
  import.options.mobile_species = {"Li", "Na"};
  import.options.split_distance = 0.1 + 0.2;
  import.options.occupancy_threshold = 1.0 / 3.0;
  import.options.cif_block = "block\\1";
  import.notes = {"a note with \"quotes\", a tab\tand a newline\n", "Å ü"};
  import.cutoff_chosen = true;
  import.default_cutoff = std::nextafter(2.816, 3.0);
  import.cutoff_explanation = "why";
  LatticeDescription d;
  d.name = "file";
  d.vectors[0] = {5.1, 0, 0};
  d.vectors[1] = {-2.55, 4.416729559300637, 0};
  d.vectors[2] = {1e-300, std::numeric_limits<double>::denorm_min(), 14.05};
  const double xs[] = {0.0, 1.0 / 3.0, 2.0 / 3.0, 0.1 + 0.7, std::nextafter(1.0, 0.0), 5e-324};
  for (int i = 0; i < 6; ++i) {
    BasisSite b;
    b.fractional = {xs[i], xs[(i + 1) % 6], xs[(i + 2) % 6]};
    b.sublattice = i % 2 ? "Li 2" : "";
    b.species = i % 3 ? "Li" : "\x01\x7f";
    b.mobile = i % 2;
    b.transition = i == 3;
    b.energy = -0.1 * i;
    b.occupancy = 0.44 + 0.44;
    d.basis.push_back(b);
  }
  const StructureSiteMap m = parse_site_map(site_map_text(import, d, "test"));
  EXPECT_EQ(m.written_by, "test");
  EXPECT_EQ(m.source_file, import.source_file);
  EXPECT_EQ(m.notes, import.notes);
  EXPECT_EQ(m.options.mobile_species, import.options.mobile_species);
  EXPECT_TRUE(same_bits(m.options.split_distance, import.options.split_distance));
  EXPECT_TRUE(same_bits(m.options.occupancy_threshold, import.options.occupancy_threshold));
  EXPECT_EQ(m.options.cif_block, import.options.cif_block);
  EXPECT_TRUE(m.cutoff_chosen);
  EXPECT_TRUE(same_bits(m.default_cutoff, import.default_cutoff));
  EXPECT_EQ(m.cutoff_explanation, "why");
  expect_same_description(d, m.lattice);
  EXPECT_TRUE(site_map_differences(m, import).empty());
  StructureImport changed = import;
  changed.source_text = std::make_shared<const std::string>("data_y\n");
  changed.options.split_distance = 0.3;  // not 0.1 + 0.2: a difference of one ulp counts
  EXPECT_EQ(site_map_differences(m, changed).size(), 2u);
}
