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

namespace coatkmc::config {

namespace {
void read_layers(Validator& v, LoadedConfig& cfg, SimulationSettings& s);
}  // namespace

// [microstructure] (docs/structures.md): keys that the chosen type does not
// use are errors, so a misplaced key never silently does nothing.

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
    if (const toml::table* table = v.node("microstructure")->as_table())
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
  if (const toml::node* n = v.node("microstructure.blocked_sublattices")) {
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
  if (const toml::node* n = v.node("microstructure.blocked_fraction")) {
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

namespace {

// [[microstructure.layers]]: each table one layer, bottom first, with the
// microstructure keys of its own type plus thickness (Å, whole cells along
// the third lattice vector), energy, interface_barrier and name. Errors name
// the layer's key as microstructure.layers[N].KEY (N from 1).
void read_layers(Validator& v, LoadedConfig& cfg, SimulationSettings& s) {
  const toml::node* node = v.node("microstructure.layers");
  if (!node) v.fail("microstructure.type", "\"multilayer\" needs [[microstructure.layers]] tables");
  auto arr = node->as_array();
  if (!arr || arr->empty() || !arr->is_homogeneous(toml::node_type::table))
    v.fail("microstructure.layers", "expected [[microstructure.layers]] tables, one per layer");
  if (arr->size() > 255) v.fail("microstructure.layers", "more than 255 layers");
  const double c_length = norm(s.lattice.vectors[2]);
  int total_cells = 0;
  // A layer takes its own keys and those of a [microstructure] but the seed and the layers.
  std::set<std::string> layer_keys = {"thickness", "energy", "interface_barrier", "name"};
  for (const std::string& k : known_keys())
    if (k.rfind("microstructure.", 0) == 0 && k != "microstructure.seed" &&
        k != "microstructure.layers")
      layer_keys.insert(k.substr(15));
  std::vector<TomlTableReader> layers = v.tables("microstructure.layers", 1);
  for (size_t i = 0; i < layers.size(); ++i) {
    TomlTableReader& l = layers[i];
    const std::string prefix = l.prefix() + ".";
    const toml::table& layer_table = *arr->get(i)->as_table();
    const std::string at = line_of(cfg.path, *arr->get(i));
    l.refuse_other_keys(layer_keys, " for a layer");
    LayerSettings layer;
    if (!l.has("thickness")) l.fail("thickness", "missing (the layer's thickness in A)");
    layer.cells = static_cast<int>(std::lround(l.number("thickness", 0, 0, 1e6) / c_length));
    if (layer.cells < 1)
      l.fail("thickness", "thinner than one cell (" + std::to_string(c_length) + " A)");
    layer.energy = l.number("energy", layer.energy, -10, 10);
    layer.interface_barrier = l.number("interface_barrier", layer.interface_barrier, -10, 100);
    layer.name = l.string("name", layer.name, true);
    // The rest as a [microstructure] of its own, in the same file.
    toml::table micro;
    LoadedConfig sub;
    sub.path = cfg.path;
    sub.origin["microstructure"] = at;
    for (auto&& [k, value] : layer_table) {
      const std::string key(k.str());
      sub.origin["microstructure." + key] = line_of(cfg.path, value);
      if (key != "thickness" && key != "energy" && key != "interface_barrier" && key != "name")
        micro.insert(key, value);
    }
    if (!micro.contains("type")) micro.insert("type", "crystalline");
    // Validate it like a [microstructure] table of its own, in the same file.
    toml::table root;
    root.insert("microstructure", std::move(micro));
    SimulationSettings copy = s;
    copy.microstructure = MicrostructureSettings{};
    copy.landscape = LandscapeSettings{};
    try {
      Validator lv = run_config_reader(root, sub);
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

}  // namespace

}  // namespace coatkmc::config
