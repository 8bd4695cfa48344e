#pragma once
#include <string>
#include <vector>

#include "kmc/core/Vec3.hpp"

namespace coatkmc {

// One site of the unit cell, in fractional coordinates of the cell vectors.
struct BasisSite {
  Vec3 fractional;
  std::string sublattice;  // label, e.g. "A", "8a", "Li"
  bool mobile = true;      // mobile-ion sites take part in hops
};

// The general description every lattice is made from: textbook lattices,
// the oxide structures and CIF/POSCAR imports all produce one of these.
// Hop neighbours are never tabulated: Lattice derives them from the
// geometry with a distance cutoff.
struct LatticeDescription {
  std::string name;
  int dimension = 3;     // 2: the third vector is only a layer thickness for densities
  Vec3 vectors[3];       // cell vectors in Å (already scaled by the lattice parameter)
  std::vector<BasisSite> basis;
  // Hop cutoff in Å. <= 0 selects the nearest-neighbour shell of mobile sites
  // (shortest mobile–mobile distance times 1 + 1e-6).
  double hop_cutoff = 0.0;
};

}  // namespace coatkmc
