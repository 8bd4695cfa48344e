#include "kmc/solvers/HopSteps.hpp"

#include <cmath>
#include <cstdlib>

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
