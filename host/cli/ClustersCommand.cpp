#include "host/cli/ClustersCommand.hpp"

#include <cstdio>
#include <map>

#include "host/cli/ConfigFolderCommand.hpp"
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
  const std::optional<ConfigFolderRequest> q = read_config_folder_command(
      {"clusters",
       "Generates the cluster orbits of CONFIG's [environment] cutoffs (E_KRA clusters around "
       "each class of hops, site-energy clusters) and writes DIR/clusters.json (id, order, "
       "sites, distances, multiplicity, species basis, decorations), DIR/clusters.csv and "
       "DIR/coefficients_template.json (one zero ECI per orbit and decoration, to fit). "
       "environment.coefficients may be left out or not exist yet.",
       "clusters-out", ConfigUse::ListClusters},
      in);
  if (!q) return 0;
  const std::string& config = q->config;
  const std::string& out = q->out;
  const LoadedConfig& cfg = q->cfg;
  const SimulationSettings& s = cfg.settings;
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
