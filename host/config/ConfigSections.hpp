#pragma once
// The parts of the run configuration reader (host/config/ConfigReader.cpp), one
// per concern: the schema (known keys, "did you mean", the --set rule), and one
// parse function per section, each reading its keys through the one reader
// (TomlTableReader, over the whole document: dotted keys, defaults written
// back). A new key goes into known_keys() (ConfigSchema.cpp) and into the
// parse function of its section (docs: /work/coord/DECISIONS.md, issue 15).
#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "host/config/ConfigReader.hpp"
#include "host/config/TomlTableReader.hpp"

namespace coatkmc::config {

// The run configuration's reader: the whole document, keys as "table.key",
// every number, integer, choice and number array's default written back into
// the resolved configuration (run_config_reader in ConfigReader.cpp).
using Validator = TomlTableReader;
Validator run_config_reader(toml::table& root, LoadedConfig& cfg);

// "a, b, c".
std::string join(const std::vector<std::string>& v);

// ConfigSchema.cpp
const std::set<std::string>& known_keys();
std::string line_of(const std::string& file, const toml::node& n);
// Records where every leaf key came from and rejects keys the schema lacks.
void check_keys(const toml::table& root, LoadedConfig& cfg);
// The --set rule: KEY=VALUE (the value in TOML) replaces the file's value.
void apply_override(toml::table& root, const std::string& assignment, LoadedConfig& cfg);
// The key that line `line` of a TOML text assigns ("" when none).
std::string key_on_line(const std::string& text, int line);

// ConfigPaths.cpp: the file a path-valued key names (lattice.file,
// lattice.site_map, environment.coefficients): relative to the configuration's
// folder, or to the working directory when --set gives it; the absolute path is
// written back into the resolved configuration. `given` is copied before the
// key's node is replaced, so it may refer to that node.
std::filesystem::path config_path(Validator& v, const LoadedConfig& cfg, const std::string& key,
                                  const std::string& given);

// LatticeSection.cpp: [lattice] (type, constants, cells, geometry).
LatticeDescription read_lattice(Validator& v, LoadedConfig& cfg);
void read_cells(Validator& v, SimulationSettings& s);
// Notes and warnings on the hop network (spanning or not) of the lattice.
void report_hop_network(Validator& v, LoadedConfig& cfg, const SimulationSettings& s);

// MicrostructureSection.cpp: [microstructure] and [[microstructure.layers]].
void read_microstructure(Validator& v, LoadedConfig& cfg, SimulationSettings& s);

// SpeciesSection.cpp: [[occupancy.species]] and [[hop.exchange]].
void read_species(Validator& v, SimulationSettings& s, int64_t mobile);

// EnvironmentSection.cpp: [environment] and [[environment.immobile]] (after
// the species: their names are the model's mobile occupants). `listing`
// (coatkmc clusters): the coefficients file may be absent or not exist yet.
void read_environment(Validator& v, LoadedConfig& cfg, SimulationSettings& s, bool listing);

// RunSection.cpp: [occupancy], [hop], [run], [landscape], [sublattice], and
// the contradictions between them.
void read_occupancy(Validator& v, SimulationSettings& s);
void read_hop_and_run(Validator& v, SimulationSettings& s);
void read_landscape_and_sublattice(Validator& v, SimulationSettings& s);
void check_ion_counts(Validator& v, SimulationSettings& s, int64_t mobile);
// sublattice.class_rule = "lattice" where the lattice-wide class rule does
// not apply (after the species and the environment: the rule needs thinned
// visits) is an error of that key, unless run.solver is bkl or walkers.
void check_sublattice_class_rule(Validator& v, const SimulationSettings& s);
// A warning for sublattice runs whose collective transport lies beyond what
// was measured (docs/parallel-solvers.md, "Bias"), or "" (one place for the rule).
std::string sublattice_collective_warning(const SimulationSettings& s);

}  // namespace coatkmc::config
