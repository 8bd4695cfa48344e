#pragma once
// What `coatkmc clusters` writes (docs/environment.md, "Generated orbits"):
// the generated orbits as JSON and CSV, and a coefficients file with one
// zero ECI per orbit and decoration to fill in.
#include <string>

#include "kmc/model/EnvironmentOrbits.hpp"

namespace coatkmc {

// clusters.json: occupants, cutoffs, hop classes, E_KRA and site orbits
// (id, order, sites, distances, multiplicity, species basis, decorations).
std::string cluster_list_json(const GeneratedOrbits& orbits, const LatticeDescription& d,
                              const EnvironmentSpec& spec);

// clusters.csv: one row per orbit (id, hop, order, multiplicity,
// max_distance_A, decorations, sites, species_basis).
std::string cluster_list_csv(const GeneratedOrbits& orbits, const LatticeDescription& d);

// coefficients_template.json: "require_every_orbit": true and, per orbit
// and decoration, {"orbit": ID, "species": [...], "eci_eV": 0}.
std::string coefficients_template_json(const GeneratedOrbits& orbits);

}  // namespace coatkmc
