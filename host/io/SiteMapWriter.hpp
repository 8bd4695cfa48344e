#pragma once
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
std::string site_map_xyz(const Lattice& lattice, const SiteMap& map, double hop_barrier,
                         const std::vector<std::string>& ion_species = {});

}  // namespace coatkmc
