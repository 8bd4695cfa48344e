#pragma once
#include <map>
#include <string>
#include <vector>

#include "host/structure/SiteMapFile.hpp"
#include "kmc/lattice/HopNetwork.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

// A configuration after parsing, --set overrides, validation and defaults.
struct LoadedConfig {
  std::string path;                   // the file as named on the command line
  SimulationSettings settings;        // what the engine runs
  std::string resolved_toml;          // every key, defaults filled in
  std::string resolved_json;          // the same as JSON, for result.json
  std::string lattice_type;
  std::map<std::string, std::string> origin;  // key -> "FILE:LINE" or "--set KEY=VALUE"
  // What reading a structure file decided on the file's behalf (origin
  // choice, data block, hop cutoff, ...): commands print each as a note.
  std::vector<std::string> notes;
  // What may make the run meaningless without being an error (a hop network
  // with no spanning cluster): commands print each as a warning.
  std::vector<std::string> warnings;
  // How the lattice's hop network hangs together (dimensionality, largest
  // cluster): written into result.json and printed by `structure`.
  HopNetwork hop_network;
  // lattice.type = "file": what the structure was imported from and with
  // (`structure` writes it into its site map); source_text null otherwise.
  StructureImport structure_import;

  // Where a key came from, for error messages about it.
  std::string where(const std::string& key) const;
};

// The keys that name a file (lattice.file, lattice.site_map,
// environment.coefficients). A configuration file's relative path starts
// from the file's folder, a --set one from the working directory; the
// resolved configuration holds the absolute path (host/config/ConfigPaths.cpp).
const std::vector<std::string>& path_valued_keys();

// What the configuration is loaded for. ListClusters (`coatkmc clusters`):
// environment.coefficients may be left out or name a file not written yet
// (the listing is what the fit starts from).
enum class ConfigUse { Run, ListClusters };

// Reads, overrides (each "KEY=VALUE", the value in TOML) and validates a
// configuration. Every problem throws InputError naming file, line and key.
LoadedConfig load_config(const std::string& path, const std::vector<std::string>& overrides,
                         ConfigUse use = ConfigUse::Run);

// The same for configuration text already in memory; `path` names it in
// errors and is the folder that relative paths in it start from.
LoadedConfig load_config_text(const std::string& text, const std::string& path,
                              const std::vector<std::string>& overrides,
                              ConfigUse use = ConfigUse::Run);

}  // namespace coatkmc
