#pragma once
// The nearest-neighbour interaction J of hop.interaction written as an
// [environment] model: one site pair term of ECI J between nearest
// neighbours of the simple cubic lattice of constant a. The tests that check
// the environment path runs the J model's trajectory bit for bit build it
// here (test_environment_model.cpp on bkl, test_sublattice_environment.cpp on
// the sublattice solver).
#include "kmc/model/EnvironmentSpec.hpp"

namespace coatkmc::test {

inline EnvironmentSpec nearest_neighbour_pair_spec(double a_A, double j_eV) {
  EnvironmentSpec spec;
  spec.active = true;
  spec.mobile = {"ion"};
  spec.site_cutoff_A = a_A * 1.001;
  spec.site_max_sites = 2;
  ClusterCoefficient pair;
  pair.sites = {{0, 0, 0}, {1, 0, 0}};
  pair.species = {"ion", "ion"};
  pair.eci_eV = j_eV;
  spec.coefficients.site.push_back(pair);
  return spec;
}

}  // namespace coatkmc::test
