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
#include "kernels/SpeciesEnergy.hpp"

namespace coatkmc::config {

namespace {

// The tables of an array of tables `key` ([[occupancy.species]]): each with
// its line and the prefix its errors name (key[N]., N from 1).
struct TableEntry {
  const toml::table* table;
  std::string at, prefix;
};
std::vector<TableEntry> table_entries(Validator& v, LoadedConfig& cfg, const std::string& key,
                                      const std::string& what) {
  const toml::node* node = v.node(key);
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

}  // namespace

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

}  // namespace coatkmc::config
