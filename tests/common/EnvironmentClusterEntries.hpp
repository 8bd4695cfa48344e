#pragma once
// Entries of an [environment] model's coefficients written in a test as they
// would stand in a coefficients file: a site-energy cluster, an E_KRA cluster
// of a hop (by default the simple cubic hop along +x), each with the JSON
// pointer (`where`) its entry would have. Used by the tests that build toy
// models directly (test_environment_model.cpp, test_environment_index.cpp,
// test_run_memory.cpp).
#include <string>
#include <utility>
#include <vector>

#include "kmc/model/EnvironmentSpec.hpp"

namespace coatkmc::test {

inline void add_site_cluster(EnvironmentSpec& spec, FractionalSites sites,
                             std::vector<std::string> species, double eci_eV) {
  ClusterCoefficient c;
  c.sites = std::move(sites);
  c.species = std::move(species);
  c.eci_eV = eci_eV;
  c.where = "/site/" + std::to_string(spec.coefficients.site.size());
  spec.coefficients.site.push_back(std::move(c));
}

inline void add_kra_cluster(EnvironmentSpec& spec, FractionalSites sites,
                            std::vector<std::string> species, double eci_eV,
                            Vec3 hop_from = {0, 0, 0}, Vec3 hop_to = {1, 0, 0}) {
  ClusterCoefficient c;
  c.hop_from = hop_from;
  c.hop_to = hop_to;
  c.sites = std::move(sites);
  c.species = std::move(species);
  c.eci_eV = eci_eV;
  c.where = "/kra/" + std::to_string(spec.coefficients.kra.size());
  spec.coefficients.kra.push_back(std::move(c));
}

}  // namespace coatkmc::test
