#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/microstructure/Microstructure.hpp"

namespace coatkmc {

// The site map of a microstructure as extended XYZ (read by OVITO and ASE):
// every site of the supercell with its species, position (Å), sublattice,
// phase, grain (-1: none), blocked flag (1: no ion may enter), site energy
// (eV, sublattice energy included) and the mean barrier (eV) of its open hops
// (0 for immobile or fully blocked sites), and its layer (0 without layers).
// `hop_barrier` is the bare barrier.
// The species column is an element (host/structure/ElementSymbols.hpp: the
// site's species, else the first of `ion_species` when all are elements, else X).
// `fixed` (one occupant code per site, kmc/model/EnvironmentPlacement.hpp;
// empty: none) with `occupant_names` (code -> name): a site that holds an
// immobile species of [[environment.immobile]] shows it instead (its element,
// else X), and on a mobile sublattice it is blocked (no ion enters it).
std::string site_map_xyz(const Lattice& lattice, const SiteMap& map, double hop_barrier,
                         const std::vector<std::string>& ion_species = {},
                         const std::vector<uint8_t>& fixed = {},
                         const std::vector<std::string>& occupant_names = {});

}  // namespace coatkmc
