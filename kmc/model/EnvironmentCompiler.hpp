#pragma once
// Turns the environment model's input (EnvironmentSpec: cutoffs, immobile
// species, coefficients) into the flat tables of EnvironmentTables.hpp, for
// the hops of `lattice`. Clusters and patterns are grouped by the lattice's
// symmetry (EnvironmentSymmetry.hpp): E_KRA clusters and NEB patterns under
// each hop's point group (operations that map the hop onto itself or its
// reverse), site-energy clusters under the space group.
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/model/EnvironmentSpec.hpp"
#include "kmc/model/EnvironmentTables.hpp"

namespace coatkmc {

// Which occupant codes each basis site can hold (code 0 always; mobile
// species on mobile sites; an immobile species on its sublattice's sites),
// and the name of every code ("Va", mobile names, immobile names).
struct EnvironmentCodes {
  std::vector<std::string> names;
  std::vector<std::vector<bool>> allowed;  // [basis][code]
  int states() const { return static_cast<int>(names.size()); }
  // Basis sites whose code can change or differ: the sites clusters use.
  std::vector<bool> cluster_sites() const;
  // Code of a name, -1 when there is none.
  int code_of(const std::string& name) const;
};
EnvironmentCodes environment_codes(const LatticeDescription& d, const EnvironmentSpec& spec);

// Throws EnvironmentError (key "environment.coefficients" for the JSON
// file's entries, with its path and JSON pointer; "environment.immobile",
// the cutoff keys otherwise).
CompiledEnvironment compile_environment(const Lattice& lattice, const EnvironmentSpec& spec);

}  // namespace coatkmc
