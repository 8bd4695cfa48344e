#pragma once
// The window reduction of kernels/IonWindow.hpp, written once with Thrust and
// compiled twice: for Thrust's CPP system in kernels/thrust/HostIonWindows.cpp
// (the cpu and replay engines, every build) and for CUDA in
// kernels/cuda/IonWindows.cu. Include only from those two files: Thrust and
// CUB appear nowhere else.
//
// Each group (all ions, a species, a start bin of a binning) is one
// transform_reduce over the ions in which the ions outside the group add a
// zero term; the counts per bin now are transform_reduces too. That is
// (1 + species + sum of bins) passes over 28 bytes per ion at a milestone:
// small beside the sweeps between milestones (benchmarks/NOTES.md), and it
// needs no sort (a sort by key would be one pass, but Thrust's sequential
// merge sort binds references to null pointers, which UBSan refuses).
//
// Order of the sums: on the CPP system each transform_reduce adds the ions in
// ion order, the same order as the host reference (kmc/state/ObservableSums
// reduce_observables) and the recorders, so the sums are equal bit for bit;
// on CUDA they agree to rounding.
#include <thrust/copy.h>
#include <thrust/for_each.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "kernels/IonWindow.hpp"

namespace coatkmc {

// Refreshes now_displacement and now_site from the engine's travel records.
template <class Policy>
void gather_ions(const Policy& policy, const IonWindowView& v, const IonSource& src) {
  namespace th = THRUST_NS_QUALIFIER;
  const int64_t items = src.record ? src.sites : v.ions;
  th::for_each(policy, th::counting_iterator<int64_t>(0), th::counting_iterator<int64_t>(items),
               GatherIon{v, src});
}

template <class Policy>
void copy_mark(const Policy& policy, const IonWindowView& v, int32_t slot) {
  namespace th = THRUST_NS_QUALIFIER;
  th::copy(policy, v.now_displacement, v.now_displacement + 3 * v.ions,
           v.mark_displacement[slot]);
  th::copy(policy, v.now_site, v.now_site + v.ions, v.mark_site[slot]);
}

template <class Policy>
WindowSums reduce_window(const Policy& policy, const IonWindowView& v, int32_t slot) {
  namespace th = THRUST_NS_QUALIFIER;
  const th::counting_iterator<int64_t> first(0), last(v.ions);
  auto sum = [&](const IonGroup& g) {
    return th::transform_reduce(policy, first, last, IonWindowTerm{v, slot, g}, AxisSums{},
                                MergeAxisSums{});
  };
  WindowSums out;
  out.all = sum(IonGroup{});
  // As the host reference: with several species in the layout, a group per
  // species (zero when the ions carry no labels) and a count column per species.
  const bool labelled = v.species_count > 1 && v.species;
  for (int32_t q = 0; v.species_count > 1 && q < v.species_count; ++q)
    out.species.push_back(labelled ? sum({q, -1, -1}) : AxisSums{});
  const int32_t columns = v.species_count > 1 ? v.species_count : 1;
  out.by_start_bin.resize(v.binnings);
  out.ions_now.resize(v.binnings);
  for (int32_t k = 0; k < v.binnings; ++k) {
    for (int32_t b = 0; b < v.bins[k]; ++b) {
      out.by_start_bin[k].push_back(sum({-1, k, b}));
      for (int32_t q = 0; q < columns; ++q)
        out.ions_now[k].push_back(th::transform_reduce(policy, first, last,
                                                       IonInBinNow{v, k, b, q}, int64_t(0),
                                                       th::plus<int64_t>()));
    }
  }
  return out;
}

}  // namespace coatkmc
