#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// The hop targets of one site: target k = base + offsets[k], k < count.
// Either a row of the dense table (base 0) or a shared stencil row (base = site).
struct NeighborRow {
  int64_t base;
  int count;
  const int32_t* offsets;
  int32_t operator[](int k) const { return static_cast<int32_t>(base + offsets[k]); }
};

// A hop from a basis site to a neighbouring basis site, `cell_offset` cells away.
struct HopTemplate {
  int to_basis = 0;
  std::array<int, 3> cell_offset{0, 0, 0};
  Vec3 displacement;  // Å
  double length = 0;  // Å
  double barrier = 0;  // eV added to the bare barrier (the description's hop rule)
};

// The hops of every basis site of a description: what a Lattice of any cell
// counts is built from (its neighbour table is these templates laid over the
// cells). Checks that need only the hops (the geometry check, the hop network,
// the coordination a run's memory estimate needs) take this instead of building
// a lattice, whose neighbour table for a large structure file costs far more.
struct HopTable {
  double cutoff = 0;  // Å, defaults resolved
  std::vector<std::vector<HopTemplate>> hops;  // per basis site, in direction order
  int zmax = 0;  // largest number of hops of a basis site
};
// Throws std::invalid_argument as Lattice does: no basis or no mobile-ion sites,
// a hop rule naming no mobile sublattice, no hop neighbour within the cutoff.
HopTable hop_table(const LatticeDescription& description);

// A hop table with the description it was made from, so one search serves
// every later user of that description (the hop network, the memory
// estimate, the run's Lattice) instead of a search in each (the search is
// most of what a large structure file costs after its import).
struct KnownHops {
  LatticeDescription description;
  HopTable table;
};
// known->table when `known` was made from this description, equal bit for bit
// (so a description changed since can never use a stale table); else nullptr.
const HopTable* hops_if_known(const LatticeDescription& description, const KnownHops* known);

// A periodic supercell built from a LatticeDescription. Sites are numbered
// site = ((k * n1 * n2) + j * n1 + i) * nbasis + b, so neighbour positions can
// also be recomputed from the Bravais index (the GPU path does this); the CPU
// keeps a dense neighbour table for speed.
class Lattice {
 public:
  // `hops`: hop_table(description) when the caller has it (hops_if_known); null: searched here.
  Lattice(LatticeDescription description, std::array<int, 3> cells,
          const HopTable* hops = nullptr);

  const LatticeDescription& description() const { return desc_; }
  int dimension() const { return desc_.dimension; }
  const std::array<int, 3>& cells() const { return cells_; }
  int basis_size() const { return static_cast<int>(desc_.basis.size()); }
  int64_t num_sites() const { return num_sites_; }
  int64_t num_mobile_sites() const { return num_mobile_; }
  int basis_of(int64_t site) const { return static_cast<int>(site % basis_size()); }
  bool is_mobile(int64_t site) const { return desc_.basis[basis_of(site)].mobile; }
  // Host sites: the mobile sites ions are placed on (mobile, not transition sites).
  int64_t num_host_sites() const { return num_host_; }
  bool is_host(int64_t site) const { return desc_.basis[basis_of(site)].host(); }
  // Site energy (eV) the description gives every site of this one's sublattice.
  double basis_energy(int64_t site) const { return desc_.basis[basis_of(site)].energy; }

  // Largest number of hop neighbours of any site; rows of the neighbour table are this wide.
  int max_coordination() const { return zmax_; }
  int coordination(int basis) const { return static_cast<int>(hops_[basis].size()); }
  const std::vector<HopTemplate>& hops(int basis) const { return hops_[basis]; }
  const HopTemplate& hop(int64_t site, int k) const { return hops_[basis_of(site)][k]; }
  // Target of the k-th hop of `site`, or -1 where the site has fewer than zmax hops.
  int32_t neighbor(int64_t site, int k) const { return neighbors_[site * zmax_ + k]; }
  const int32_t* neighbor_row(int64_t site) const { return &neighbors_[site * zmax_]; }
  // Hop targets of `site` for hot loops. Sites whose wrapped neighbourhood looks
  // alike (interior, or touching the same supercell faces) share one stencil row of
  // offsets, so a loop touches a byte per site instead of a dense row of
  // max_coordination ints: the working set of big lattices then stays in cache.
  NeighborRow neighbors_of(int64_t site) const {
    if (!site_class_.empty()) {
      const int c = site_class_[site];
      return {site, class_count_[c], &class_offsets_[c * zmax_]};
    }
    return {0, coordination(basis_of(site)), &neighbors_[site * zmax_]};
  }
  // Index k' of the hop at neighbor(site,k) that leads back to `site`.
  int reverse_direction(int basis, int k) const { return reverse_[basis][k]; }

  Vec3 position(int64_t site) const;
  // Volume in Å^3 (2D: area times the layer thickness, the length of the third vector).
  double volume() const;
  double hop_cutoff() const { return cutoff_; }

 private:
  LatticeDescription desc_;
  std::array<int, 3> cells_;
  int64_t num_sites_ = 0, num_mobile_ = 0, num_host_ = 0;
  int zmax_ = 0;
  double cutoff_ = 0;
  std::vector<std::vector<HopTemplate>> hops_;
  std::vector<std::vector<int>> reverse_;
  std::vector<int32_t> neighbors_;
  std::vector<uint8_t> site_class_;     // empty when the stencil does not apply
  std::vector<int32_t> class_offsets_;  // per class, zmax offsets
  std::vector<int> class_count_;
  void build_stencil();
};

}  // namespace coatkmc
