#include "kmc/state/ObservableSums.hpp"

#include <stdexcept>

namespace coatkmc {

ObservableMark ObservableMark::of(const SystemState& s) {
  ObservableMark m = counters_of(s);
  m.displacement = s.displacement;
  m.ion_site = s.ion_site;
  return m;
}

ObservableMark ObservableMark::counters_of(const SystemState& s) {
  ObservableMark m;
  m.time = s.time;
  m.hops = s.hops;
  m.attempts = s.attempts;
  m.sum_hop_length_sq = s.sum_hop_length_sq;
  m.hops_by_length = s.hops_by_length;
  return m;
}

ObservableSums window_counters(const SystemState& now, const ObservableMark& mark) {
  ObservableSums out;
  out.duration = now.time - mark.time;
  out.hops = now.hops - mark.hops;
  out.attempts = now.attempts - mark.attempts;
  out.sum_hop_length_sq = now.sum_hop_length_sq - mark.sum_hop_length_sq;
  if (now.hops_by_length.size() == mark.hops_by_length.size()) {
    out.hops_by_length.resize(now.hops_by_length.size());
    for (size_t l = 0; l < out.hops_by_length.size(); ++l)
      out.hops_by_length[l] = now.hops_by_length[l] - mark.hops_by_length[l];
  }
  return out;
}

ObservableSums reduce_observables(const SystemState& now, const ObservableMark& mark,
                                  const ObservableLayout& layout) {
  const size_t ions = now.ion_site.size();
  if (mark.displacement.size() != ions || mark.ion_site.size() != ions)
    throw std::invalid_argument("reduce_observables: the mark holds another number of ions");
  ObservableSums out = window_counters(now, mark);
  const int32_t species = layout.species;
  const bool labelled = species > 1 && now.ion_species.size() == ions;
  if (species > 1) out.species.assign(species, AxisSums{});
  const int32_t columns = species > 1 ? species : 1;
  out.binnings.resize(layout.binnings.size());
  for (size_t k = 0; k < layout.binnings.size(); ++k) {
    out.binnings[k].by_start_bin.assign(layout.binnings[k].bins, AxisSums{});
    out.binnings[k].ions_now.assign(static_cast<size_t>(layout.binnings[k].bins) * columns, 0);
  }
  for (size_t i = 0; i < ions; ++i) {
    const Vec3 d = now.displacement[i] - mark.displacement[i];
    out.all.add_ion(d.x, d.y, d.z);
    const int32_t q = labelled ? now.ion_species[i] : 0;
    if (labelled && q < species) out.species[q].add_ion(d.x, d.y, d.z);
    for (size_t k = 0; k < layout.binnings.size(); ++k) {
      const std::vector<int32_t>& bin = layout.binnings[k].bin_of_site;
      const int32_t from = bin[mark.ion_site[i]];
      if (from >= 0) out.binnings[k].by_start_bin[from].add_ion(d.x, d.y, d.z);
      const int32_t here = bin[now.ion_site[i]];
      if (here >= 0 && q < columns) ++out.binnings[k].ions_now[static_cast<size_t>(here) * columns + q];
    }
  }
  return out;
}

}  // namespace coatkmc
