#pragma once
// Checks shared by the structure-import tests (test_structure_import.cpp,
// test_structure_symmetry.cpp, test_structure_occupancy.cpp, test_site_map.cpp):
// distances under periodic images, an atom-for-atom comparison of two lattice
// descriptions, and a garnet with split Li positions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "kmc/lattice/Lattice.hpp"

namespace coatkmc_test {

// The shipped structure files.
inline const std::string kStructures = std::string(COATKMC_SOURCE_DIR) + "/configs/structures";

// Cubic Li7La3Zr2O12, Ia-3d (Awaka et al., Chem. Lett. 40, 60 (2011), rounded):
// Li1 on the tetrahedral 24d site, Li2 on 96h split around the octahedral 48g site.
inline const char* kGarnet =
    "data_LLZO\n_cell_length_a 12.97\n_cell_length_b 12.97\n_cell_length_c 12.97\n"
    "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
    "_space_group_name_H-M_alt 'I a -3 d'\n"
    "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
    "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
    "La1 La 0.125 0 0.25 1\nZr1 Zr 0 0 0 1\nO1 O 0.281 0.100 0.195 1\n"
    "Li1 Li 0.375 0 0.25 0.56\nLi2 Li 0.100 0.685 0.580 0.44\n";

// Shortest distance (Å) between fractional positions f and g, over periodic images.
inline double periodic_distance(const coatkmc::LatticeDescription& d, coatkmc::Vec3 f,
                                coatkmc::Vec3 g) {
  using coatkmc::Vec3;
  Vec3 df = f - g;
  df = {df.x - std::round(df.x), df.y - std::round(df.y), df.z - std::round(df.z)};
  double best = 1e9;
  for (int i = -1; i <= 1; ++i)
    for (int j = -1; j <= 1; ++j)
      for (int k = -1; k <= 1; ++k) {
        const Vec3 x = df + Vec3{double(i), double(j), double(k)};
        best = std::min(best, norm(x.x * d.vectors[0] + x.y * d.vectors[1] + x.z * d.vectors[2]));
      }
  return best;
}

// Every atom of `expected` (transition sites left out) has exactly one atom
// of `got` of the same species (and, with `same_mobility`, the same mobility)
// within `tol` Å, and there are no others.
inline void expect_same_atoms(const coatkmc::LatticeDescription& expected,
                              const coatkmc::LatticeDescription& got, double tol,
                              bool same_mobility) {
  size_t atoms = 0;
  for (const coatkmc::BasisSite& e : expected.basis) {
    if (e.transition) continue;
    ++atoms;
    int matches = 0;
    for (const coatkmc::BasisSite& g : got.basis)
      if (periodic_distance(got, e.fractional, g.fractional) < tol) {
        ++matches;
        EXPECT_EQ(g.species, e.species) << e.sublattice;
        if (same_mobility) EXPECT_EQ(g.mobile, e.mobile) << e.sublattice;
      }
    EXPECT_EQ(matches, 1) << e.sublattice << " at " << e.fractional.x << " " << e.fractional.y
                          << " " << e.fractional.z;
  }
  EXPECT_EQ(got.basis.size(), atoms);
}

}  // namespace coatkmc_test
