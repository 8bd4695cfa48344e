#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/LatticeView.hpp"
#include "kmc/core/Vec3.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// The lattice as the parallel kernels see it (kernels/LatticeView.hpp), plus
// what the host needs to turn their integer results back into Å.
struct HopSteps {
  std::vector<HopStep> steps;         // [b * zmax + k]
  std::array<int, 3> reach{0, 0, 0};  // largest |cell offset| of a hop along each axis
  // Distinct hop lengths: slot b * zmax + k has length class length_class[slot].
  std::vector<uint8_t> length_class;
  std::vector<double> length_sq;       // Å^2 per class
  std::vector<double> slot_length_sq;  // Å^2 per slot (0 for empty slots)
  Vec3 cell_vectors[3];                // Å
  std::vector<Vec3> basis_offset;      // Å, position of each basis site in its cell

  LatticeView view(const Lattice& lattice) const;
  // Unwrapped displacement, Å, of an ion that travelled `cells` and went from
  // basis site b0 to b1.
  Vec3 displacement(const int32_t cells[3], int b0, int b1) const;

  // Gives `state` the parallel solvers' integer travel record (SystemState::
  // travel_cells, travel_origin, hops_by_length) when it has none: counted
  // from here, which must be the placement (every displacement zero).
  void begin_travel(SystemState& state) const;
  // Recomputes state.displacement of `ion` at `site` from its travel record.
  void set_displacement(SystemState& state, const Lattice& lattice, int32_t ion,
                        int32_t site) const;
  // Sum over hop-length classes of count * length^2, Å^2, in class order.
  double sum_length_sq(const std::vector<uint64_t>& hops_by_length) const;
};

// Throws CannotProceed when a hop reaches further than one supercell (the
// kernels wrap once) or further than an int8 offset.
HopSteps make_hop_steps(const Lattice& lattice);

}  // namespace coatkmc
