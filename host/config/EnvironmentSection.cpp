// [environment] and [[environment.immobile]]: the local-environment energy
// model (docs/environment.md, docs/configuration.md "Local environment").
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "host/config/ConfigSections.hpp"
#include "host/config/EnvironmentCoefficients.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/model/EnvironmentCompiler.hpp"
#include "kmc/model/EnvironmentOrbits.hpp"

namespace coatkmc::config {

namespace {

void read_immobile(Validator& v, SimulationSettings& s) {
  EnvironmentSpec& env = s.environment;
  const toml::node* node = v.node("environment.immobile");
  auto arr = node ? node->as_array() : nullptr;
  if (!arr || arr->empty() || !arr->is_homogeneous(toml::node_type::table))
    v.fail("environment.immobile", "expected [[environment.immobile]] tables, one per species");
  std::vector<std::string> labels;
  for (const BasisSite& b : s.lattice.basis)
    if (std::find(labels.begin(), labels.end(), b.sublattice) == labels.end())
      labels.push_back(b.sublattice);
  for (TomlTableReader& e : v.tables("environment.immobile", 1)) {
    e.refuse_other_keys({"name", "sublattice", "fraction", "layers"},
                        " for an immobile species (name, sublattice, fraction, layers)");
    ImmobileSpec im;
    im.where = e.prefix();
    if (!e.has("name")) e.fail("name", "missing");
    im.name = e.string("name", "");
    if (im.name == "Va") e.fail("name", "'Va' names the vacancy");
    for (const std::string& m : env.mobile)
      if (m == im.name) e.fail("name", "'" + im.name + "' is a mobile species");
    for (const ImmobileSpec& other : env.immobile)
      if (other.name == im.name) e.fail("name", "species '" + im.name + "' is given twice");
    if (!e.has("sublattice")) e.fail("sublattice", "missing (the sublattice label it sits on)");
    im.sublattice = e.string("sublattice", "");
    if (std::find(labels.begin(), labels.end(), im.sublattice) == labels.end())
      e.fail("sublattice", "no sublattice '" + im.sublattice + "' (this lattice has " +
                               join(labels) + ")");
    const bool by_fraction = e.has("fraction"), by_layers = e.has("layers");
    if (by_fraction == by_layers)
      e.fail_table(by_layers ? "layers" : "fraction",
                   "give fraction (of the sublattice's sites) or layers (a fraction per cell "
                   "layer along the third vector), one of them");
    if (by_fraction) im.fraction = e.number("fraction", 0, 0, 1);
    else im.layers = e.number_array("layers", {}, 1, 4096, 0, 1);
    env.immobile.push_back(std::move(im));
  }
}

std::string length_text(double x_A) {
  std::ostringstream o;
  o << x_A;
  return o.str();
}

// The generating cutoffs of one part ("kra", "site"): read only when given,
// so resolved configurations without them are unchanged.
OrbitCutoffs read_orbit_cutoffs(Validator& v, const std::string& part) {
  OrbitCutoffs c;
  double* field[3] = {&c.pair_A, &c.triplet_A, &c.quadruplet_A};
  for (int n = 2; n <= 4; ++n) {
    const std::string key = "environment." + part + "_" + cluster_order_name(n) + "_cutoff_A";
    if (v.has(key)) *field[n - 2] = v.number(key, 0, 0, 50);
  }
  return c;
}

// The clusters each part may hold (listed or generated) and what generates
// them; the defaults follow the generating cutoffs (a quadruplet cutoff
// allows 4 sites, site_cutoff_A defaults to the longest site cutoff).
void read_cutoffs(Validator& v, EnvironmentSpec& env) {
  env.kra_generate = read_orbit_cutoffs(v, "kra");
  env.site_generate = read_orbit_cutoffs(v, "site");
  env.kra_cutoff_A = v.number("environment.kra_cutoff_A", 0, 0, 50);
  // Up to 4 sites: a square of sites around a window (an E_KRA plaquette)
  // is a common fitted cluster; the tables take listed clusters of any size.
  env.kra_max_sites = static_cast<int>(v.integer("environment.kra_max_sites",
                                                 env.kra_generate.quadruplet_A > 0 ? 4 : 3, 1, 4));
  const OrbitCutoffs& sg = env.site_generate;
  env.site_cutoff_A = v.number("environment.site_cutoff_A",
                               std::max({sg.pair_A, sg.triplet_A, sg.quadruplet_A}), 0, 50);
  env.site_max_sites = static_cast<int>(v.integer("environment.site_max_sites",
                                                  sg.quadruplet_A > 0 ? 4 : 3, 1, 4));
  for (int n = 2; n <= 4; ++n) {
    const std::string order = cluster_order_name(n);
    const std::string kra_key = "environment.kra_" + order + "_cutoff_A";
    const std::string site_key = "environment.site_" + order + "_cutoff_A";
    if (env.kra_generate.of_order(n) > 0 && n > env.kra_max_sites)
      v.fail(kra_key, order + "s need environment.kra_max_sites >= " + std::to_string(n) +
                          " (it is " + std::to_string(env.kra_max_sites) + ")");
    if (env.kra_generate.of_order(n) > 0 && env.kra_cutoff_A <= 0)
      v.fail(kra_key, "generates nothing: environment.kra_cutoff_A (the region around the hop's "
                      "midpoint that E_KRA clusters lie in) is 0; give it, e.g. 4.5");
    if (sg.of_order(n) > 0 && n > env.site_max_sites)
      v.fail(site_key, order + "s need environment.site_max_sites >= " + std::to_string(n) +
                           " (it is " + std::to_string(env.site_max_sites) + ")");
    if (sg.of_order(n) > env.site_cutoff_A)
      v.fail(site_key, length_text(sg.of_order(n)) + " Å is beyond environment.site_cutoff_A = " +
                           length_text(env.site_cutoff_A) +
                           " Å (no two sites of any site cluster farther apart)");
  }
}

// Orbit ids in the coefficients file become explicit clusters (the compiler
// sees only those); generation problems are reported at their cutoff key.
// Null when the file names no orbit (nothing generated: today's files load
// exactly as before) or the lattice cannot be built (its own section's error).
std::unique_ptr<GeneratedOrbits> resolve_orbits(Validator& v, SimulationSettings& s) {
  if (!needs_generated_orbits(s.environment.coefficients)) return nullptr;
  try {
    (void)hop_table(s.lattice);
  } catch (const std::invalid_argument&) {
    return nullptr;
  }
  try {
    auto orbits = std::make_unique<GeneratedOrbits>(generate_orbits(s.lattice, s.environment));
    resolve_orbit_coefficients(*orbits, s.lattice, s.environment.coefficients);
    return orbits;
  } catch (const EnvironmentError& e) {
    v.fail(e.key(), e.what());
  }
}

// The tables compile on a small copy of the supercell (the hops do not
// depend on the cell counts): problems of the coefficients are reported
// here, at their key, before anything big is built.
void check_compiles(Validator& v, SimulationSettings& s) {
  const std::unique_ptr<GeneratedOrbits> orbits = resolve_orbits(v, s);
  std::array<int, 3> cells = s.cells;
  for (int& c : cells) c = std::min(c, 16);
  std::unique_ptr<Lattice> lattice;
  try {
    lattice = std::make_unique<Lattice>(s.lattice, cells);
  } catch (const std::invalid_argument&) {
    return;  // the geometry is the lattice section's problem (plan_run reports it)
  }
  try {
    const CompiledEnvironment tables = compile_environment(*lattice, s.environment);
    // The fastest hop must stay a finite rate (plan_run checks again with the
    // landscape's site energies).
    const HopModel hop(*lattice, s.hop);
    const double bound = hop.max_rate() * std::exp(-tables.min_energy_eV / hop.kT());
    if (!std::isfinite(bound) || bound > 1e300)
      v.fail("environment.coefficients",
             s.environment.coefficients.path + ": the coefficients make a rate overflow (E_env "
             "reaches " + std::to_string(tables.min_energy_eV) + " eV, kT = " +
             std::to_string(hop.kT()) + " eV)");
    // After the compiler accepted every entry: a missing orbit is the last problem.
    if (orbits) check_every_orbit_given(*orbits, s.lattice, s.environment.coefficients);
  } catch (const EnvironmentError& e) {
    v.fail(e.key(), e.what());
  }
}

}  // namespace

void read_environment(Validator& v, LoadedConfig& cfg, SimulationSettings& s, bool listing) {
  if (!v.has("environment")) return;
  EnvironmentSpec& env = s.environment;
  env.active = true;
  if (s.solver == "walkers")
    v.fail("environment", "walkers do not see each other, so they take no environment model "
                          "(use run.solver = \"bkl\")");
  if (s.hop.interaction != 0)
    v.fail("hop.interaction", "the environment model replaces the pair interaction: give J as "
                              "a site pair cluster in environment.coefficients");
  if (v.has("hop.exchange"))
    v.fail("hop.exchange", "direct exchange does not combine with [environment]");
  read_cutoffs(v, env);
  env.mobile.clear();
  for (const SpeciesSpec& sp : s.species.species) env.mobile.push_back(sp.name);
  if (env.mobile.empty()) env.mobile.push_back("ion");
  if (v.has("environment.immobile")) read_immobile(v, s);
  if (!v.has("environment.coefficients")) {
    if (listing) return;
    v.fail("environment", "missing environment.coefficients (the JSON file of ECIs and NEB "
                          "tables)");
  }
  const std::filesystem::path file =
      config_path(v, cfg, "environment.coefficients", v.string("environment.coefficients", ""));
  std::error_code ec;
  if (listing && !std::filesystem::exists(file, ec)) {
    cfg.notes.push_back("environment.coefficients: " + file.string() +
                        " does not exist yet (not read)");
    return;
  }
  try {
    env.coefficients = read_environment_coefficients(file.string());
  } catch (const EnvironmentError& e) {
    v.fail("environment.coefficients", e.what());
  }
  check_compiles(v, s);
}

}  // namespace coatkmc::config
