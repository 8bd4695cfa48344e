#include "kmc/solvers/EngineWindows.hpp"

#include <stdexcept>

#include "kmc/core/Error.hpp"

namespace coatkmc {

IonWindowSetup EngineWindows::setup(const SystemState& state, const ObservableLayout& layout,
                                    const HopSteps& hops, const Lattice& lattice,
                                    int64_t first_walker) {
  IonWindowSetup s;
  s.ions = state.num_ions();
  s.first_walker = first_walker;
  for (int v = 0; v < 3; ++v) {
    s.cell[v][0] = hops.cell_vectors[v].x;
    s.cell[v][1] = hops.cell_vectors[v].y;
    s.cell[v][2] = hops.cell_vectors[v].z;
  }
  for (const Vec3& o : hops.basis_offset) s.basis_offset.insert(s.basis_offset.end(), {o.x, o.y, o.z});
  s.origin_basis.resize(state.travel_origin.size());
  for (size_t i = 0; i < state.travel_origin.size(); ++i)
    s.origin_basis[i] = lattice.basis_of(state.travel_origin[i]);
  s.species_count = layout.species;
  if (layout.species > 1 && state.ion_species.size() == state.ion_site.size())
    s.species = state.ion_species;
  if (layout.binnings.size() > static_cast<size_t>(kMaxIonBinnings))
    throw CannotProceed("observables: more binnings than an engine reduces");
  for (const SiteBinning& b : layout.binnings) {
    s.bin_of_site.push_back(b.bin_of_site);
    s.bins.push_back(b.bins);
  }
  return s;
}

void EngineWindows::bind(IonWindows& windows, int64_t ions) {
  windows_ = &windows;
  ions_ = ions;
  for (bool& m : marked_) m = false;
}

void EngineWindows::mark(const SystemState& state, int slot) {
  windows_->mark(slot);
  counters_[slot] = ObservableMark::counters_of(state);
  marked_[slot] = true;
}

void EngineWindows::restore(const SystemState& state, int slot, const ObservableMark& mark) {
  const size_t ions = state.ion_site.size();
  if (mark.displacement.size() != ions || mark.ion_site.size() != ions)
    throw std::invalid_argument("restore_mark: the mark holds another number of ions");
  std::vector<double> xyz(3 * ions);
  for (size_t i = 0; i < ions; ++i) {
    xyz[3 * i] = mark.displacement[i].x;
    xyz[3 * i + 1] = mark.displacement[i].y;
    xyz[3 * i + 2] = mark.displacement[i].z;
  }
  windows_->upload_mark(slot, xyz.data(), mark.ion_site.data());
  counters_[slot] = mark;
  counters_[slot].displacement.clear();
  counters_[slot].ion_site.clear();
  marked_[slot] = true;
}

ObservableMark EngineWindows::download(int slot) const {
  if (!marked_[slot]) throw std::logic_error("solver: window mark not set since the state was loaded");
  ObservableMark m = counters_[slot];
  const size_t ions = static_cast<size_t>(ions_);
  std::vector<double> xyz(3 * ions);
  m.ion_site.resize(ions);
  windows_->download_mark(slot, xyz.data(), m.ion_site.data());
  m.displacement.resize(ions);
  for (size_t i = 0; i < ions; ++i) m.displacement[i] = {xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]};
  return m;
}

ObservableSums EngineWindows::reduce(const SystemState& state, int slot,
                                     const ObservableLayout& layout) {
  if (!marked_[slot]) throw std::logic_error("solver: window mark not set since the state was loaded");
  const ObservableMark& m = counters_[slot];
  const WindowSums w = windows_->reduce(slot);
  ObservableSums out = window_counters(state, m);  // as the host reference
  out.all = w.all;
  out.species = w.species;
  out.binnings.resize(layout.binnings.size());
  for (size_t k = 0; k < layout.binnings.size(); ++k) {
    out.binnings[k].by_start_bin = w.by_start_bin[k];
    out.binnings[k].ions_now = w.ions_now[k];
  }
  return out;
}

}  // namespace coatkmc
