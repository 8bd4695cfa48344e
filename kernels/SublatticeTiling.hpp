#pragma once
// How the sublattice solver splits a lattice into classes of sites that can
// attempt hops at the same time.
//
// An attempt from site s writes s and its hop target (cells within the hop
// reach r of s along each axis) and reads s, the target and, with an ion-ion
// interaction, the target's neighbours (within 2r). Two sites may therefore
// attempt concurrently when, along some axis, they are more than
// r + r (no interaction) or r + 2r (interaction) cells apart; that distance
// plus one is the class spacing m of the axis.
//
// Two levels make the classes:
//  * tiles: each axis is cut into an even number of tiles at least m wide (or
//    one tile when the axis is shorter than 2m). Tiles whose indices have the
//    same parity along every axis are a full tile apart, so they never touch:
//    a parity class of tiles runs in parallel (one OpenMP iteration or one CUDA
//    block per tile);
//  * site classes inside a tile: cell position mod m along each axis, times
//    the basis site. Members of one site class of one tile are m apart. A tile
//    runs its site classes one after another (a __syncthreads() apart on the GPU).
// A sweep visits the parity classes in a random order and, inside each, the
// site classes in a random order; both orders are fresh every sweep.
// An axis with one tile wraps onto itself: its positions are grouped in
// stripes of m, the last stripe (m to 2m-1 wide) giving one class per cell,
// so same-class members stay m apart across the periodic boundary too.
#include <cstdint>

#include "kernels/HostDevice.hpp"

namespace coatkmc {

struct AxisTiling {
  int32_t n = 1;        // cells along the axis
  int32_t tiles = 1;    // even >= 2, or 1 (the tile wraps onto itself)
  int32_t spacing = 1;  // m
  int32_t classes = 1;  // site classes along the axis

  KMC_HD int32_t tile_start(int32_t t) const {
    return static_cast<int32_t>((static_cast<int64_t>(t) * n) / tiles);
  }
  KMC_HD int32_t parity_count() const { return tiles >= 2 ? 2 : 1; }
  // Tiles of one parity along this axis.
  KMC_HD int32_t tiles_per_parity() const { return tiles >= 2 ? tiles / 2 : 1; }
  // Positions of class c in tile t: first, first + m, ... (count of them).
  KMC_HD void members(int32_t t, int32_t c, int32_t& first, int32_t& count) const {
    if (tiles >= 2) {
      const int32_t start = tile_start(t), width = tile_start(t + 1) - start;
      first = start + c;
      count = c < width ? (width - c + spacing - 1) / spacing : 0;
      return;
    }
    if (n < spacing) {  // every cell its own class
      first = c;
      count = 1;
      return;
    }
    const int32_t stripes = n / spacing;
    if (c < spacing) {
      first = c;
      count = stripes;
    } else {  // only in the last, wider stripe
      first = (stripes - 1) * spacing + c;
      count = 1;
    }
  }
};

struct SublatticeTiling {
  AxisTiling axis[3];
  int32_t nbasis = 1;
  int32_t mobile_basis_count = 1;  // site classes run over mobile basis sites only
  int32_t mobile_basis[64];        // their indices
  int32_t parity_classes = 1;      // product of parity_count()
  int32_t site_classes = 1;        // product of axis classes times mobile_basis_count
  int32_t tiles_per_parity = 1;

  // Parity class p: bit a set means odd tiles along axis a.
  KMC_HD int32_t parity_bit(int32_t p, int a) const {
    int32_t bit = 0, shift = 0;
    for (int d = 0; d < 3; ++d) {
      if (axis[d].parity_count() == 2) {
        if (d == a) bit = (p >> shift) & 1;
        ++shift;
      }
    }
    return bit;
  }
  // Tile coordinates of the u-th tile of parity class p.
  KMC_HD void tile_of(int32_t p, int32_t u, int32_t tile[3]) const {
    for (int a = 0; a < 3; ++a) {
      const int32_t per = axis[a].tiles_per_parity();
      const int32_t ua = u % per;
      u /= per;
      tile[a] = axis[a].tiles >= 2 ? 2 * ua + parity_bit(p, a) : 0;
    }
  }
  // Site class sigma -> class along each axis and basis site.
  KMC_HD void site_class(int32_t sigma, int32_t c[3], int32_t& b) const {
    b = mobile_basis[sigma % mobile_basis_count];
    sigma /= mobile_basis_count;
    c[0] = sigma % axis[0].classes;
    sigma /= axis[0].classes;
    c[1] = sigma % axis[1].classes;
    c[2] = sigma / axis[1].classes;
  }
};

}  // namespace coatkmc
