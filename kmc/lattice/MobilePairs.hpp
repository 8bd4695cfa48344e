#pragma once
#include <memory>
#include <vector>

#include "kmc/lattice/CellList.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// The hop-neighbour search: the mobile sites (and periodic images) within a
// distance of a basis site, through a cell list of the mobile sites, so a
// cell of tens of thousands of atoms costs a few candidates per site instead
// of every pair in every image. The arithmetic of each pair (fractional
// difference plus whole cells, then Cartesian) is the one Lattice has always
// used, so the hops found are bit for bit those of the all-pairs search.
class MobilePairs {
 public:
  // Searches up to `reach` Å (queries may ask for less).
  MobilePairs(const LatticeDescription& description, double reach);

  // Every mobile site within `cutoff` Å (at most the reach) of basis site
  // `from`, itself excluded, unsorted; barrier 0.
  std::vector<HopTemplate> within(int from, double cutoff) const;
  double reach() const { return reach_; }

 private:
  const LatticeDescription& d_;
  double reach_;
  std::vector<int> basis_of_point_;
  std::unique_ptr<PeriodicCellList> list_;
};

// Shortest distance between two mobile sites (Å), or infinity when the
// description has fewer than two mobile sites per cell and none reach their
// own images within the longest cell vector. Searches outward from the mean
// spacing, so the cost stays that of a short-range search.
double nearest_mobile_distance(const LatticeDescription& description);

}  // namespace coatkmc
