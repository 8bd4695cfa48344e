#include "host/config/ConfigReader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/config/ConfigSections.hpp"
#include "host/config/TomlGuard.hpp"
#include "host/config/TomlWriter.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

using namespace config;

namespace {

constexpr std::size_t kMaxConfigBytes = 4 << 20;

}  // namespace

std::string LoadedConfig::where(const std::string& key) const {
  auto it = origin.find(key);
  if (it != origin.end()) return it->second;
  const auto dot = key.find('.');
  if (dot != std::string::npos) {
    it = origin.find(key.substr(0, dot));
    if (it != origin.end()) return it->second;
  }
  return path;
}

namespace config {
Validator run_config_reader(toml::table& root, LoadedConfig& cfg) {
  // check_keys (ConfigSchema.cpp) recorded where every key and table came
  // from, --set first: errors are reported there.
  return TomlTableReader::resolving(root, cfg.path, &cfg.origin);
}
}  // namespace config

LoadedConfig load_config(const std::string& path, const std::vector<std::string>& overrides,
                         ConfigUse use) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path, "is a directory, not a configuration file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the configuration file");
  std::string text;
  {
    // In chunks, stopping just past the limit: a huge file is never loaded
    // whole, and a small one costs no 4 MiB buffer.
    char chunk[1 << 16];
    while (text.size() <= kMaxConfigBytes &&
           (in.read(chunk, sizeof chunk), in.gcount() > 0))
      text.append(chunk, static_cast<size_t>(in.gcount()));
    if (in.bad()) throw InputError(path, "cannot read the configuration file");
  }
  if (text.size() > kMaxConfigBytes) throw InputError(path, "configuration file larger than 4 MiB");
  return load_config_text(text, path, overrides, use);
}

LoadedConfig load_config_text(const std::string& text, const std::string& path,
                              const std::vector<std::string>& overrides, ConfigUse use) {
  LoadedConfig cfg;
  cfg.path = path;
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    const auto line = 1 + std::count(text.begin(), text.begin() + nul, '\n');
    throw InputError(path + ":" + std::to_string(line),
                     "not a text file (NUL byte): is this really a TOML configuration?");
  }

  // A zero-byte copy or a blank file would otherwise run every default.
  if (text.find_first_not_of(" \t\r\n\f\v") == std::string::npos)
    throw InputError(path, std::string("the configuration is empty (") +
                               (text.empty() ? "zero bytes" : "only whitespace") +
                               "): it names no lattice, so there is nothing to run");
  if (const TomlHazard h = find_toml_hazard(text); h.line)
    throw InputError(path + ":" + std::to_string(h.line), "TOML syntax: " + h.what);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const int line = static_cast<int>(e.source().begin.line);
    const std::string where = line ? path + ":" + std::to_string(line) : path;
    const std::string key = line ? key_on_line(text, line) : "";
    throw InputError(where, (key.empty() ? "" : key + ": ") + "TOML syntax: " +
                                std::string(e.description()));
  }
  for (const std::string& o : overrides) apply_override(root, o, cfg);
  check_keys(root, cfg);
  // Asked after the other checks (their problems name their own keys), but
  // before the readers fill in the defaults of [lattice].
  const bool names_lattice = root.contains("lattice");

  Validator v = run_config_reader(root, cfg);
  SimulationSettings& s = cfg.settings;

  // [lattice]
  s.lattice = read_lattice(v, cfg);
  read_cells(v, s);
  report_hop_network(v, cfg, s);
  read_occupancy(v, s);
  read_hop_and_run(v, s);
  read_landscape_and_sublattice(v, s);
  read_microstructure(v, cfg, s);
  if (s.solver == "walkers" && s.hop.interaction != 0)
    v.fail("hop.interaction", "walkers do not see each other, so they take no interaction "
                              "(use run.solver = \"bkl\" or \"sublattice\")");

  // Contradictions between keys.
  const int64_t mobile_basis = s.lattice.host_basis_count();
  const int64_t mobile = int64_t(s.cells[0]) * s.cells[1] * s.cells[2] * mobile_basis;
  read_species(v, s, mobile);
  if (s.species.active() && s.solver == "walkers")
    v.fail("occupancy.species", "walkers do not see each other, so they take no species "
                                "(use run.solver = \"bkl\" or \"sublattice\")");
  check_ion_counts(v, s, mobile);
  read_environment(v, cfg, s, use == ConfigUse::ListClusters);
  check_sublattice_class_rule(v, s);
  if (const std::string w = sublattice_collective_warning(s); !w.empty()) cfg.warnings.push_back(w);

  if (!names_lattice)
    throw InputError(path, "lattice: the configuration names no lattice (add a [lattice] table: "
                           "type = \"sc\" and cells, or type = \"file\" and file)");

  std::ostringstream json_text;
  json_text << toml::json_formatter{root};
  cfg.resolved_toml = write_toml(root);
  cfg.resolved_json = json_text.str();
  return cfg;
}

}  // namespace coatkmc

