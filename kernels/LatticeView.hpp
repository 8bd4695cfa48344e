#pragma once
// The geometry the parallel kernels need, as plain data: cell counts and, for
// each (basis site, direction), the basis site and cell offset of the target.
// Neighbour positions are recomputed from the Bravais index
//   site = ((k * n1 + j) * n0 + i) * nbasis + b
// instead of being read from a per-site table, so a kernel's working set is
// the one-byte occupancy and a table of nbasis * zmax steps.
#include <cstdint>

#include "kernels/HostDevice.hpp"

namespace coatkmc {

// One hop slot of one basis site.
struct HopStep {
  int16_t to_basis;  // -1: this slot holds no hop (the site has fewer than zmax)
  int8_t dcell[3];   // cell offset of the target, |offset| <= cells along that axis
  int8_t pad;
};

// A site by cell coordinates and basis index.
struct SiteCoord {
  int32_t c[3];
  int32_t b;
};

struct LatticeView {
  int32_t n[3];          // cells along each lattice vector
  int32_t nbasis;        // sites per cell
  int32_t zmax;          // hop slots per site
  const HopStep* steps;  // [b * zmax + k]

  KMC_HD int32_t index(const SiteCoord& s) const {
    return ((s.c[2] * n[1] + s.c[1]) * n[0] + s.c[0]) * nbasis + s.b;
  }
  KMC_HD SiteCoord coord(int32_t site) const {
    SiteCoord s;
    s.b = site % nbasis;
    int32_t cell = site / nbasis;
    s.c[0] = cell % n[0];
    cell /= n[0];
    s.c[1] = cell % n[1];
    s.c[2] = cell / n[1];
    return s;
  }
  KMC_HD const HopStep& step(int32_t b, int32_t k) const { return steps[b * zmax + k]; }
  // Target of `h` from `s`; the offset is at most one supercell, so one wrap suffices.
  KMC_HD SiteCoord target(const SiteCoord& s, const HopStep& h) const {
    SiteCoord t;
    for (int a = 0; a < 3; ++a) {
      int32_t x = s.c[a] + h.dcell[a];
      x += (x < 0) ? n[a] : 0;
      x -= (x >= n[a]) ? n[a] : 0;
      t.c[a] = x;
    }
    t.b = h.to_basis;
    return t;
  }
};

}  // namespace coatkmc
