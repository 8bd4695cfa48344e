#pragma once
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// How the hop network of the infinite periodic crystal hangs together: its
// clusters (sets of mobile sites joined by hops), and for each the number of
// independent directions in which it runs through the crystal (0: a finite
// cluster, an ion in it only rattles; 1: chains; 2: layers; 3: everywhere).
// Found on the unit cell's hop templates: a cluster's dimensionality is the
// rank of the cell translations of the closed loops through it, so no
// supercell is built and the answer does not depend on its size.
struct HopNetwork {
  int clusters = 0;              // clusters that hold host sites
  int dimensionality = 0;        // of the largest cluster
  int best_dimensionality = 0;   // of the best-connected cluster
  int largest_host_sites = 0;    // host sites per cell in the largest cluster
  int host_sites = 0;            // host sites per cell
  int spanning_host_sites = 0;   // host sites per cell in clusters of dimensionality >= 1
  bool spans() const { return best_dimensionality > 0; }
  // "3D, largest cluster 8 of 8 host sites per cell".
  std::string summary() const;
};

// hops[b]: the hops of basis site b (Lattice::hops, or any template list).
HopNetwork analyze_hop_network(const LatticeDescription& description,
                               const std::vector<std::vector<HopTemplate>>& hops);
HopNetwork analyze_hop_network(const Lattice& lattice);

// The default hop cutoff of an imported structure: mobile-mobile distances up
// to kMaxDefaultHop are sorted, and the cutoffs considered are the ends of
// the groups that a clear gap (the next distance at least 5 % longer)
// separates. The first that makes the network percolate in the lattice's full
// dimension is taken; when none does, the shortest that reaches the best
// dimensionality found. With a single shell this is the nearest-neighbour
// cutoff the textbook lattices use (nearest distance times 1 + 1e-6).
struct HopCutoffChoice {
  double cutoff = 0;  // Å
  HopNetwork network;
  std::string explanation;  // what was chosen and why, for a note
};
constexpr double kMaxDefaultHop = 4.5;  // Å
HopCutoffChoice choose_hop_cutoff(const LatticeDescription& description);

}  // namespace coatkmc
