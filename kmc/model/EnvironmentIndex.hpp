#pragma once
// The environment model's tables rearranged for a solver that keeps every
// hop's environment counts between moves and updates them when one site
// changes (bkl; docs/environment.md, "Cost on bkl"): which clusters read each
// stencil entry, and which hop slots read a site of each basis site.
#include <cstdint>
#include <vector>

#include "kmc/model/EnvironmentTables.hpp"

namespace coatkmc {

// A cluster that reads a stencil entry, and states^(its position in the
// cluster): the weight of that entry's code in the cluster's decoration index.
struct EnvironmentClusterMember {
  int32_t cluster;
  int32_t weight;
};

// A hop slot that reads a site x: the hop's origin s sits at `to_origin` from
// x (cells, and s's basis site), the hop is s's slot k, and x is entry
// `entry` of that slot's stencil (0: x is the origin, 1: the target).
struct EnvironmentReader {
  EnvironmentSite to_origin;
  int32_t k;
  int32_t entry;
};

struct EnvironmentIndex {
  // Per stencil entry (index into CompiledEnvironment::sites, plus one end).
  std::vector<int32_t> member_begin;
  std::vector<EnvironmentClusterMember> members;
  // Per basis site bx (nbasis + 1): the slots that read a site of basis bx,
  // grouped by the hop's origin, then slot.
  std::vector<int32_t> reader_begin;
  std::vector<EnvironmentReader> readers;
  int32_t max_terms = 0;     // the most local terms of any slot
  int32_t max_clusters = 0;  // the most clusters of any slot (bounds every count)
};

EnvironmentIndex make_environment_index(const CompiledEnvironment& tables);

// Where a slot's count vectors are few, the factor of each is tabulated.
// Each count lies in a range known from the slot's clusters (lo_l = minus the
// clusters that can decrement term l, hi_l = those that can increment it), so
// the count vector has a mixed-radix index
//     index = sum_l (c_l - lo_l) * stride_l,
// every cluster's decoration moves it by a fixed integer step, and the
// factor exp(-E_env / kT) of every index is made here with the very
// expression EnvironmentModel::factor evaluates: a rate read from the table
// is the same double as one computed.
struct EnvironmentFactorTable {
  std::vector<int64_t> table_begin;  // per slot: start in `factor` (slots of equal terms share); [slots]: size
  std::vector<int32_t> base;         // per slot: the index of all-zero counts
  std::vector<int32_t> step;         // per entry of CompiledEnvironment::deltas: index change
  std::vector<double> factor;        // exp(-E_env / kT) per slot and index

  bool empty() const { return table_begin.empty(); }
  // The index of a slot's counts from its stencil codes (codes[entry]).
  int32_t index_of(const CompiledEnvironment& t, int slot, const uint8_t* codes) const {
    int32_t index = base[slot];
    for (int32_t c = t.cluster_begin[slot]; c < t.cluster_begin[slot + 1]; ++c) {
      const EnvironmentCluster& cl = t.clusters[c];
      int32_t dec = 0;
      for (int32_t i = cl.size - 1; i >= 0; --i) dec = dec * t.states + codes[cl.site[i]];
      index += step[cl.table + dec];
    }
    return index;
  }
};

// The table at temperature kT (eV), or an empty one when some slot has more
// than `max_slot_entries` count vectors or all slots together more than
// `max_total_entries`.
EnvironmentFactorTable make_environment_factor_table(const CompiledEnvironment& tables, double kT,
                                                     int64_t max_slot_entries = int64_t(1) << 20,
                                                     int64_t max_total_entries = int64_t(1) << 22);

}  // namespace coatkmc
