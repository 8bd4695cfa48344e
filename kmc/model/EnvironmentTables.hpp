#pragma once
// The environment model compiled for the solvers: flat tables per hop slot
// (basis site b, direction k; slot = b * zmax + k) that any solver evaluates
// from the occupant codes of a few sites around the hop (docs/environment.md,
// "Compiled tables"). The host's bkl solver reads them here; the sublattice
// solver copies them to its engines.
//
// Occupant code of a site: its fixed immobile species when it has one, else
// 0 (vacancy; on an immobile sublattice its own atom), 1 + species of the ion
// on it. Codes < states.
//
// For the hop of slot s from its origin to its (empty) target:
//   * the slot's stencil lists the sites it reads, relative to the origin's
//     cell: [0] the origin, [1] the target, then the others;
//   * each cluster reads `size` stencil sites and forms the decoration index
//     dec = sum_i code(site[i]) * states^i; deltas[table + dec] names the
//     slot-local term to decrement (minus) and to increment (plus), -1 none;
//   * the counts c_l of the slot's local terms (ascending global id) weigh
//     into E_env = sum_l w_l * double(c_l), summed from 0.0 in that order
//     (HopEnergyEvaluator::environment), and the hop's rate is the hop
//     model's static rate times exp(-E_env / kT).
// KRA clusters and NEB tables only increment (c = how many clusters of each
// orbit and decoration surround the hop; w = the ECI or tabulated barrier);
// site-energy clusters decrement the term of their decoration before the hop
// and increment the one after (w = ECI / 2: half the energy change).
#include <array>
#include <cstdint>
#include <vector>

namespace coatkmc {

constexpr int kEnvironmentMaxClusterSites = 12;
constexpr int kEnvironmentMaxStates = 16;

struct EnvironmentSite {
  int32_t cell[3];  // cells from the origin's cell
  int32_t basis;
};

struct EnvironmentCluster {
  int32_t size;
  int32_t site[kEnvironmentMaxClusterSites];  // indices into the slot's stencil
  int32_t table;                              // offset into CompiledEnvironment::deltas
};

struct EnvironmentDelta {
  int16_t minus, plus;  // slot-local terms, -1: none
};

struct CompiledEnvironment {
  int32_t states = 1, nbasis = 0, zmax = 0;
  std::vector<int32_t> site_begin;  // per slot, nbasis * zmax + 1 entries
  std::vector<EnvironmentSite> sites;
  std::vector<int32_t> cluster_begin;  // per slot
  std::vector<EnvironmentCluster> clusters;
  std::vector<int32_t> term_begin;  // per slot
  std::vector<double> term_weight_eV;
  std::vector<int32_t> term_id;  // global id of each local term (ascending within a slot)
  std::vector<EnvironmentDelta> deltas;
  // Farthest stencil site from its slot's origin (Å) and the largest cell
  // offset of any stencil site along each vector: how far a hop's rate
  // reaches (tiling spacing, bkl's update set).
  double interaction_radius_A = 0;
  std::array<int32_t, 3> reach_cells{0, 0, 0};
  // Per basis site bx: the sites (offsets from a site x of basis bx, with
  // their basis) whose slots read x; a move that changes x's code changes
  // the rates of exactly these sites' hops.
  std::vector<int32_t> affected_begin;
  std::vector<EnvironmentSite> affected;
  // Bounds of E_env over every slot and environment (eV).
  double min_energy_eV = 0, max_energy_eV = 0;
  int32_t global_terms = 0;

  int slots() const { return nbasis * zmax; }
  bool empty() const { return clusters.empty(); }
  int stencil_size(int slot) const { return site_begin[slot + 1] - site_begin[slot]; }
  int local_terms(int slot) const { return term_begin[slot + 1] - term_begin[slot]; }

  // Adds the clusters of `slot` into counts[local term] (zeroed by the
  // caller, local_terms(slot) entries), reading codes[stencil index].
  void count(int slot, const uint8_t* codes, int32_t* counts) const {
    for (int32_t c = cluster_begin[slot]; c < cluster_begin[slot + 1]; ++c) {
      const EnvironmentCluster& cl = clusters[c];
      int32_t dec = 0;
      for (int32_t i = cl.size - 1; i >= 0; --i) dec = dec * states + codes[cl.site[i]];
      const EnvironmentDelta d = deltas[cl.table + dec];
      if (d.minus >= 0) --counts[d.minus];
      if (d.plus >= 0) ++counts[d.plus];
    }
  }
};

}  // namespace coatkmc
