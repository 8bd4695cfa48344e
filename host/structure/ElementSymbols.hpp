#pragma once
#include <string>
#include <vector>

#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// True for the symbol of an element of the periodic table, exactly as written
// ("Li", "O"; not "li", "A" or "Li1+").
bool is_element_symbol(const std::string& symbol);

// The element a structure file (structure.cif, POSCAR, site_map.xyz) gives a
// site, so that ASE and pymatgen read it: the site's species when it names an
// element ("Li", "Li1+" -> "Li"); for a mobile site without one, the first
// configured ion species ([[occupancy.species]] names) when every one of them
// names an element (names "A", "B" are labels, not boron); otherwise "X"
// (ASE's and pymatgen's dummy atom). The sublattice label stays beside it in
// its own column.
std::string element_of_site(const BasisSite& site, const std::vector<std::string>& ion_species);

}  // namespace coatkmc
