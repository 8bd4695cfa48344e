#pragma once
#include <string>
#include <vector>

#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// The structural choices of the built-in oxide lattices (docs/structures.md).
struct OxideOptions {
  double a = 0;  // Å; cubic lattice parameter, or the hexagonal a of "layered"; <= 0: the default
  double c = 0;  // Å, hexagonal c of "layered"; <= 0: the default (LiCoO2 c/a)
  // perovskite: "none" | "layered" (La-rich and La-poor A-site layers alternating along c);
  // rocksalt:   "none" | "layered" (cation layers of Li and M alternating along [111]).
  std::string ordering = "none";
  double transition_energy =
      0.2;  // eV, of the 16c / tetrahedral transition sites over the host sites
  // Extra barrier (eV) of direct host-to-host hops of rocksalt and layered
  // oxides (the oxygen-dumbbell path that bypasses the tetrahedral site);
  // negative: no direct hops, every hop passes a tetrahedral site.
  double direct_hop_barrier = -1;
  // Oxygen positional parameter: spinel u of 32e (origin choice 1), layered z of 6c; <= 0: default.
  double oxygen_parameter = 0;
};

// Perovskite ABO3, spinel AB2O4, rocksalt and layered O3 LiMO2 as conventional
// cells with every atom of the structure, the mobile-ion sublattices mobile,
// transition sites marked and hop rules that let hops pass only where the
// crystal's paths go. Neighbours come from the rules in Lattice.
LatticeDescription make_oxide_lattice(const std::string& type, const OxideOptions& options);

// Names accepted by make_oxide_lattice, in documentation order.
const std::vector<std::string>& oxide_lattice_names();

// The lattice parameter (Å) a type takes when none is given.
double default_oxide_a(const std::string& type);

}  // namespace coatkmc
