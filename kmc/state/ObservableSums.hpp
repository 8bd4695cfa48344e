#pragma once
// The reduced observables of one window [mark, now] of one replica: every
// number the recorders (kmc/observables) read from a state at a milestone,
// per axis, so that a solver whose state lives on a device needs to send
// only these sums to the host (docs/parallel-solvers.md, "Device-resident
// state"). bkl and the CPU engines fill it with reduce_observables() below
// (the host reference); the device engines reduce the same sums on the device.
//
// Conventions:
//  * dr_i = displacement_i(now) - displacement_i(mark), Å, Cartesian axes;
//  * `all` sums every ion, `species[q]` the ions of species q
//    (SystemState::ion_species; empty with one species);
//  * binnings (slabs along the third lattice vector, layers of a multilayer:
//    ObservableLayout) group ions by the bin of the site they stood on at the
//    mark (`by_start_bin`), and count the ions of each species standing in
//    each bin now (`ions_now`, [bin * max(1, species) + q]);
//  * counters are differences now - mark; hops_by_length only for the
//    parallel solvers (empty for bkl).
// The sums over ions are taken in ion order on the host; a device reduction
// adds the same per-ion terms in another order (agreeing to rounding, 1e-12
// relative), the integer fields exactly.
#include <cstdint>
#include <vector>

#include "kernels/AxisSums.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// One way of binning sites: bin_of_site[s] in [0, bins) or -1 (in no bin).
struct SiteBinning {
  std::vector<int32_t> bin_of_site;
  int32_t bins = 0;
};

// What a reduction groups by: species count (0 or 1: one species) and binnings.
struct ObservableLayout {
  int32_t species = 0;
  std::vector<SiteBinning> binnings;
};

// The state at the start of a window: what reduce_observables() subtracts.
struct ObservableMark {
  std::vector<Vec3> displacement;  // Å, per ion
  std::vector<int32_t> ion_site;   // site of each ion at the mark (for the start bins)
  double time = 0;
  uint64_t hops = 0, attempts = 0;
  double sum_hop_length_sq = 0;  // Å^2
  std::vector<uint64_t> hops_by_length;

  static ObservableMark of(const SystemState& state);
  // The counters alone (no per-ion vectors): what an engine that keeps the
  // ions itself (kmc/solvers/EngineWindows) remembers of a mark on the host.
  static ObservableMark counters_of(const SystemState& state);
};

struct BinnedSums {
  std::vector<AxisSums> by_start_bin;  // [bin]
  std::vector<int64_t> ions_now;       // [bin * max(1, species) + q]
};

struct ObservableSums {
  double duration = 0;  // s
  uint64_t hops = 0, attempts = 0;
  double sum_hop_length_sq = 0;          // Å^2
  std::vector<uint64_t> hops_by_length;  // per HopSteps length class (parallel solvers)
  AxisSums all;
  std::vector<AxisSums> species;  // [q], empty with one species
  std::vector<BinnedSums> binnings;
};

// The window's counters, now - mark (duration, hops, attempts,
// sum_hop_length_sq, and hops_by_length when both hold the same classes),
// sums over ions left empty: the one subtraction of the host reference below
// and of the engines' windows (kmc/solvers/EngineWindows.cpp).
ObservableSums window_counters(const SystemState& now, const ObservableMark& mark);

// The host reference: sums over the ions of `now` in ion order.
ObservableSums reduce_observables(const SystemState& now, const ObservableMark& mark,
                                  const ObservableLayout& layout);

}  // namespace coatkmc
