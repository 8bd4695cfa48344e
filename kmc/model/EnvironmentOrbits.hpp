#pragma once
// Cluster orbits generated from cutoffs (docs/environment.md, "Generated
// orbits"): every symmetry-distinct E_KRA cluster around each class of hops
// and every symmetry-distinct site cluster, with stable ids the coefficients
// file refers to ("orbit": "kra.h0.pair2"), listed by `coatkmc clusters`.
// Generation only names clusters; compile_environment still receives
// explicit clusters (resolve_orbit_coefficients fills them in).
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/model/EnvironmentClusters.hpp"
#include "kmc/model/EnvironmentCodes.hpp"
#include "kmc/model/EnvironmentSpec.hpp"

namespace coatkmc {

// Hops the space group maps onto each other (or onto each other's reverse)
// form one class and share their E_KRA coefficients.
struct HopClass {
  std::string id;                 // "h0", "h1", ... in the order of their first hop slot
  SiteRef from, to;               // the reference hop (from in cell 0): the first slot's
  std::vector<SymmetryOp> group;  // the hop's point group (maps {from, to} onto itself)
  int slots = 0;                  // hop slots (basis site, direction) in the class
};

struct GeneratedOrbit {
  std::string id;      // "kra.h0.pair2", "site.triplet0"
  int hop_class = -1;  // index into GeneratedOrbits::hops; -1 for a site-energy orbit
  Cluster sites;       // the representative: its canonical form (sites sorted;
                       // site orbits: the first site in cell 0)
  // E_KRA: clusters of the orbit around one hop; site orbits: per cell.
  int multiplicity = 0;
  double max_distance_A = 0;  // longest distance between two of its sites (0 for a point)
  // The symmetry-distinct decorations (occupant codes, one per site, never
  // the reference 0), each the lexicographically first of its class: one ECI each.
  std::vector<std::vector<int32_t>> decorations;
};

struct GeneratedOrbits {
  EnvironmentCodes codes;
  std::vector<SymmetryOp> space_group;
  std::vector<HopClass> hops;
  std::vector<GeneratedOrbit> kra;   // by hop class, order, length, distance from the midpoint
  std::vector<GeneratedOrbit> site;  // by order, length
};

// "point", "pair", "triplet", "quadruplet".
const char* cluster_order_name(int sites);

// Generates the orbits of `spec`'s cutoffs for the lattice `d` (its hops,
// kmc/lattice/Lattice.hpp hop_table, in the order a Lattice lists them). E_KRA: points within
// kra_cutoff_A of each class's reference hop midpoint, higher orders up to spec.kra_generate's
// lengths; site clusters: points of every sublattice that holds more than one occupant, higher
// orders up to spec.site_generate's lengths. Throws EnvironmentError keyed by the cutoff key when a
// cutoff would enumerate too many clusters.
GeneratedOrbits generate_orbits(const LatticeDescription& d, const EnvironmentSpec& spec);

// Fractional coordinates of a site (cell + basis position), as the
// coefficients file writes them.
Vec3 fractional_of(const LatticeDescription& d, const SiteRef& s);

// Whether any entry of `c` names an orbit, or the file asks for every one.
bool needs_generated_orbits(const EnvironmentCoefficients& c);

// Replaces every entry that names an orbit by the orbit's hop and sites (the
// species stay in the orbit's site order). Throws EnvironmentError (key
// environment.coefficients, "FILE POINTER: what") for an id that was not
// generated or a species count that does not match.
void resolve_orbit_coefficients(const GeneratedOrbits& orbits, const LatticeDescription& d,
                                EnvironmentCoefficients& c);

// With require_every_orbit: throws EnvironmentError naming the first
// generated orbit and decoration that no entry (by id or by sites) gives.
// Call after compile_environment accepted the entries.
void check_every_orbit_given(const GeneratedOrbits& orbits, const LatticeDescription& d,
                             const EnvironmentCoefficients& c);

}  // namespace coatkmc
