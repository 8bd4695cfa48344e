#include "kmc/solvers/HopSteps.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "kmc/core/Error.hpp"

namespace coatkmc {

LatticeView HopSteps::view(const Lattice& lattice) const {
  LatticeView v;
  for (int a = 0; a < 3; ++a) v.n[a] = lattice.cells()[a];
  v.nbasis = lattice.basis_size();
  v.zmax = lattice.max_coordination();
  v.steps = steps.data();
  return v;
}

Vec3 HopSteps::displacement(const int32_t cells[3], int b0, int b1) const {
  return static_cast<double>(cells[0]) * cell_vectors[0] +
         static_cast<double>(cells[1]) * cell_vectors[1] +
         static_cast<double>(cells[2]) * cell_vectors[2] + (basis_offset[b1] - basis_offset[b0]);
}

void HopSteps::begin_travel(SystemState& state) const {
  const size_t ions = state.ion_site.size();
  if (state.travel_cells.empty() && state.travel_origin.empty() && state.hops_by_length.empty()) {
    for (const Vec3& d : state.displacement)
      if (d.x != 0 || d.y != 0 || d.z != 0)
        throw std::logic_error(
            "a parallel solver took over a state that moved without its travel record");
    state.travel_cells.assign(3 * ions, 0);
    state.travel_origin = state.ion_site;
    state.hops_by_length.assign(length_sq.size(), 0);
  }
  if (state.travel_cells.size() != 3 * ions || state.travel_origin.size() != ions ||
      state.hops_by_length.size() != length_sq.size())
    throw CannotProceed("the state's travel record does not fit this lattice");
}

void HopSteps::set_displacement(SystemState& state, const Lattice& lattice, int32_t ion,
                                int32_t site) const {
  state.displacement[ion] =
      displacement(&state.travel_cells[3 * static_cast<size_t>(ion)],
                   lattice.basis_of(state.travel_origin[ion]), lattice.basis_of(site));
}

double HopSteps::sum_length_sq(const std::vector<uint64_t>& hops_by_length) const {
  double sum = 0;
  for (size_t l = 0; l < hops_by_length.size(); ++l)
    sum += static_cast<double>(hops_by_length[l]) * length_sq[l];
  return sum;
}

HopSteps make_hop_steps(const Lattice& lattice) {
  HopSteps h;
  const int nb = lattice.basis_size(), z = lattice.max_coordination();
  const LatticeDescription& d = lattice.description();
  for (int a = 0; a < 3; ++a) h.cell_vectors[a] = d.vectors[a];
  for (int b = 0; b < nb; ++b) {
    const Vec3 f = d.basis[b].fractional;
    h.basis_offset.push_back(f.x * d.vectors[0] + f.y * d.vectors[1] + f.z * d.vectors[2]);
  }
  h.steps.assign(static_cast<size_t>(nb) * z, HopStep{-1, {0, 0, 0}, 0});
  h.length_class.assign(static_cast<size_t>(nb) * z, 0);
  h.slot_length_sq.assign(static_cast<size_t>(nb) * z, 0.0);
  for (int b = 0; b < nb; ++b) {
    for (int k = 0; k < lattice.coordination(b); ++k) {
      const HopTemplate& t = lattice.hops(b)[k];
      HopStep& s = h.steps[b * z + k];
      s.to_basis = static_cast<int16_t>(t.to_basis);
      for (int a = 0; a < 3; ++a) {
        const int o = t.cell_offset[a];
        if (std::abs(o) > lattice.cells()[a] || std::abs(o) > 127)
          throw CannotProceed(
              "the parallel solvers need hops shorter than the supercell "
              "(use more cells or a shorter lattice.cutoff)");
        s.dcell[a] = static_cast<int8_t>(o);
        h.reach[a] = std::max(h.reach[a], std::abs(o));
      }
      const double l2 = t.length * t.length;
      h.slot_length_sq[b * z + k] = l2;
      size_t c = 0;
      while (c < h.length_sq.size() && std::fabs(h.length_sq[c] - l2) > 1e-9 * l2) ++c;
      if (c == h.length_sq.size()) h.length_sq.push_back(l2);
      if (c > 255) throw CannotProceed("the parallel solvers count at most 256 hop lengths");
      h.length_class[b * z + k] = static_cast<uint8_t>(c);
    }
  }
  if (h.length_sq.empty()) h.length_sq.push_back(0.0);
  return h;
}

}  // namespace coatkmc
