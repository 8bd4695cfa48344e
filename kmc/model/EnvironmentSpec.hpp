#pragma once
// The local-environment energy model as the configuration gives it
// ([environment] in the TOML file, its coefficients in a JSON file;
// docs/environment.md). Pure data: host/config fills it, compile_environment
// (EnvironmentCompiler.hpp) turns it into the flat tables the solvers read.
#include <stdexcept>
#include <string>
#include <vector>

#include "kmc/core/Vec3.hpp"

namespace coatkmc {

// An immobile species ([[environment.immobile]]): host cations or dopants
// frozen on the sites of one sublattice. On a mobile sublattice they close
// their sites to the ions; on an immobile one (e.g. Nb on the Ti sites) they
// only decorate the environment.
struct ImmobileSpec {
  std::string name;
  std::string sublattice;     // label of the basis sites it sits on
  double fraction = 0;        // of that sublattice's sites
  // Fraction per layer of cells along the third lattice vector, repeating
  // (layer z uses layers[z % size]); empty: `fraction` everywhere. [1, 0]
  // fills every other layer (ordered), [f] is random at f.
  std::vector<double> layers;
  std::string where;  // the key, for messages ("environment.immobile[1]")
};

// Sites of a cluster or NEB pattern are fractional coordinates of the cell
// vectors (integer parts select other cells), as in the coefficients file.
using FractionalSites = std::vector<Vec3>;

// One effective cluster interaction: the clusters equivalent to `sites` by
// symmetry, decorated by symmetry-equivalent arrangements of `species`, each
// add `eci_eV`. KRA entries also name the hop they belong to.
struct ClusterCoefficient {
  Vec3 hop_from, hop_to;  // KRA entries only
  FractionalSites sites;
  std::vector<std::string> species;  // one name per site, never "Va"
  double eci_eV = 0;
  std::string where;  // JSON pointer of the entry, e.g. "/kra/3"
  // The entry named a generated orbit ("kra.h0.pair2", EnvironmentOrbits.hpp)
  // instead of hop + sites; resolve_orbit_coefficients fills hop_*/sites from
  // the orbit's representative cluster.
  std::string orbit;
};

struct NebPattern {
  std::vector<std::string> occupation;  // one name per position ("Va" = code 0)
  double barrier_eV = 0;
  std::string where;
};

// Barriers from NEB, tabulated per arrangement of the occupants of listed
// positions around one hop (and all hops equivalent to it), up to the hop's
// symmetry; other arrangements get `default_eV`.
struct NebTable {
  Vec3 hop_from, hop_to;
  FractionalSites positions;
  double default_eV = 0;
  std::vector<NebPattern> patterns;
  std::string where;
};

struct EnvironmentCoefficients {
  std::string path;  // the JSON file, for messages
  std::vector<ClusterCoefficient> kra;
  std::vector<ClusterCoefficient> site;
  std::vector<NebTable> neb;
  // "require_every_orbit": every generated orbit and decoration must have an
  // entry (a zero ECI included), so a fit that left one out is an error.
  bool require_every_orbit = false;
};

// Cutoffs that generate cluster orbits (0: that order is not generated): the
// longest distance between two sites of a cluster, Å.
struct OrbitCutoffs {
  double pair_A = 0, triplet_A = 0, quadruplet_A = 0;
  double of_order(int n) const {
    return n == 2 ? pair_A : n == 3 ? triplet_A : n == 4 ? quadruplet_A : 0;
  }
  bool any() const { return pair_A > 0 || triplet_A > 0 || quadruplet_A > 0; }
};

struct EnvironmentSpec {
  bool active = false;
  // E_KRA clusters: every site within kra_cutoff_A of the hop's midpoint
  // (the two ends excluded), at most kra_max_sites sites.
  double kra_cutoff_A = 0;
  int kra_max_sites = 3;
  // Site-energy clusters: no two sites farther apart than site_cutoff_A, at
  // most site_max_sites sites (1 point, 2 pairs, 3 triplets).
  double site_cutoff_A = 0;
  int site_max_sites = 3;
  // Generated orbits (docs/environment.md, "Generated orbits"): E_KRA
  // clusters of every hop class within kra_cutoff_A of the midpoint, site
  // clusters; points always, higher orders up to these lengths.
  OrbitCutoffs kra_generate, site_generate;
  std::vector<ImmobileSpec> immobile;
  // Names of the mobile species (occupant codes 1..S, in this order);
  // filled from [[occupancy.species]], or {"ion"} for one species.
  std::vector<std::string> mobile;
  EnvironmentCoefficients coefficients;
};

// A problem with the model's input: `key` is the configuration key it
// belongs to ("environment.coefficients", "environment.immobile[1].sublattice"),
// `message` one line (for the coefficients file it starts with the file and
// the JSON pointer of the entry).
class EnvironmentError : public std::invalid_argument {
 public:
  EnvironmentError(std::string key, const std::string& message)
      : std::invalid_argument(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

}  // namespace coatkmc
