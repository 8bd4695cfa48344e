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
#include "kmc/model/EnvironmentCodes.hpp"
#include "kmc/model/EnvironmentSpec.hpp"
#include "kmc/model/EnvironmentTables.hpp"

namespace coatkmc {


// Throws EnvironmentError (key "environment.coefficients" for the JSON
// file's entries, with its path and JSON pointer; "environment.immobile",
// the cutoff keys otherwise).
CompiledEnvironment compile_environment(const Lattice& lattice, const EnvironmentSpec& spec);

}  // namespace coatkmc
