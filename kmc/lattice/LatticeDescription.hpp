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
  // A transition site is a mobile site a hop passes through on its way between
  // host sites (the 16c site of spinel, the tetrahedral site of rocksalt and
  // layered oxides). Ions hop into and out of it like any mobile site, but
  // none is placed there and it does not count among the mobile-ion sites of
  // the occupancy and the carrier density.
  bool transition = false;
  // Site energy (eV) of every site of this sublattice, added to any
  // landscape: how much less stable a transition site is than a host site.
  double energy = 0;
  std::string species = "";  // what sits here in the crystal ("Li", "Ti", "O"; "" = the label)
  // How much of the mobile species a structure file puts here (its
  // occupancy; a group of split positions: their sum); 1 for built-in lattices.
  // occupancy.from_file fills each host site to this (Occupancy::basis_fraction).
  double occupancy = 1;

  bool host() const { return mobile && !transition; }
};

// Which pairs of mobile sublattices are hop neighbours, within what distance
// and with what extra barrier. A rule covers both directions, so a hop and
// its reverse get the same barrier and detailed balance holds.
struct HopRule {
  std::string from, to;  // sublattice labels
  // Å; <= 0: the description's hop_cutoff when that is > 0, else the shortest
  // from-to distance times 1 + 1e-6 (the first shell between the two).
  double cutoff = 0;
  double barrier = 0;    // eV added to the bare migration barrier of these hops
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
  // Empty: every pair of mobile sites within hop_cutoff is a hop. Otherwise
  // only pairs a rule names hop; of several rules for one pair of sublattices,
  // the one with the shortest cutoff that still reaches a hop sets its barrier.
  std::vector<HopRule> hop_rules;

  int host_basis_count() const {
    int n = 0;
    for (const BasisSite& b : basis) n += b.host();
    return n;
  }
};

}  // namespace coatkmc
