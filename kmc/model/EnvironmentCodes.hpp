#pragma once
// The occupants a site of the environment model can hold (occupant codes,
// kmc/model/EnvironmentTables.hpp) and their names in the coefficients file.
#include <string>
#include <vector>

#include "kmc/lattice/LatticeDescription.hpp"
#include "kmc/model/EnvironmentSpec.hpp"

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

}  // namespace coatkmc
