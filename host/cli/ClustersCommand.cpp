#include "host/cli/ClustersCommand.hpp"

#include <cstdio>
#include <iostream>
#include <map>

#include "host/cli/CommandLine.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/ClusterListWriter.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/model/EnvironmentOrbits.hpp"

namespace coatkmc {

namespace {

// "3 points, 5 pairs, 1 triplet" (orders present only).
std::string counts_text(const std::vector<GeneratedOrbit>& list) {
  std::map<size_t, int> n;
  for (const GeneratedOrbit& o : list) ++n[o.sites.size()];
  std::string s;
  for (const auto& [order, count] : n)
    s += (s.empty() ? "" : ", ") + std::to_string(count) + " " +
         cluster_order_name(static_cast<int>(order)) + (count == 1 ? "" : "s");
  return s.empty() ? "none" : s;
}

int decorations(const std::vector<GeneratedOrbit>& list) {
  int n = 0;
  for (const GeneratedOrbit& o : list) n += static_cast<int>(o.decorations.size());
  return n;
}

}  // namespace

int clusters_command(const std::vector<std::string>& in) {
  std::vector<std::string> overrides;
  const std::vector<std::string> args = take_option_values(in, {{"--set", &overrides}}, "KEY=VALUE");
  cxxopts::Options opts(
      "coatkmc clusters",
      "Generates the cluster orbits of CONFIG's [environment] cutoffs (E_KRA clusters around "
      "each class of hops, site-energy clusters) and writes DIR/clusters.json (id, order, "
      "sites, distances, multiplicity, species basis, decorations), DIR/clusters.csv and "
      "DIR/coefficients_template.json (one zero ECI per orbit and decoration, to fit). "
      "environment.coefficients may be left out or not exist yet.");
  opts.custom_help("CONFIG.toml [--out DIR] [--set KEY=VALUE]...");
  opts.positional_help("");
  opts.add_options()
      ("config", "configuration file", cxxopts::value<std::string>())
      ("out", "output folder", cxxopts::value<std::string>()->default_value("clusters-out"))
      ("set", "override a key: KEY=VALUE, the value in TOML (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  opts.parse_positional({"config"});
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc clusters", args);
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  if (!res.unmatched().empty())
    throw InputError(res.unmatched().front(), "one configuration file only");
  if (!res.count("config"))
    throw InputError("command line", "clusters: no configuration file given");
  const std::string config = res["config"].as<std::string>();
  const std::string out = res["out"].as<std::string>();
  if (out.empty()) throw InputError("--out", "the output folder name is empty");
  const LoadedConfig cfg = load_config(config, overrides, ConfigUse::ListClusters);
  const SimulationSettings& s = cfg.settings;
  for (const std::string& note : cfg.notes) std::cerr << "coatkmc: note: " << note << "\n";
  for (const std::string& w : cfg.warnings) std::cerr << "coatkmc: warning: " << w << "\n";
  if (!s.environment.active)
    throw InputError(config, "environment: the configuration has no [environment] table, so there "
                             "are no clusters to list (docs/environment.md)");
  GeneratedOrbits orbits;
  try {
    orbits = generate_orbits(s.lattice, s.environment);
  } catch (const EnvironmentError& e) {
    throw InputError(cfg.where(e.key()), e.key() + ": " + e.what());
  }
  const std::string json = cluster_list_json(orbits, s.lattice, s.environment);
  const std::string csv = cluster_list_csv(orbits, s.lattice);
  const std::string coefficients = coefficients_template_json(orbits);
  make_directories(out);
  write_file_atomically(out + "/clusters.json", json);
  write_file_atomically(out + "/clusters.csv", csv);
  write_file_atomically(out + "/coefficients_template.json", coefficients);

  std::printf("coatkmc clusters: %s, occupants", cfg.lattice_type.c_str());
  for (const std::string& n : orbits.codes.names) std::printf(" %s", n.c_str());
  std::printf(" (Va the reference)\n");
  std::printf("  hop classes %zu\n", orbits.hops.size());
  std::printf("  E_KRA orbits: %s (%d decorations)\n", counts_text(orbits.kra).c_str(),
              decorations(orbits.kra));
  std::printf("  site orbits:  %s (%d decorations)\n", counts_text(orbits.site).c_str(),
              decorations(orbits.site));
  std::printf("  written: %s/clusters.json, %s/clusters.csv, %s/coefficients_template.json\n",
              out.c_str(), out.c_str(), out.c_str());
  return 0;
}

}  // namespace coatkmc
