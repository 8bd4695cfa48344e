#pragma once
// Clusters of sites and their orbits under a symmetry group: the building
// blocks of the environment model's cluster expansions (docs/environment.md).
// A cluster is an ordered list of sites; its decoration a code per site.
#include <cstdint>
#include <vector>

#include "kmc/model/EnvironmentSymmetry.hpp"

namespace coatkmc {

using Cluster = std::vector<SiteRef>;

// A decorated cluster in canonical form: (site, code) pairs, the smallest
// image under the group (sites sorted; with `translate`, moved so that the
// first site lies in cell 0). Two decorated clusters are equivalent exactly
// when their keys are equal.
struct ClusterKey {
  std::vector<SiteRef> sites;
  std::vector<int32_t> codes;
  bool operator<(const ClusterKey& o) const {
    return sites != o.sites ? sites < o.sites : codes < o.codes;
  }
  bool operator==(const ClusterKey& o) const { return sites == o.sites && codes == o.codes; }
};

// `codes` empty: the undecorated cluster (all codes 0).
ClusterKey canonical_key(const std::vector<SymmetryOp>& group, const Cluster& c,
                         const std::vector<int32_t>& codes, bool translate);

// The distinct images g(c), g in `group` (as sets; each kept in the order g
// gives c's sites, so site i of an image corresponds to site i of c).
std::vector<Cluster> orbit_images(const std::vector<SymmetryOp>& group, const Cluster& c);

// Under the space group (translations included): every image of c that
// contains `site`, in c's order, each set once.
std::vector<Cluster> images_containing(const std::vector<SymmetryOp>& group, const Cluster& c,
                                       const SiteRef& site);

// Sites of the basis sites marked in `use` within `radius_A` of `center`
// (Cartesian, Å), sorted.
std::vector<SiteRef> sites_within(const LatticeDescription& d, const std::vector<bool>& use,
                                  Vec3 center, double radius_A);

// Orbit representatives (canonical, undecorated) of the clusters of 1 ..
// max_sites sites of the `use` sublattices whose sites lie pairwise within
// cutoff_A, under the space group: the site-energy clusters.
std::vector<Cluster> site_cluster_orbits(const LatticeDescription& d,
                                         const std::vector<SymmetryOp>& group,
                                         const std::vector<bool>& use, double cutoff_A,
                                         int max_sites);

// Orbit representatives of the clusters of 1 .. max_sites sites of the `use`
// sublattices within cutoff_A of the midpoint of the hop from -> to (its two
// ends excluded) under the hop's group: the E_KRA clusters of that hop.
std::vector<Cluster> hop_cluster_orbits(const LatticeDescription& d,
                                        const std::vector<SymmetryOp>& hop_ops,
                                        const std::vector<bool>& use, const SiteRef& from,
                                        const SiteRef& to, double cutoff_A, int max_sites);

}  // namespace coatkmc
