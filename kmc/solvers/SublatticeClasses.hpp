#pragma once
#include <array>
#include <cstdint>

#include "kernels/SublatticeTiling.hpp"
#include "kmc/lattice/Lattice.hpp"

namespace coatkmc {

// Largest tile width in cells: a 16^3 tile of bytes plus its halo stays in L1
// on the CPU and keeps a CUDA block's site classes a few hundred threads wide.
// Shorter axes get narrower tiles (a quarter of the axis, at least the class
// spacing) so that each parity class still has several tiles to share out.
// The tiling depends on the lattice only, never on threads or backend.
constexpr int kSublatticeTileCells = 16;

// The classes of kernels/SublatticeTiling.hpp for `lattice`, hops reaching
// `reach` cells along each axis; an interaction doubles the read radius, and
// an attempt that also reads sites `read_reach` cells from its origin (the
// environment model: kernels/EnvironmentEnergy.hpp) reads that far. Spacing
// per axis: reach + max(read radius) + 1.
SublatticeTiling make_sublattice_tiling(const Lattice& lattice, const std::array<int, 3>& reach,
                                        bool interaction,
                                        const std::array<int, 3>& read_reach = {0, 0, 0});

// The class orders of sweep `sweep`: parity_order gets a permutation of the
// parity classes, site_order (parity_classes rows of site_classes) one
// permutation of the site classes per parity class. A pure function of
// (seed, replica, sweep): Fisher-Yates on Philox words of the class-order stream.
void draw_class_orders(const SublatticeTiling& tiling, uint64_t seed, uint32_t replica,
                       uint64_t sweep, uint8_t* parity_order, uint16_t* site_order);

}  // namespace coatkmc
