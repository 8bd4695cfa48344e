#include "host/config/ConfigSections.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "kmc/core/Error.hpp"
#include "host/config/KeyCheck.hpp"
#include "host/config/TomlGuard.hpp"
#include "host/config/TomlOverride.hpp"

namespace coatkmc::config {

// The keys a configuration may hold; anything else is an error.
const std::set<std::string>& known_keys() {
  static const std::set<std::string> keys = {
      "lattice.type", "lattice.cells", "lattice.a", "lattice.cutoff",
      "lattice.c", "lattice.ordering", "lattice.transition_energy", "lattice.direct_hop_barrier",
      "lattice.file", "lattice.mobile", "lattice.split_distance", "lattice.occupancy_threshold",
      "lattice.cif_block", "lattice.site_map",
      "occupancy.fraction", "occupancy.vacancies", "occupancy.species", "occupancy.from_file",
      "hop.barrier", "hop.attempt_frequency", "hop.interaction", "hop.exchange",
      "run.temperature", "run.hops_per_particle", "run.time", "run.solver", "run.backend",
      "run.seed", "run.field", "run.blocks", "run.msd_samples", "run.replicas", "run.checkpoint",
      "run.equilibration_hops_per_particle", "run.slabs", "run.require_percolation",
      "run.trajectory_samples", "run.trajectory_format",
      "landscape.site_energy_sigma", "landscape.barrier_sigma", "landscape.seed",
      "microstructure.type", "microstructure.seed", "microstructure.blocked_fraction",
      "microstructure.blocked_sublattices", "microstructure.defect_fraction",
      "microstructure.defect_energy", "microstructure.grain_barrier",
      "microstructure.amorphous_barrier", "microstructure.amorphous_energy",
      "microstructure.site_energy_sigma", "microstructure.barrier_sigma",
      "microstructure.barrier_distribution", "microstructure.grain_size", "microstructure.boundary_width",
      "microstructure.boundary_barrier", "microstructure.boundary_energy",
      "microstructure.space_charge_energy", "microstructure.debye_length",
      "microstructure.glass_fraction", "microstructure.anneal_temperature",
      "microstructure.anneal_time", "microstructure.avrami_exponent",
      "microstructure.crystallization_rate", "microstructure.crystallization_energy",
      "microstructure.grain_growth_rate", "microstructure.grain_growth_energy",
      "microstructure.layers",
      "sublattice.acceptance_ceiling", "sublattice.attempts", "sublattice.class_rule",
      "environment.coefficients", "environment.kra_cutoff_A", "environment.kra_max_sites",
      "environment.site_cutoff_A", "environment.site_max_sites", "environment.immobile",
      "environment.kra_pair_cutoff_A", "environment.kra_triplet_cutoff_A",
      "environment.kra_quadruplet_cutoff_A", "environment.site_pair_cutoff_A",
      "environment.site_triplet_cutoff_A", "environment.site_quadruplet_cutoff_A"};
  return keys;
}

namespace {

// The tables of known_keys(), in documentation order.
const std::vector<std::string>& known_tables() {
  static const std::vector<std::string> tables = {"lattice",   "occupancy", "hop",
                                                   "run",       "landscape", "sublattice",
                                                   "microstructure", "environment"};
  return tables;
}

bool is_known_table(const std::string& name) {
  for (const auto& t : known_tables())
    if (t == name) return true;
  return false;
}

// "[lattice], [occupancy], ... and [run]".
std::string table_list() {
  const auto& t = known_tables();
  std::string s;
  for (size_t i = 0; i < t.size(); ++i)
    s += (i == 0 ? "" : i + 1 == t.size() ? " and " : ", ") + ("[" + t[i] + "]");
  return s;
}

// Edit distance (insertions, deletions, substitutions) between two keys.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// " (did you mean KEY?)" when a known key is only a typo away, else "".
std::string did_you_mean(const std::string& key) {
  std::string best;
  size_t best_distance = 3;  // suggest at most two edits away
  for (const auto& k : known_keys()) {
    const size_t d = edit_distance(key, k);
    if (d < best_distance) best_distance = d, best = k;
  }
  return best.empty() ? "" : " (did you mean " + best + "?)";
}

}  // namespace

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}


std::string line_of(const std::string& file, const toml::node& n) {
  const auto& src = n.source();
  if (src.begin.line == 0) return file;
  return file + ":" + std::to_string(src.begin.line);
}

// Records where every leaf key came from and rejects keys the schema lacks,
// through the one key check (KeyCheck.hpp): of several unknown keys the first
// in the file is reported, one given with --set before all of them.
void check_keys(const toml::table& root, LoadedConfig& cfg) {
  KeyCheck check;
  for (auto&& [tkey, tnode] : root) {
    const std::string table(tkey.str());
    if (!cfg.origin.count(table)) cfg.origin[table] = line_of(cfg.path, tnode);
    if (!is_known_table(table)) {
      check.unknown(table, tnode, cfg.where(table), " (the tables are " + table_list() + ")");
      continue;
    }
    auto t = tnode.as_table();
    if (!t) {
      check.problem(table, tnode, cfg.where(table), "expected a table [" + table + "]");
      continue;
    }
    for (auto&& [k, n] : *t) {
      const std::string key = table + "." + std::string(k.str());
      if (!cfg.origin.count(key)) cfg.origin[key] = line_of(cfg.path, n);
      if (!known_keys().count(key)) check.unknown(key, n, cfg.where(key), did_you_mean(key));
    }
  }
  check.throw_first();
}

void apply_override(toml::table& root, const std::string& assignment, LoadedConfig& cfg) {
  const TomlAssignment a = parse_assignment(assignment);  // the one --set rule (TomlOverride.hpp)
  const std::string& key = a.key;
  const std::string& where = a.where;
  // A run configuration's keys are table.key, each one it knows.
  const auto dot = key.find('.');
  if (dot == std::string::npos || key.find('.', dot + 1) != std::string::npos)
    throw InputError(where, key + ": expected a key of the form table.key");
  if (!known_keys().count(key))
    throw InputError(where, key + ": " + KeyCheck::unknown_text(false, did_you_mean(key)));
  toml::table* t = &apply_assignment(root, a);
  cfg.origin[key] = where;
  // --set overrides the file, also where the file gives the other of two keys
  // that exclude each other: --set run.time=1e-9 turns a run by hops into one
  // by time. Both given with --set remain a contradiction.
  static const std::map<std::string, std::string> exclusive = {
      {"run.time", "run.hops_per_particle"},
      {"run.hops_per_particle", "run.time"},
      {"occupancy.fraction", "occupancy.vacancies"},
      {"occupancy.vacancies", "occupancy.fraction"}};
  if (const auto other = exclusive.find(key); other != exclusive.end()) {
    const auto it = cfg.origin.find(other->second);
    const bool other_from_set = it != cfg.origin.end() && it->second.rfind("--set ", 0) == 0;
    if (!other_from_set) t->erase(other->second.substr(other->second.find('.') + 1));
  }
}

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// A dotted bare key ("a", "a.b", spaces around dots allowed) with the spaces removed, or "".
std::string bare_key(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')
      out += c;
    else if (c != ' ' && c != '\t')
      return "";
  }
  return out;
}

}  // namespace

// The key that line `line` (1-based) of a TOML text assigns, prefixed by the
// table opened above it: names the key of a syntax error. "" when the line
// assigns no bare key (a table header, a continuation line, a quoted key).
std::string key_on_line(const std::string& text, int line) {
  std::istringstream in(text);
  std::string l, table;
  for (int n = 1; std::getline(in, l); ++n) {
    const std::string t = trim(l);
    if (n == line) {
      if (t.empty() || t[0] == '[') return "";
      const auto eq = t.find('=');
      if (eq == std::string::npos) return "";
      const std::string key = bare_key(t.substr(0, eq));
      if (key.empty()) return "";
      return table.empty() ? key : table + "." + key;
    }
    if (t.size() > 2 && t[0] == '[' && t[1] != '[') {
      const auto close = t.find(']');
      table = close == std::string::npos ? "" : bare_key(t.substr(1, close - 1));
    }
  }
  return "";
}

}  // namespace coatkmc::config
