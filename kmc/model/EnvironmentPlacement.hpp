#pragma once
// Where the immobile species of [[environment.immobile]] sit: frozen for the
// whole run and the same in every replica, like a microstructure.
#include <cstdint>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/model/EnvironmentSpec.hpp"

namespace coatkmc {

// One byte per site: 0 where no immobile species sits, else its occupant
// code (1 + mobile species + its index in spec.immobile). Species are placed
// in table order, each on the free sites of its sublattice layer by layer
// along the third lattice vector (the cell index): layer z gets
// round(p_z * free sites of the layer) of them, p_z = layers[z % size] (or
// `fraction`), chosen by a partial Fisher-Yates shuffle from the immobile
// stream of `seed` (keyed by species and layer). A pure function of its inputs.
std::vector<uint8_t> place_immobile(const Lattice& lattice, const EnvironmentSpec& spec,
                                    uint64_t seed);

}  // namespace coatkmc
