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

// The entries of an array of tables `key` ([[occupancy.species]]), each read
// by the one reader and named in errors as key[N] (N from 1).
std::vector<TomlTableReader> table_entries(Validator& v, const std::string& key,
                                           const std::string& what) {
  const toml::node* node = v.node(key);
  auto arr = node ? node->as_array() : nullptr;
  if (!arr || arr->empty() || !arr->is_homogeneous(toml::node_type::table))
    v.fail(key, "expected [[" + key + "]] tables, " + what);
  return v.tables(key, 1);
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
void read_species_region(TomlTableReader& e, const SimulationSettings& s, SpeciesSpec& spec) {
  const bool frac = e.has("z_range"), angstrom = e.has("z_range_A");
  if (!frac && !angstrom) return;
  if (frac && angstrom)
    e.fail("z_range_A", "give z_range (fractions of the box height) or z_range_A (Å), not both");
  const std::string key = frac ? "z_range" : "z_range_A";
  const toml::node* n = e.node(key);
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
    e.fail(key, bound.str());
  if (s.lattice.dimension != 3)
    e.fail(key, "a region along the third lattice vector needs a 3D lattice");
  spec.region = true;
  spec.z_low = v[0] / top;
  spec.z_high = v[1] / top;
  if (region_host_sites(s, spec) == 0) e.fail(key, "holds no host site");
}

// species.site_energy = { SUBLATTICE = eV, ... }: an energy per mobile sublattice.
void read_species_site_energy(TomlTableReader& e, const SimulationSettings& s, SpeciesSpec& spec) {
  if (!e.has("site_energy")) return;
  if (!e.has_table("site_energy"))
    e.fail("site_energy", "expected a table of sublattice = eV, e.g. { A = 0.0, B = 0.1 }");
  TomlTableReader energies = e.table("site_energy");
  spec.basis_energy.assign(s.lattice.basis.size(), 0.0);
  const toml::table& t = *e.node("site_energy")->as_table();
  for (auto&& [label, value] : t) {
    const std::string name(label.str());
    const double x = energies.number(name, 0, -10, 10);
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
      energies.fail(name, "no mobile sublattice '" + name + "' (this lattice has " + known + ")");
  }
}

}  // namespace

// [[occupancy.species]] and [[hop.exchange]] (docs/configuration.md, "Several species").
void read_species(Validator& v, SimulationSettings& s, int64_t mobile) {
  SpeciesSettings& sp = s.species;
  if (!v.has("occupancy.species")) {
    if (v.has("hop.exchange"))
      v.fail("hop.exchange", "direct exchange needs species ([[occupancy.species]])");
    return;
  }
  for (const char* key : {"occupancy.fraction", "occupancy.vacancies"})
    if (v.has(key))
      v.fail(key, "[[occupancy.species]] sets the occupancy; give one or the other, not both");
  auto species = table_entries(v, "occupancy.species", "one per species");
  if (species.size() > static_cast<size_t>(kMaxSpecies))
    v.fail("occupancy.species", "more than " + std::to_string(kMaxSpecies) + " species");
  int64_t total = 0;
  for (TomlTableReader& e : species) {
    e.refuse_other_keys(
        {"name", "fraction", "count", "barrier", "site_energy", "z_range", "z_range_A"},
        " for a species (name, fraction or count, barrier, site_energy, z_range or z_range_A)");
    SpeciesSpec spec;
    read_species_region(e, s, spec);
    const int64_t sites = spec.region ? region_host_sites(s, spec) : mobile;
    if (!e.has("name")) e.fail("name", "missing");
    spec.name = e.string("name", "");
    for (const SpeciesSpec& other : sp.species)
      if (other.name == spec.name) e.fail("name", "species '" + spec.name + "' is given twice");
    const bool by_fraction = e.has("fraction"), by_count = e.has("count");
    if (by_fraction == by_count)
      e.fail_table(by_count ? "count" : "fraction",
                   "give fraction (of the host sites) or count (ions), one of them");
    if (by_count) {
      spec.count = e.integer("count", 0, 1, mobile);
    } else {
      spec.fraction = e.number("fraction", 0, 0, 1);
      if (std::llround(spec.fraction * double(sites)) < 1)
        e.fail("fraction", "places no ion on " + std::to_string(sites) + " sites" +
                               (spec.region ? " of its z_range" : ""));
    }
    spec.barrier = e.number("barrier", s.hop.barrier, 0, 100);
    read_species_site_energy(e, s, spec);
    const int64_t n = spec.count >= 0 ? spec.count : std::llround(spec.fraction * double(sites));
    if (spec.region && n > sites)  // only a count can ask for more than the region holds
      e.fail("count", std::to_string(n) + " ions on the " + std::to_string(sites) +
                          " host sites of its z_range");
    total += n;
    sp.species.push_back(spec);
  }
  if (total > mobile)
    v.fail("occupancy.species", "the species place " + std::to_string(total) + " ions on " +
                                    std::to_string(mobile) + " host sites");
  s.occupancy.by_vacancies = true;
  s.occupancy.vacancies = mobile - total;

  if (!v.has("hop.exchange")) return;
  for (TomlTableReader& e : table_entries(v, "hop.exchange", "one per pair of species")) {
    e.refuse_other_keys({"a", "b", "barrier"}, " for an exchange (a, b, barrier)");
    ExchangeSpec x;
    int* ends[2] = {&x.a, &x.b};
    const char* names[2] = {"a", "b"};
    for (int q = 0; q < 2; ++q) {
      if (!e.has(names[q])) e.fail(names[q], "missing");
      const std::string name = e.string(names[q], "");
      *ends[q] = -1;
      for (size_t i = 0; i < sp.species.size(); ++i)
        if (sp.species[i].name == name) *ends[q] = static_cast<int>(i);
      if (*ends[q] < 0)
        e.fail(names[q], "no species '" + name + "' in [[occupancy.species]]");
    }
    if (x.a == x.b)
      e.fail("b", "an exchange needs two different species");
    for (const ExchangeSpec& other : sp.exchange)
      if ((other.a == x.a && other.b == x.b) || (other.a == x.b && other.b == x.a))
        e.fail_table("a", "the pair " + sp.species[x.a].name + "-" + sp.species[x.b].name +
                        " is given twice");
    if (!e.has("barrier")) e.fail_table("barrier", "missing (the exchange barrier in eV)");
    x.barrier = e.number("barrier", 0, 0, 100);
    sp.exchange.push_back(x);
  }
}

}  // namespace coatkmc::config
