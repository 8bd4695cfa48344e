#include "host/config/ConfigReader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "kmc/simulation/GeometryCheck.hpp"
#include "host/config/TomlGuard.hpp"
#include "host/config/TomlWriter.hpp"
#include "kernels/SpeciesEnergy.hpp"
#include "kmc/core/Error.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/lattice/HopNetwork.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/solvers/SolverFactory.hpp"

namespace coatkmc {

namespace {

constexpr std::size_t kMaxConfigBytes = 4 << 20;

// The keys a configuration may hold; anything else is an error.
const std::set<std::string>& known_keys() {
  static const std::set<std::string> keys = {
      "lattice.type", "lattice.cells", "lattice.a", "lattice.cutoff",
      "lattice.c", "lattice.ordering", "lattice.transition_energy", "lattice.direct_hop_barrier",
      "lattice.file", "lattice.mobile",
      "occupancy.fraction", "occupancy.vacancies", "occupancy.species",
      "hop.barrier", "hop.attempt_frequency", "hop.interaction", "hop.exchange",
      "run.temperature", "run.hops_per_particle", "run.time", "run.solver", "run.backend",
      "run.seed", "run.field", "run.blocks", "run.msd_samples", "run.replicas",
      "run.equilibration_hops_per_particle", "run.slabs",
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
      "sublattice.acceptance_ceiling", "sublattice.attempts"};
  return keys;
}

// The tables of known_keys(), in documentation order.
const std::vector<std::string>& known_tables() {
  static const std::vector<std::string> tables = {"lattice",   "occupancy", "hop",
                                                   "run",       "landscape", "sublattice",
                                                   "microstructure"};
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

// "unknown key", with the closest known key when it is only a typo away.
std::string unknown_key(const std::string& key) {
  std::string best;
  size_t best_distance = 3;  // suggest at most two edits away
  for (const auto& k : known_keys()) {
    const size_t d = edit_distance(key, k);
    if (d < best_distance) best_distance = d, best = k;
  }
  return best.empty() ? "unknown key" : "unknown key (did you mean " + best + "?)";
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

class Validator {
 public:
  Validator(toml::table& root, LoadedConfig& cfg) : root_(root), cfg_(cfg) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(cfg_.where(key), key + ": " + what);
  }

  toml::node* find(const std::string& key) const { return root_.at_path(key).node(); }
  bool has(const std::string& key) const { return find(key) != nullptr; }

  double number(const std::string& key, double fallback, double lo, double hi, bool lo_open = false) {
    toml::node* n = find(key);
    if (!n) {
      set(key, fallback);
      return fallback;
    }
    double v;
    if (auto i = n->as_integer()) v = static_cast<double>(i->get());
    else if (auto f = n->as_floating_point()) v = f->get();
    else fail(key, "expected a number");
    if (!std::isfinite(v)) fail(key, "must be finite");
    if (v < lo || (lo_open && v == lo) || v > hi) {
      std::ostringstream os;
      os << "value " << v << " out of range (must be " << (lo_open ? "> " : ">= ") << lo;
      if (std::isfinite(hi)) os << " and <= " << hi;
      os << ")";
      fail(key, os.str());
    }
    return v;
  }

  int64_t integer(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
    toml::node* n = find(key);
    if (!n) {
      set(key, fallback);
      return fallback;
    }
    auto i = n->as_integer();
    if (!i) fail(key, "expected an integer");
    const int64_t v = i->get();
    if (v < lo || v > hi)
      fail(key, "value " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "]");
    return v;
  }

  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed) {
    toml::node* n = find(key);
    if (!n) {
      set(key, fallback);
      return fallback;
    }
    auto s = n->as_string();
    if (!s) fail(key, "expected a string, one of: " + join(allowed));
    for (const auto& a : allowed)
      if (s->get() == a) return a;
    fail(key, "'" + s->get() + "' is not one of: " + join(allowed));
  }

  std::vector<double> number_array(const std::string& key, std::vector<double> fallback,
                                   size_t min_len, size_t max_len) {
    toml::node* n = find(key);
    if (!n) {
      toml::array a;
      for (double x : fallback) a.push_back(x);
      set(key, std::move(a));
      return fallback;
    }
    auto a = n->as_array();
    if (!a) fail(key, "expected an array of numbers");
    if (a->size() < min_len || a->size() > max_len)
      fail(key, "expected " + std::to_string(min_len) +
                    (min_len == max_len ? "" : " to " + std::to_string(max_len)) + " numbers, got " +
                    std::to_string(a->size()));
    std::vector<double> out;
    for (auto& e : *a) {
      double v;
      if (auto i = e.as_integer()) v = static_cast<double>(i->get());
      else if (auto f = e.as_floating_point()) v = f->get();
      else fail(key, "expected an array of numbers");
      if (!std::isfinite(v)) fail(key, "must be finite");
      out.push_back(v);
    }
    return out;
  }

  template <class T>
  void set(const std::string& key, T&& value) {
    const auto dot = key.find('.');
    const std::string table = key.substr(0, dot), leaf = key.substr(dot + 1);
    if (!root_.contains(table)) root_.insert(table, toml::table{});
    root_[table].as_table()->insert_or_assign(leaf, std::forward<T>(value));
  }

 private:
  toml::table& root_;
  LoadedConfig& cfg_;
};

std::string line_of(const std::string& file, const toml::node& n) {
  const auto& src = n.source();
  if (src.begin.line == 0) return file;
  return file + ":" + std::to_string(src.begin.line);
}

// Records where every leaf key came from and rejects keys the schema lacks.
// Of several unknown keys the first in the file is reported (the table is
// ordered by name, not by line); one given with --set comes before all of them.
void check_keys(const toml::table& root, LoadedConfig& cfg) {
  struct Problem {
    uint32_t line;
    std::string where, what;
  };
  std::optional<Problem> first;
  auto report = [&](const toml::node& n, const std::string& key, const std::string& what) {
    const bool from_set = cfg.where(key).rfind("--set ", 0) == 0;
    const uint32_t line = from_set ? 0 : n.source().begin.line;
    if (!first || line < first->line) first = Problem{line, cfg.where(key), key + ": " + what};
  };
  for (auto&& [tkey, tnode] : root) {
    const std::string table(tkey.str());
    if (!cfg.origin.count(table)) cfg.origin[table] = line_of(cfg.path, tnode);
    if (!is_known_table(table)) {
      report(tnode, table,
             std::string("unknown ") + (tnode.is_table() ? "table" : "key") +
                 " (the tables are " + table_list() + ")");
      continue;
    }
    auto t = tnode.as_table();
    if (!t) {
      report(tnode, table, "expected a table [" + table + "]");
      continue;
    }
    for (auto&& [k, n] : *t) {
      const std::string key = table + "." + std::string(k.str());
      if (!cfg.origin.count(key)) cfg.origin[key] = line_of(cfg.path, n);
      if (!known_keys().count(key)) report(n, key, unknown_key(key));
    }
  }
  if (first) throw InputError(first->where, first->what);
}

void apply_override(toml::table& root, const std::string& assignment, LoadedConfig& cfg) {
  const std::string where = "--set " + assignment;
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) throw InputError(where, "expected KEY=VALUE");
  const std::string key = assignment.substr(0, eq);
  const auto dot = key.find('.');
  if (dot == std::string::npos || key.find('.', dot + 1) != std::string::npos)
    throw InputError(where, key + ": expected a key of the form table.key");
  if (!known_keys().count(key)) throw InputError(where, key + ": " + unknown_key(key));
  const std::string value = assignment.substr(eq + 1);
  if (value.find_first_of("\n\r") != std::string::npos)
    throw InputError(where, key + ": the value must be on one line");
  if (const TomlHazard h = find_toml_hazard("value = " + value); h.line)
    throw InputError(where, key + ": value is not valid TOML (" + h.what + ")");
  toml::table parsed;
  try {
    parsed = toml::parse("value = " + value);
  } catch (const toml::parse_error& e) {
    throw InputError(where, key + ": value is not valid TOML (" + std::string(e.description()) + ")");
  }
  // "1 # x" is fine; "1\n[run]..." cannot reach here, but keep the check cheap and total.
  if (parsed.size() != 1 || !parsed.get("value"))
    throw InputError(where, key + ": expected a single TOML value");
  const std::string table = key.substr(0, dot), leaf = key.substr(dot + 1);
  if (!root.contains(table)) root.insert(table, toml::table{});
  auto t = root[table].as_table();
  if (!t) throw InputError(where, table + ": expected a table [" + table + "]");
  t->insert_or_assign(leaf, std::move(*parsed.get("value")));
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

// Which key a geometry problem belongs to: the cells when they are given, else
// the cutoff when it is given; a cutoff problem to the cutoff, else the type.
std::string geometry_key(const GeometryProblem& p, const Validator& v) {
  if (p.cause == GeometryProblem::Cause::Cells) {
    if (!v.has("lattice.cells") && v.has("lattice.cutoff")) return "lattice.cutoff";
    return "lattice.cells";
  }
  return v.has("lattice.cutoff") ? "lattice.cutoff" : "lattice.type";
}

// The lattice of [lattice]: a textbook lattice, a built-in oxide
// (docs/structures.md) or a structure file; keys that do not apply to the
// chosen type are errors rather than silently ignored.
bool type_is_file(const LoadedConfig& cfg) { return cfg.lattice_type == "file"; }

LatticeDescription read_lattice(Validator& v, LoadedConfig& cfg) {
  std::vector<std::string> types = textbook_lattice_names();
  for (const auto& t : oxide_lattice_names()) types.push_back(t);
  types.push_back("file");
  const std::string type = v.choice("lattice.type", "sc", types);
  cfg.lattice_type = type;
  const bool oxide = std::find(oxide_lattice_names().begin(), oxide_lattice_names().end(), type) !=
                     oxide_lattice_names().end();
  auto only_for = [&](const std::string& key, bool applies, const std::string& which) {
    if (v.has(key) && !applies) v.fail(key, "applies only to " + which + ", not to '" + type + "'");
  };
  only_for("lattice.c", type == "layered", "lattice.type = \"layered\"");
  only_for("lattice.ordering", type == "perovskite" || type == "rocksalt",
           "the perovskite and rocksalt lattices");
  only_for("lattice.transition_energy", type == "spinel" || type == "rocksalt" || type == "layered",
           "lattices with transition sites (spinel, rocksalt, layered)");
  only_for("lattice.direct_hop_barrier", type == "rocksalt" || type == "layered",
           "the rocksalt and layered lattices");
  only_for("lattice.file", type == "file", "lattice.type = \"file\"");
  only_for("lattice.mobile", type == "file", "lattice.type = \"file\"");
  only_for("lattice.a", type != "file", "built-in lattices (a structure file sets its own cell)");

  LatticeDescription d;
  if (type == "file") {
    toml::node* n = v.find("lattice.file");
    if (!n) v.fail("lattice.type", "\"file\" needs lattice.file, the CIF or POSCAR to read");
    auto str = n->as_string();
    if (!str || str->get().empty()) v.fail("lattice.file", "expected the path of a CIF or POSCAR file");
    std::filesystem::path file(str->get());
    // A path in the file is relative to the configuration's folder; one given
    // with --set to the working directory, like any command-line path.
    const bool from_set = cfg.where("lattice.file").rfind("--set ", 0) == 0;
    if (file.is_relative() && !from_set)
      file = std::filesystem::path(cfg.path).parent_path() / file;
    StructureImportOptions options;
    options.notes = &cfg.notes;
    if (toml::node* m = v.find("lattice.mobile")) {
      auto arr = m->as_array();
      if (!arr || arr->empty() || !arr->is_homogeneous(toml::node_type::string))
        v.fail("lattice.mobile", "expected an array of element symbols, e.g. [\"Li\"]");
      options.mobile_species.clear();
      for (auto& e : *arr) options.mobile_species.push_back(e.as_string()->get());
    } else {
      toml::array def;
      def.push_back("Li");
      v.set("lattice.mobile", std::move(def));
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      v.fail("lattice.file", "no such file '" + file.string() + "'");
    d = read_structure_file(file.string(), options);
    if (d.host_basis_count() == 0) {
      std::string names;
      for (const auto& m : options.mobile_species) names += (names.empty() ? "" : ", ") + m;
      v.fail("lattice.mobile", "no atom of '" + file.string() + "' is " + names);
    }
  } else if (oxide) {
    OxideOptions o;
    o.a = v.number("lattice.a", default_oxide_a(type), 0, 1e3, true);
    if (type == "layered") o.c = v.number("lattice.c", o.a * (14.05 / 2.816), 0, 1e4, true);
    if (type == "perovskite" || type == "rocksalt")
      o.ordering = v.choice("lattice.ordering", "none", {"none", "layered"});
    if (type != "perovskite")
      o.transition_energy = v.number("lattice.transition_energy", o.transition_energy, -10, 10);
    if (type == "rocksalt" || type == "layered")
      if (v.has("lattice.direct_hop_barrier"))
        o.direct_hop_barrier = v.number("lattice.direct_hop_barrier", 0, 0, 100);
    d = make_oxide_lattice(type, o);
  } else {
    d = make_textbook_lattice(type, v.number("lattice.a", 3.9, 0, 1e3, true));
  }
  d.hop_cutoff = v.number("lattice.cutoff", 0.0, 0, 1e3);
  // A structure file's default cutoff percolates where the file allows
  // (docs/structures.md); the built-in lattices keep their nearest shell.
  if (type == "file" && d.hop_cutoff <= 0) {
    const HopCutoffChoice choice = choose_hop_cutoff(d);
    d.hop_cutoff = choice.cutoff;
    cfg.notes.push_back(v.find("lattice.file")->as_string()->get() + ": " + choice.explanation);
  }
  return d;
}

// [microstructure] (docs/structures.md): keys that the chosen type does not
// use are errors, so a misplaced key never silently does nothing.
void read_layers(Validator& v, LoadedConfig& cfg, SimulationSettings& s);

void read_microstructure(Validator& v, LoadedConfig& cfg, SimulationSettings& s) {
  MicrostructureSettings& m = s.microstructure;
  m.type = v.choice("microstructure.type", "none",
                    {"none", "crystalline", "amorphous", "polycrystalline", "composite", "annealed",
                     "multilayer"});
  const std::string& t = m.type;
  const bool any = t != "none", grained = t == "polycrystalline" || t == "composite" || t == "annealed";
  const bool amorphous = t == "amorphous" || t == "composite" || t == "annealed";
  const bool shell = t == "polycrystalline" || t == "annealed";
  auto only_for = [&](const std::string& key, bool applies, const std::string& which) {
    if (v.has(key) && !applies)
      v.fail(key, "applies only to microstructure.type " + which + ", not to \"" + t + "\"");
  };
  for (const char* k : {"microstructure.seed", "microstructure.blocked_fraction",
                        "microstructure.blocked_sublattices", "microstructure.defect_fraction",
                        "microstructure.defect_energy"})
    only_for(k, any, "other than \"none\"");
  for (const char* k : {"microstructure.site_energy_sigma", "microstructure.barrier_sigma",
                        "microstructure.barrier_distribution", "microstructure.amorphous_barrier",
                        "microstructure.amorphous_energy"})
    only_for(k, amorphous, "amorphous, composite or annealed");
  only_for("microstructure.grain_size", grained, "polycrystalline, composite or annealed");
  only_for("microstructure.grain_barrier", any && t != "amorphous",
           "crystalline, polycrystalline, composite or annealed");
  for (const char* k : {"microstructure.boundary_width", "microstructure.boundary_barrier",
                        "microstructure.boundary_energy", "microstructure.space_charge_energy",
                        "microstructure.debye_length"})
    only_for(k, shell, "polycrystalline or annealed");
  only_for("microstructure.glass_fraction", t == "composite", "composite");
  for (const char* k : {"microstructure.anneal_temperature", "microstructure.anneal_time",
                        "microstructure.avrami_exponent", "microstructure.crystallization_rate",
                        "microstructure.crystallization_energy", "microstructure.grain_growth_rate",
                        "microstructure.grain_growth_energy"})
    only_for(k, t == "annealed", "annealed");
  only_for("microstructure.layers", t == "multilayer", "multilayer");
  if (!any) return;
  if (s.landscape.disordered())
    v.fail(v.has("landscape.site_energy_sigma") ? "landscape.site_energy_sigma" : "landscape.barrier_sigma",
           "a microstructure brings its own disorder (microstructure.site_energy_sigma, "
           "microstructure.barrier_sigma); leave [landscape] out");
  auto required = [&](const std::string& key) {
    if (!v.has(key)) v.fail("microstructure.type", "\"" + t + "\" needs " + key);
  };
  m.seed = static_cast<uint64_t>(v.integer("microstructure.seed", static_cast<int64_t>(s.seed), 0, INT64_MAX));
  if (t == "multilayer") {
    // Everything else belongs to the layers.
    if (const toml::table* table = v.find("microstructure")->as_table())
      for (auto&& [k, n] : *table) {
        const std::string key = "microstructure." + std::string(k.str());
        if (key != "microstructure.type" && key != "microstructure.seed" &&
            key != "microstructure.layers")
          v.fail(key, "a multilayer takes this per layer, in [[microstructure.layers]]");
      }
    read_layers(v, cfg, s);
    return;
  }

  // Blocked sites: one fraction for every host sublattice, or one per listed sublattice.
  std::vector<std::string> names;
  if (toml::node* n = v.find("microstructure.blocked_sublattices")) {
    auto arr = n->as_array();
    if (!arr || arr->empty() || !arr->is_homogeneous(toml::node_type::string))
      v.fail("microstructure.blocked_sublattices", "expected an array of sublattice names");
    for (auto& e : *arr) {
      const std::string name = e.as_string()->get();
      bool found = false;
      for (const BasisSite& b : s.lattice.basis) found |= b.mobile && b.sublattice == name;
      if (!found) {
        std::string known;
        for (const BasisSite& b : s.lattice.basis)
          if (b.mobile && known.find("'" + b.sublattice + "'") == std::string::npos)
            known += (known.empty() ? "" : ", ") + ("'" + b.sublattice + "'");
        v.fail("microstructure.blocked_sublattices",
               "no mobile sublattice '" + name + "' (this lattice has " + known + ")");
      }
      names.push_back(name);
    }
    if (!v.has("microstructure.blocked_fraction"))
      v.fail("microstructure.blocked_sublattices", "give microstructure.blocked_fraction too");
  }
  m.blocked_sublattices = names;
  if (toml::node* n = v.find("microstructure.blocked_fraction")) {
    const std::string key = "microstructure.blocked_fraction";
    std::vector<double> f;
    if (n->is_array()) f = v.number_array(key, {}, 1, 1 << 16);
    else f.push_back(v.number(key, 0, 0, 1));
    if (n->is_array() && f.size() != (names.empty() ? 1 : names.size()))
      v.fail(key, "expected one fraction per name in microstructure.blocked_sublattices");
    for (double x : f)
      if (x < 0 || x > 1) v.fail(key, "fractions must lie in [0, 1]");
    m.blocked_fractions = f;
  }
  m.defect_fraction = v.number("microstructure.defect_fraction", 0, 0, 1);
  m.defect_energy = v.number("microstructure.defect_energy", 0, -10, 10);

  const double bare = s.hop.barrier;
  if (t != "amorphous") m.grain_barrier = v.number("microstructure.grain_barrier", bare, 0, 100);
  if (amorphous) {
    m.amorphous_barrier = v.number("microstructure.amorphous_barrier", bare, 0, 100);
    m.amorphous_energy = v.number("microstructure.amorphous_energy", 0, -10, 10);
    m.site_energy_sigma = v.number("microstructure.site_energy_sigma", 0, 0, 10);
    m.barrier_sigma = v.number("microstructure.barrier_sigma", 0, 0, 10);
    m.barrier_distribution = v.choice("microstructure.barrier_distribution", "gaussian",
                                      {"gaussian", "uniform", "bimodal"});
  }
  if (grained) {
    if (t != "annealed") required("microstructure.grain_size");
    m.grain_size = v.number("microstructure.grain_size", 50, 0, 1e6, true);
    // Every site is compared with every grain seed: keep that count sensible.
    const Vec3* a = s.lattice.vectors;
    const double cells = double(s.cells[0]) * s.cells[1] * (s.lattice.dimension == 3 ? s.cells[2] : 1);
    const double sites = cells * double(s.lattice.basis.size());
    const double grains = s.lattice.dimension == 3
                              ? cells * std::fabs(dot(a[0], cross(a[1], a[2]))) / std::pow(m.grain_size, 3)
                              : cells * norm(cross(a[0], a[1])) / (m.grain_size * m.grain_size);
    if (grains > 1e5 || grains * sites > 2e10)
      v.fail("microstructure.grain_size",
             "makes about " + std::to_string(std::llround(grains)) + " grains for " +
                 std::to_string(std::llround(sites)) + " sites; use larger grains or fewer cells");
  }
  if (shell) {
    m.boundary_width = v.number("microstructure.boundary_width", 0, 0, 1e4);
    m.boundary_barrier = v.number("microstructure.boundary_barrier", bare, 0, 100);
    m.boundary_energy = v.number("microstructure.boundary_energy", 0, -10, 10);
    m.space_charge_energy = v.number("microstructure.space_charge_energy", 0, -10, 10);
    m.debye_length = v.number("microstructure.debye_length", 10, 0, 1e6, true);
  }
  if (t == "composite") {
    required("microstructure.glass_fraction");
    m.glass_fraction = v.number("microstructure.glass_fraction", 0, 0, 1);
  }
  if (t == "annealed") {
    for (const char* k : {"microstructure.anneal_temperature", "microstructure.anneal_time",
                          "microstructure.crystallization_rate", "microstructure.crystallization_energy"})
      required(k);
    m.anneal_temperature = v.number("microstructure.anneal_temperature", 0, 0, 1e5, true);
    m.anneal_time = v.number("microstructure.anneal_time", 0, 0, 1e12);
    m.avrami_exponent = v.number("microstructure.avrami_exponent", 3, 0.5, 10);
    m.crystallization_rate = v.number("microstructure.crystallization_rate", 0, 0, 1e30);
    m.crystallization_energy = v.number("microstructure.crystallization_energy", 0, 0, 100);
    m.grain_growth_rate = v.number("microstructure.grain_growth_rate", 0, 0, 1e30);
    m.grain_growth_energy = v.number("microstructure.grain_growth_energy", 0, 0, 100);
  }
}

// [[microstructure.layers]]: each table one layer, bottom first, with the
// microstructure keys of its own type plus thickness (Å, whole cells along
// the third lattice vector), energy, interface_barrier and name. Errors name
// the layer's key as microstructure.layers[N].KEY (N from 1).
void read_layers(Validator& v, LoadedConfig& cfg, SimulationSettings& s) {
  toml::node* node = v.find("microstructure.layers");
  if (!node) v.fail("microstructure.type", "\"multilayer\" needs [[microstructure.layers]] tables");
  auto arr = node->as_array();
  if (!arr || arr->empty() || !arr->is_homogeneous(toml::node_type::table))
    v.fail("microstructure.layers", "expected [[microstructure.layers]] tables, one per layer");
  if (arr->size() > 255) v.fail("microstructure.layers", "more than 255 layers");
  const double c_length = norm(s.lattice.vectors[2]);
  int total_cells = 0;
  int index = 0;
  for (auto& entry : *arr) {
    ++index;
    const std::string prefix = "microstructure.layers[" + std::to_string(index) + "].";
    const toml::table& layer_table = *entry.as_table();
    const std::string at = line_of(cfg.path, entry);
    LayerSettings layer;
    // The layer's own keys first, then the rest as a [microstructure] of its own.
    toml::table micro;
    LoadedConfig sub;
    sub.path = cfg.path;
    sub.origin["microstructure"] = at;
    for (auto&& [k, node] : layer_table) {
      // clang 14 (the sanitizer build) cannot capture a structured binding in a lambda.
      const toml::node& n = node;
      const std::string key(k.str());
      const std::string where = line_of(cfg.path, n);
      sub.origin["microstructure." + key] = where;
      auto number = [&](double lo, double hi) {
        double x;
        if (auto i = n.as_integer()) x = static_cast<double>(i->get());
        else if (auto f = n.as_floating_point()) x = f->get();
        else throw InputError(where, prefix + key + ": expected a number");
        if (!std::isfinite(x) || x < lo || x > hi)
          throw InputError(where, prefix + key + ": out of range");
        return x;
      };
      if (key == "thickness") {
        const double t = number(0, 1e6);
        layer.cells = static_cast<int>(std::lround(t / c_length));
        if (layer.cells < 1)
          throw InputError(where, prefix + key + ": thinner than one cell (" + std::to_string(c_length) + " A)");
      } else if (key == "energy") {
        layer.energy = number(-10, 10);
      } else if (key == "interface_barrier") {
        layer.interface_barrier = number(-10, 100);
      } else if (key == "name") {
        auto str = n.as_string();
        if (!str) throw InputError(where, prefix + key + ": expected a string");
        layer.name = str->get();
      } else if (key == "seed" || key == "layers" ||
                 !known_keys().count("microstructure." + key)) {
        throw InputError(where, prefix + key + ": unknown key for a layer");
      } else {
        micro.insert(key, n);
      }
    }
    if (!layer_table.contains("thickness"))
      throw InputError(at, prefix + "thickness: missing (the layer's thickness in A)");
    if (!micro.contains("type")) micro.insert("type", "crystalline");
    // Validate it like a [microstructure] table of its own, in the same file.
    toml::table root;
    root.insert("microstructure", std::move(micro));
    SimulationSettings copy = s;
    copy.microstructure = MicrostructureSettings{};
    copy.landscape = LandscapeSettings{};
    try {
      Validator lv(root, sub);
      read_microstructure(lv, sub, copy);
    } catch (const InputError& e) {
      std::string what = e.what();
      if (what.rfind("microstructure.", 0) == 0) what = prefix + what.substr(15);
      throw InputError(e.where(), what);
    }
    if (copy.microstructure.type == "multilayer")
      throw InputError(at, prefix + "type: a layer cannot itself be a multilayer");
    layer.microstructure = copy.microstructure;
    total_cells += layer.cells;
    s.microstructure.layers.push_back(layer);
  }
  const int nz = s.lattice.dimension == 3 ? s.cells[2] : 1;
  if (total_cells != nz)
    v.fail(v.has("lattice.cells") ? "lattice.cells" : "microstructure.layers",
           "the layers are " + std::to_string(total_cells) + " cells thick together (thickness / " +
               std::to_string(c_length) + " A, rounded), the lattice has " + std::to_string(nz) +
               " along its third vector");
}

// The tables of an array of tables `key` ([[occupancy.species]]): each with
// its line and the prefix its errors name (key[N]., N from 1).
struct TableEntry {
  const toml::table* table;
  std::string at, prefix;
};
std::vector<TableEntry> table_entries(Validator& v, LoadedConfig& cfg, const std::string& key,
                                      const std::string& what) {
  toml::node* node = v.find(key);
  auto arr = node ? node->as_array() : nullptr;
  if (!arr || arr->empty() || !arr->is_homogeneous(toml::node_type::table))
    v.fail(key, "expected [[" + key + "]] tables, " + what);
  std::vector<TableEntry> out;
  int index = 0;
  for (auto& entry : *arr)
    out.push_back({entry.as_table(), line_of(cfg.path, entry),
                   key + "[" + std::to_string(++index) + "]."});
  return out;
}

// A number of one entry of an array of tables, in [lo, hi].
double entry_number(const TableEntry& e, LoadedConfig& cfg, const std::string& key, double lo,
                    double hi) {
  const toml::node* n = e.table->get(key);
  const std::string where = line_of(cfg.path, *n);
  double x;
  if (auto i = n->as_integer()) x = static_cast<double>(i->get());
  else if (auto f = n->as_floating_point()) x = f->get();
  else throw InputError(where, e.prefix + key + ": expected a number");
  if (!std::isfinite(x) || x < lo || x > hi) {
    std::ostringstream os;
    os << e.prefix << key << ": value " << x << " out of range [" << lo << ", " << hi << "]";
    throw InputError(where, os.str());
  }
  return x;
}

std::string entry_string(const TableEntry& e, LoadedConfig& cfg, const std::string& key) {
  const toml::node* n = e.table->get(key);
  if (!n) throw InputError(e.at, e.prefix + key + ": missing");
  auto str = n->as_string();
  if (!str || str->get().empty())
    throw InputError(line_of(cfg.path, *n), e.prefix + key + ": expected a non-empty string");
  return str->get();
}

// Height of the box along the third lattice vector (Å): cells times the
// spacing of the cell planes, the cell volume over the base area.
double box_height(const SimulationSettings& s) {
  const Vec3* a = s.lattice.vectors;
  return s.cells[2] * std::fabs(dot(a[0], cross(a[1], a[2]))) / norm(cross(a[0], a[1]));
}

// Host sites of the lattice whose height lies in the species' region.
int64_t region_host_sites(const SimulationSettings& s, const SpeciesSpec& spec) {
  int64_t n = 0;
  for (int cz = 0; cz < s.cells[2]; ++cz)
    for (const BasisSite& b : s.lattice.basis)
      n += b.host() && spec.in_region(height_fraction(cz, s.cells[2], b.fractional.z));
  return n * s.cells[0] * s.cells[1];
}

// z_range = [lo, hi] (fractions of the box height) or z_range_A = [lo, hi] (Å).
void read_species_region(const TableEntry& e, LoadedConfig& cfg, const SimulationSettings& s,
                         SpeciesSpec& spec) {
  const bool frac = e.table->contains("z_range"), angstrom = e.table->contains("z_range_A");
  if (!frac && !angstrom) return;
  if (frac && angstrom)
    throw InputError(line_of(cfg.path, *e.table->get("z_range_A")),
                     e.prefix + "z_range_A: give z_range (fractions of the box height) or "
                                "z_range_A (Å), not both");
  const std::string key = frac ? "z_range" : "z_range_A";
  const toml::node* n = e.table->get(key);
  const std::string where = line_of(cfg.path, *n);
  const double height = box_height(s);
  const double top = frac ? 1.0 : height;
  std::ostringstream bound;
  bound << "expected [lo, hi] with 0 <= lo < hi <= " << top
        << (frac ? " (fractions of the box height)" : " (Å; the box is that high)");
  auto arr = n->as_array();
  double v[2] = {0, 0};
  bool ok = arr && arr->size() == 2;
  for (size_t i = 0; ok && i < 2; ++i) {
    const toml::node& x = *arr->get(i);
    if (auto k = x.as_integer()) v[i] = static_cast<double>(k->get());
    else if (auto f = x.as_floating_point()) v[i] = f->get();
    else ok = false;
  }
  if (!ok || !std::isfinite(v[0]) || !std::isfinite(v[1]) || v[0] < 0 || v[1] > top ||
      !(v[0] < v[1]))
    throw InputError(where, e.prefix + key + ": " + bound.str());
  if (s.lattice.dimension != 3)
    throw InputError(where, e.prefix + key + ": a region along the third lattice vector needs a "
                                             "3D lattice");
  spec.region = true;
  spec.z_low = v[0] / top;
  spec.z_high = v[1] / top;
  if (region_host_sites(s, spec) == 0)
    throw InputError(where, e.prefix + key + ": holds no host site");
}

// [[occupancy.species]] and [[hop.exchange]] (docs/configuration.md, "Several species").
void read_species(Validator& v, LoadedConfig& cfg, SimulationSettings& s, int64_t mobile) {
  SpeciesSettings& sp = s.species;
  if (!v.has("occupancy.species")) {
    if (v.has("hop.exchange"))
      v.fail("hop.exchange", "direct exchange needs species ([[occupancy.species]])");
    return;
  }
  for (const char* key : {"occupancy.fraction", "occupancy.vacancies"})
    if (v.has(key))
      v.fail(key, "[[occupancy.species]] sets the occupancy; give one or the other, not both");
  const auto species = table_entries(v, cfg, "occupancy.species", "one per species");
  if (species.size() > static_cast<size_t>(kMaxSpecies))
    v.fail("occupancy.species", "more than " + std::to_string(kMaxSpecies) + " species");
  int64_t total = 0;
  for (const TableEntry& e : species) {
    SpeciesSpec spec;
    for (auto&& [k, node] : *e.table) {
      const std::string key(k.str());
      if (key != "name" && key != "fraction" && key != "count" && key != "barrier" &&
          key != "site_energy" && key != "z_range" && key != "z_range_A")
        throw InputError(line_of(cfg.path, node),
                         e.prefix + key +
                             ": unknown key for a species (name, fraction or count, barrier, "
                             "site_energy, z_range or z_range_A)");
    }
    read_species_region(e, cfg, s, spec);
    const int64_t sites = spec.region ? region_host_sites(s, spec) : mobile;
    spec.name = entry_string(e, cfg, "name");
    for (const SpeciesSpec& other : sp.species)
      if (other.name == spec.name)
        throw InputError(line_of(cfg.path, *e.table->get("name")),
                         e.prefix + "name: species '" + spec.name + "' is given twice");
    const bool by_fraction = e.table->contains("fraction"), by_count = e.table->contains("count");
    if (by_fraction == by_count)
      throw InputError(e.at, e.prefix + (by_count ? "count" : "fraction") +
                                 ": give fraction (of the host sites) or count (ions), one of them");
    if (by_count) {
      const toml::node* n = e.table->get("count");
      auto i = n->as_integer();
      if (!i || i->get() < 1 || i->get() > mobile)
        throw InputError(line_of(cfg.path, *n), e.prefix + "count: expected an integer in [1, " +
                                                    std::to_string(mobile) + "]");
      spec.count = i->get();
    } else {
      spec.fraction = entry_number(e, cfg, "fraction", 0, 1);
      if (std::llround(spec.fraction * double(sites)) < 1)
        throw InputError(line_of(cfg.path, *e.table->get("fraction")),
                         e.prefix + "fraction: places no ion on " + std::to_string(sites) +
                             " sites" + (spec.region ? " of its z_range" : ""));
    }
    spec.barrier = e.table->contains("barrier") ? entry_number(e, cfg, "barrier", 0, 100)
                                                : s.hop.barrier;
    if (const toml::node* n = e.table->get("site_energy")) {
      const std::string where = line_of(cfg.path, *n);
      auto t = n->as_table();
      if (!t)
        throw InputError(where, e.prefix + "site_energy: expected a table of sublattice = eV, "
                                           "e.g. { A = 0.0, B = 0.1 }");
      spec.basis_energy.assign(s.lattice.basis.size(), 0.0);
      for (auto&& [label, value] : *t) {
        const std::string name(label.str());
        const std::string at = line_of(cfg.path, value);
        double x;
        if (auto i = value.as_integer()) x = static_cast<double>(i->get());
        else if (auto f = value.as_floating_point()) x = f->get();
        else throw InputError(at, e.prefix + "site_energy." + name + ": expected a number (eV)");
        if (!std::isfinite(x) || x < -10 || x > 10)
          throw InputError(at, e.prefix + "site_energy." + name + ": out of range [-10, 10] eV");
        bool found = false;
        std::string known;
        for (size_t b = 0; b < s.lattice.basis.size(); ++b) {
          const BasisSite& site = s.lattice.basis[b];
          if (!site.mobile) continue;
          if (known.find("'" + site.sublattice + "'") == std::string::npos)
            known += (known.empty() ? "" : ", ") + ("'" + site.sublattice + "'");
          if (site.sublattice == name) {
            spec.basis_energy[b] = x;
            found = true;
          }
        }
        if (!found)
          throw InputError(at, e.prefix + "site_energy." + name + ": no mobile sublattice '" +
                                   name + "' (this lattice has " + known + ")");
      }
    }
    const int64_t n = spec.count >= 0 ? spec.count : std::llround(spec.fraction * double(sites));
    if (spec.region && n > sites)  // only a count can ask for more than the region holds
      throw InputError(line_of(cfg.path, *e.table->get("count")),
                       e.prefix + "count: " + std::to_string(n) + " ions on the " +
                           std::to_string(sites) + " host sites of its z_range");
    total += n;
    sp.species.push_back(spec);
  }
  if (total > mobile)
    v.fail("occupancy.species", "the species place " + std::to_string(total) + " ions on " +
                                    std::to_string(mobile) + " host sites");
  s.occupancy.by_vacancies = true;
  s.occupancy.vacancies = mobile - total;

  if (!v.has("hop.exchange")) return;
  for (const TableEntry& e : table_entries(v, cfg, "hop.exchange", "one per pair of species")) {
    for (auto&& [k, node] : *e.table) {
      const std::string key(k.str());
      if (key != "a" && key != "b" && key != "barrier")
        throw InputError(line_of(cfg.path, node),
                         e.prefix + key + ": unknown key for an exchange (a, b, barrier)");
    }
    ExchangeSpec x;
    int* ends[2] = {&x.a, &x.b};
    const char* names[2] = {"a", "b"};
    for (int q = 0; q < 2; ++q) {
      const std::string name = entry_string(e, cfg, names[q]);
      *ends[q] = -1;
      for (size_t i = 0; i < sp.species.size(); ++i)
        if (sp.species[i].name == name) *ends[q] = static_cast<int>(i);
      if (*ends[q] < 0)
        throw InputError(line_of(cfg.path, *e.table->get(names[q])),
                         e.prefix + names[q] + ": no species '" + name + "' in [[occupancy.species]]");
    }
    if (x.a == x.b)
      throw InputError(line_of(cfg.path, *e.table->get("b")),
                       e.prefix + "b: an exchange needs two different species");
    for (const ExchangeSpec& other : sp.exchange)
      if ((other.a == x.a && other.b == x.b) || (other.a == x.b && other.b == x.a))
        throw InputError(e.at, e.prefix + "a: the pair " + sp.species[x.a].name + "-" +
                                   sp.species[x.b].name + " is given twice");
    if (!e.table->contains("barrier"))
      throw InputError(e.at, e.prefix + "barrier: missing (the exchange barrier in eV)");
    x.barrier = entry_number(e, cfg, "barrier", 0, 100);
    sp.exchange.push_back(x);
  }
}

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

LoadedConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
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
  return load_config_text(text, path, overrides);
}

LoadedConfig load_config_text(const std::string& text, const std::string& path,
                              const std::vector<std::string>& overrides) {
  LoadedConfig cfg;
  cfg.path = path;
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    const auto line = 1 + std::count(text.begin(), text.begin() + nul, '\n');
    throw InputError(path + ":" + std::to_string(line),
                     "not a text file (NUL byte): is this really a TOML configuration?");
  }

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

  Validator v(root, cfg);
  SimulationSettings& s = cfg.settings;

  // [lattice]
  s.lattice = read_lattice(v, cfg);
  const int dim = s.lattice.dimension;
  {
    const std::vector<double> fallback = dim == 3 ? std::vector<double>{16, 16, 16}
                                                  : std::vector<double>{64, 64};
    toml::node* n = v.find("lattice.cells");
    if (n) {
      auto arr = n->as_array();
      if (!arr || !arr->is_homogeneous(toml::node_type::integer))
        v.fail("lattice.cells", "expected an array of integers");
    } else {
      // The default goes into the resolved configuration as integers, or
      // --print-config would print cells this reader refuses (found by fuzzing).
      toml::array ints;
      for (double c : fallback) ints.push_back(static_cast<int64_t>(c));
      v.set("lattice.cells", std::move(ints));
    }
    const auto cells = v.number_array("lattice.cells", fallback, dim, dim);
    for (int i = 0; i < dim; ++i) {
      if (cells[i] < 1 || cells[i] > 1 << 20)
        v.fail("lattice.cells", "cell counts must lie in [1, 1048576]");
      s.cells[i] = static_cast<int>(cells[i]);
    }
    if (dim == 2) s.cells[2] = 1;
    const double sites = double(s.cells[0]) * s.cells[1] * s.cells[2] * s.lattice.basis.size();
    if (sites > 2147483647.0) v.fail("lattice.cells", "more than 2^31 sites");
  }
  // Geometry problems are input errors too: report them now, with the key that
  // fixes them, rather than when the run builds its lattice.
  if (const auto problem = check_lattice_geometry(s.lattice, s.cells))
    v.fail(geometry_key(*problem, v), problem->what);
  // Whether the hop network runs through the crystal (docs/structures.md):
  // said for structure files, warned about for any lattice where it does not.
  {
    const HopNetwork net = hop_network(s.lattice);
    if (type_is_file(cfg)) cfg.notes.push_back("hop network: " + net.summary());
    if (!net.spans())
      cfg.warnings.push_back(
          "the hop network has no spanning cluster (" + net.summary() +
          "): ions only rattle in finite clusters and D measures that, not transport; "
          "raise lattice.cutoff");
  }

  // [occupancy] ([[occupancy.species]] is read with [hop], whose barrier it defaults to)
  if (v.has("occupancy.fraction") && v.has("occupancy.vacancies"))
    v.fail("occupancy.vacancies", "give occupancy.fraction or occupancy.vacancies, not both");
  if (v.has("occupancy.species")) {
    // set by read_species below
  } else if (v.has("occupancy.vacancies")) {
    s.occupancy.by_vacancies = true;
    s.occupancy.vacancies = v.integer("occupancy.vacancies", 0, 0, INT64_MAX);
  } else {
    s.occupancy.fraction = v.number("occupancy.fraction", 0.5, 0, 1);
  }

  // [hop]
  s.hop.barrier = v.number("hop.barrier", 0.30, 0, 100);
  s.hop.attempt_frequency = v.number("hop.attempt_frequency", 1e13, 0, 1e20, true);
  s.hop.interaction = v.number("hop.interaction", 0.0, -100, 100);

  // [run]
  s.hop.temperature = v.number("run.temperature", 300, 0, 1e5, true);
  if (v.has("run.hops_per_particle") && v.has("run.time"))
    v.fail("run.time", "give run.hops_per_particle or run.time, not both");
  if (v.has("run.time")) {
    s.time = v.number("run.time", 0, 0, 1e12, true);
  } else {
    s.hops_per_particle = v.number("run.hops_per_particle", 100, 0, 1e12, true);
  }
  std::vector<std::string> solvers = {"auto"};
  for (const auto& n : solver_names()) solvers.push_back(n);
  s.solver = v.choice("run.solver", "auto", solvers);
  s.backend = v.choice("run.backend", "auto", {"auto", "cpu", "cuda"});
  s.seed = static_cast<uint64_t>(v.integer("run.seed", 1, 0, INT64_MAX));
  const auto field = v.number_array("run.field", {0.0, 0.0, 0.0}, 3, 3);
  s.hop.field = {field[0], field[1], field[2]};
  if (dim == 2 && field[2] != 0) v.fail("run.field", "a 2D lattice takes no field along z");
  s.blocks = static_cast<int>(v.integer("run.blocks", 10, 2, 100000));
  s.msd_samples = static_cast<int>(v.integer("run.msd_samples", 100, 1, 100000));
  s.replicas = static_cast<int>(v.integer("run.replicas", 1, 1, 1 << 20));
  s.equilibration_hops_per_particle = v.number("run.equilibration_hops_per_particle", 0, 0, 1e12);
  s.slabs = static_cast<int>(v.integer("run.slabs", 0, 0, 1 << 20));

  // [landscape] and [sublattice] (docs/parallel-solvers.md).
  s.landscape.site_energy_sigma = v.number("landscape.site_energy_sigma", 0, 0, 10);
  s.landscape.barrier_sigma = v.number("landscape.barrier_sigma", 0, 0, 10);
  s.landscape.seed = static_cast<uint64_t>(
      v.integer("landscape.seed", static_cast<int64_t>(s.seed), 0, INT64_MAX));
  s.acceptance_ceiling =
      v.number("sublattice.acceptance_ceiling", kDefaultAcceptanceCeiling, 0, 1, true);
  s.sublattice_attempts = v.choice("sublattice.attempts", "poisson",
                                   {"poisson", "one_per_ion", "one_per_site"});
  read_microstructure(v, cfg, s);
  if (s.solver == "walkers" && s.hop.interaction != 0)
    v.fail("hop.interaction", "walkers do not see each other, so they take no interaction "
                              "(use run.solver = \"bkl\" or \"sublattice\")");

  // Contradictions between keys.
  const int64_t mobile_basis = s.lattice.host_basis_count();
  const int64_t mobile = int64_t(s.cells[0]) * s.cells[1] * s.cells[2] * mobile_basis;
  read_species(v, cfg, s, mobile);
  if (s.species.active() && s.solver == "walkers")
    v.fail("occupancy.species", "walkers do not see each other, so they take no species "
                                "(use run.solver = \"bkl\" or \"sublattice\")");
  int64_t ions = 0;
  try {
    ions = s.occupancy.ion_count(mobile);
  } catch (const std::invalid_argument& e) {
    v.fail(s.species.active()          ? "occupancy.species"
           : s.occupancy.by_vacancies ? "occupancy.vacancies"
                                      : "occupancy.fraction",
           e.what());
  }
  const std::string occ_key = s.species.active()        ? "occupancy.species"
                              : s.occupancy.by_vacancies ? "occupancy.vacancies"
                                                         : "occupancy.fraction";
  if (ions == 0) v.fail(occ_key, "places no ion on " + std::to_string(mobile) + " sites");
  if (ions == mobile && s.time <= 0 && s.solver != "walkers")
    v.fail(occ_key, "leaves no vacancy, so no ion can hop (run.hops_per_particle cannot be reached)");

  // Hop counts are 64-bit: a run must be able to count its hops (and end).
  constexpr double kMaxHops = 1e18;
  if (s.time <= 0 && s.hops_per_particle * double(ions) > kMaxHops)
    v.fail("run.hops_per_particle", "asks for more than 1e18 hops per replica");
  if (s.equilibration_hops_per_particle * double(ions) > kMaxHops)
    v.fail("run.equilibration_hops_per_particle", "asks for more than 1e18 hops per replica");

  std::ostringstream json_text;
  json_text << toml::json_formatter{root};
  cfg.resolved_toml = write_toml(root);
  cfg.resolved_json = json_text.str();
  return cfg;
}

}  // namespace coatkmc
