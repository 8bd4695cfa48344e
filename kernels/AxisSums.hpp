#pragma once
// What one group of ions contributes to the transport observables over one
// window: per-axis tracer sums (sum_i dr_{i,a}^2), per-axis collective sums
// (sum_i dr_{i,a}) and the ion count, plus the isotropic tracer sum in the
// order the recorders have always summed it (sum_i |dr_i|^2, ion by ion), so
// that the totals stay bit-identical to the pre-axis results.
//
// Plain data written once for host and device: the reference loop on the
// host (kmc/state/ObservableSums.cpp) and the device reductions add ions with
// the same add_ion(), and two partial sums with merge().
#include <cstdint>

#include "kernels/HostDevice.hpp"

namespace coatkmc {

struct AxisSums {
  double r2[3] = {0, 0, 0};  // sum_i dr_{i,a}^2, Å^2, a = x, y, z (Cartesian)
  double r[3] = {0, 0, 0};   // sum_i dr_{i,a}, Å
  double r2_total = 0;       // sum_i |dr_i|^2, Å^2 (ion by ion)
  int64_t ions = 0;

  // One ion's displacement (dx, dy, dz), Å. r2_total adds dx^2 + dy^2 + dz^2
  // in that order, as norm2() of a Vec3 does.
  KMC_HD void add_ion(double dx, double dy, double dz) {
    r2[0] += dx * dx;
    r2[1] += dy * dy;
    r2[2] += dz * dz;
    r[0] += dx;
    r[1] += dy;
    r[2] += dz;
    r2_total += dx * dx + dy * dy + dz * dz;
    ++ions;
  }
  KMC_HD void merge(const AxisSums& o) {
    for (int a = 0; a < 3; ++a) {
      r2[a] += o.r2[a];
      r[a] += o.r[a];
    }
    r2_total += o.r2_total;
    ions += o.ions;
  }
  // |sum_i dr_i|^2, Å^2: the collective (centre-of-mass) square.
  KMC_HD double com_r2() const { return r[0] * r[0] + r[1] * r[1] + r[2] * r[2]; }
};

static_assert(sizeof(AxisSums) == 64, "AxisSums crosses to the device: keep its layout fixed");

}  // namespace coatkmc
