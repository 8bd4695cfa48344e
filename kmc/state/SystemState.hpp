#pragma once
#include <cstdint>
#include <vector>

#include "kmc/core/Vec3.hpp"
#include "kmc/lattice/Lattice.hpp"

namespace coatkmc {

// Everything that evolves during a run of one replica. Solvers mutate it;
// observables only read it.
struct SystemState {
  std::vector<int32_t> site_ion;    // ion index at each site, -1 when empty
  std::vector<uint8_t> occupied;    // 1 where an ion sits: a byte per site keeps hot loops in cache
  std::vector<int32_t> ion_site;    // site of each ion
  std::vector<Vec3> displacement;   // unwrapped displacement of each ion since the start, Å
  // The parallel solvers' form of the displacement, exact integers that do not
  // depend on where a run was stopped and restarted: whole cells each ion has
  // travelled since its placement ([3 * ion + axis]) and its site then, so
  // displacement = cells . cell vectors + basis offset(now) - basis offset(then)
  // (HopSteps::displacement), recomputed from them, never accumulated.
  // Empty for bkl, which adds each hop to `displacement` as it happens.
  std::vector<int32_t> travel_cells;
  std::vector<int32_t> travel_origin;
  // Parallel solvers: accepted hops per hop-length class (HopSteps::length_sq);
  // sum_hop_length_sq is recomputed from these counts, so it does not depend on
  // how the hops were grouped into rounds or batches.
  std::vector<uint64_t> hops_by_length;
  // Species of each ion (an index into a solver's per-species table); empty: one species.
  std::vector<uint8_t> ion_species;
  std::vector<uint8_t> occupied_neighbors;  // occupied hop neighbours of each site
  // Solvers without an ion-ion interaction skip maintaining occupied_neighbors;
  // then this is false and a solver that needs the counts calls recount_neighbors().
  bool neighbor_counts_valid = true;
  double time = 0;                  // simulated time, s
  uint64_t hops = 0;                // accepted hops
  uint64_t attempts = 0;            // attempts including rejected and null ones
  double sum_hop_length_sq = 0;     // sum over accepted hops of l^2, Å^2
  uint64_t rng_step = 0;            // next counter value of the dynamics stream
  uint32_t replica = 0;

  int64_t num_ions() const { return static_cast<int64_t>(ion_site.size()); }

  // Moves ion at `from` to the empty `to` along `dr`, keeping every array consistent
  // (occupied_neighbors only when `count_neighbors`; otherwise they are marked stale).
  void move_ion(const Lattice& lattice, int32_t from, int32_t to, Vec3 dr, double length_sq,
                bool count_neighbors = true);
  // The two halves of move_ion, for solvers that want the displacement update
  // (a cache miss on big systems) issued late: relocate_ion updates occupancy
  // and returns the ion; record_hop adds the hop to its displacement and counters.
  int32_t relocate_ion(const Lattice& lattice, int32_t from, int32_t to, bool count_neighbors);
  void record_hop(int32_t ion, Vec3 dr, double length_sq) {
    displacement[ion] += dr;
    ++hops;
    sum_hop_length_sq += length_sq;
  }
  // Direct exchange ([[hop.exchange]]): the ions on the occupied sites `a` and
  // `b` swap, the one from `a` moving dr, the other -dr. Occupancy and
  // neighbour counts do not change; it counts as two hops (two ions moved).
  void exchange_ions(int32_t a, int32_t b, Vec3 dr, double length_sq) {
    const int32_t ia = site_ion[a], ib = site_ion[b];
    site_ion[a] = ib;
    site_ion[b] = ia;
    ion_site[ia] = b;
    ion_site[ib] = a;
    record_hop(ia, dr, length_sq);
    record_hop(ib, -1.0 * dr, length_sq);
  }
  // Recomputes occupied_neighbors from the occupancy.
  void recount_neighbors(const Lattice& lattice);
};

// How many ions to place: a fraction of the mobile sites, or all but `vacancies`.
struct Occupancy {
  bool by_vacancies = false;
  double fraction = 0.5;
  int64_t vacancies = 0;
  // occupancy.from_file: the filling of every basis site, the structure file's
  // own mobile occupancy (empty: every open host site alike, at `fraction`).
  // The open sites of basis site b then hold basis_fraction[b] times their
  // number of ions, apportioned (ions_by_basis).
  std::vector<double> basis_fraction;
  // Ions on `mobile_sites` open host sites filled alike (by_vacancies or
  // fraction; with basis_fraction the mean filling, an estimate).
  int64_t ion_count(int64_t mobile_sites) const;
  // With basis_fraction: the ions on the open sites of each basis site
  // (open[b]), by largest remainder, so that they add up to the rounded total
  // round(sum_b basis_fraction[b] open[b]) and each is within one ion of its share.
  std::vector<int64_t> ions_by_basis(const std::vector<int64_t>& open) const;
  // Ions place_ions puts on a lattice's open host sites (blocked: as there).
  int64_t ion_count(const Lattice& lattice, const std::vector<uint8_t>& blocked = {}) const;
};

// Places ions on host sites (mobile, not transition sites) uniformly at random,
// skipping sites marked in `blocked` (empty or one byte per site); the
// occupancy counts the open host sites (with basis_fraction, those of each
// basis site apart: the structure file's occupancies seed the filling site by
// site). A pure function of (seed, replica),
// so every backend starts from the same configuration.
SystemState place_ions(const Lattice& lattice, const Occupancy& occupancy, uint64_t seed,
                       uint32_t replica, const std::vector<uint8_t>& blocked = {});

}  // namespace coatkmc
