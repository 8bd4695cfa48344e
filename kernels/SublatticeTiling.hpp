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
//  * site classes inside a tile, one of two rules (times the mobile basis site):
//    - the box rule: cell position mod m along each axis (m^3 classes);
//      members of one site class of one tile are m apart along every axis;
//    - the linear rule, when every axis has two or more tiles and it needs
//      fewer classes: class j holds the cells c (tile-local) with
//      (c0 + k1 c1 + k2 c2) mod M == j, where M and k were searched on the
//      host (kmc/solvers/SublatticeClasses.cpp) so that k . d mod M != 0 for
//      every cell displacement d at which two attempts from the same basis
//      site conflict (one writes what the other reads or writes). sc without
//      an interaction: M = 7, k = (1, 2, 3) (the perfect code of Z^3: same-class
//      sites are at least 3 hops apart), 7 classes instead of 27. Tiles of a
//      parity class stay a tile apart, so tile-local coordinates are enough.
//    Either way a class is a set of rows (g1, g2) along axis 0, each holding
//    the cells first0 + e, e = start(g1, g2) + g0 step0 < span0 (class_rows()).
//    A tile runs its site classes one after another (a __syncthreads() apart
//    on the GPU).
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

// The rows of one site class of one tile (both rules): row (g1, g2),
// g1 < count1, g2 < count2, lies at cells first1 + g1 step1, first2 + g2
// step2 along axes 1 and 2; its members are the cells first0 + e along axis 0,
// e = row_start(g1, g2) + g0 step0 < span0 (g0 = 0, 1, ...).
struct ClassRows {
  int32_t first[3];
  int32_t b;  // basis site
  int32_t count1, count2;
  int32_t span0;    // 0: the class has no members in this tile
  int32_t step[3];  // cells between members along each axis
  int32_t phase;    // the linear rule's class j (0 under the box rule)
};

struct SublatticeTiling {
  AxisTiling axis[3];
  int32_t nbasis = 1;
  int32_t mobile_basis_count = 1;  // site classes run over mobile basis sites only
  int32_t mobile_basis[64];        // their indices
  int32_t parity_classes = 1;      // product of parity_count()
  int32_t site_classes = 1;        // product of axis classes times mobile_basis_count
  int32_t tiles_per_parity = 1;
  // The linear rule (0: the box rule): M, the multipliers k1, k2 of c1, c2,
  // and M - k mod M, which give a row's start without a negative number.
  int32_t code_modulus = 0;
  int32_t code_k[2] = {0, 0};
  int32_t code_back[2] = {0, 0};
  uint32_t code_magic = 0;  // ceil(2^32 / M) (0 for M <= 1): x / M as a multiply-high

  // Cells between a class's members along axis a (its rows' step).
  KMC_HD int32_t member_step(int a) const {
    return code_modulus > 0 ? (a == 0 ? code_modulus : 1) : axis[a].spacing;
  }
  // Spatial classes per tile (site_classes / mobile_basis_count).
  KMC_HD int32_t spatial_classes() const {
    return code_modulus > 0 ? code_modulus : axis[0].classes * axis[1].classes * axis[2].classes;
  }

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
  // The rows of site class sigma in tile `tile`.
  KMC_HD void class_rows(const int32_t tile[3], int32_t sigma, ClassRows& r) const {
    if (code_modulus > 0) {
      r.b = mobile_basis[sigma % mobile_basis_count];
      r.phase = sigma / mobile_basis_count;
      int32_t width[3];
      for (int a = 0; a < 3; ++a) {
        r.first[a] = axis[a].tile_start(tile[a]);
        width[a] = axis[a].tile_start(tile[a] + 1) - r.first[a];
      }
      r.count1 = width[1];
      r.count2 = width[2];
      r.span0 = width[0];
      r.step[0] = code_modulus;
      r.step[1] = r.step[2] = 1;
      return;
    }
    int32_t c[3], count[3];
    site_class(sigma, c, r.b);
    for (int a = 0; a < 3; ++a) {
      axis[a].members(tile[a], c[a], r.first[a], count[a]);
      r.step[a] = axis[a].spacing;
    }
    // A class without members along some axis has no rows.
    const bool empty = count[0] <= 0 || count[1] <= 0 || count[2] <= 0;
    r.count1 = empty ? 0 : count[1];
    r.count2 = empty ? 0 : count[2];
    r.span0 = empty ? 0 : (count[0] - 1) * axis[0].spacing + 1;
    r.phase = 0;
  }
  // Axis-0 offset (cells from first0) of the first member of row (g1, g2):
  // (j - k1 g1 - k2 g2) mod M, 0 under the box rule.
  KMC_HD int32_t row_start(int32_t phase, int32_t g1, int32_t g2) const {
    if (code_modulus <= 1) return 0;
    const uint32_t x = static_cast<uint32_t>(phase + code_back[0] * g1 + code_back[1] * g2);
    const uint32_t q = static_cast<uint32_t>((static_cast<uint64_t>(x) * code_magic) >> 32);
    return static_cast<int32_t>(x - q * static_cast<uint32_t>(code_modulus));
  }

  // Box rule: site class sigma -> class along each axis and basis site.
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
