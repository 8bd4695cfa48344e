#pragma once
#include <cstdint>
#include <vector>

#include "kmc/core/Vec3.hpp"

namespace coatkmc {

// Sums over the ions of one replica for one time window [t0, t0 + duration):
// the raw material of every transport estimate (see docs/observables.md).
struct TransportSample {
  double duration = 0;    // s
  double sum_r2 = 0;      // sum_i |dR_i|^2, Å^2
  double com_r2 = 0;      // |sum_i dR_i|^2, Å^2
  Vec3 sum_r;             // sum_i dR_i, Å
  // (sum_i dR_i,x^2, sum_i dR_i,y^2, sum_i dR_i,z^2), Å^2: the tracer MSD per
  // axis (the transport tensor's diagonal). NaN when restored from a
  // checkpoint older than format 4.
  Vec3 sum_r2_axes;
  double sum_hop_l2 = 0;  // sum over accepted hops of l^2, Å^2
  uint64_t hops = 0;
  uint64_t attempts = 0;
  // Per species ([[occupancy.species]], indexed by species): sum_i |dR_i|^2
  // over its ions (Å^2) and their count. Empty with one species.
  struct Species {
    double sum_r2 = 0;
    int64_t ions = 0;
    Vec3 sum_r2_axes;  // per axis, as TransportSample::sum_r2_axes
  };
  std::vector<Species> species;
};

// One row of msd.csv: the state at one instant, from the start of the run.
struct MsdPoint {
  double time = 0;        // s
  double msd_tracer = 0;  // <|R_i|^2>, Å^2
  double msd_com = 0;     // |sum_i R_i|^2 / N, Å^2
  double hops_per_particle = 0;
  // Σ_i R_i (Å), the collective displacement vector: D_jump uses its change
  // over windows starting at every row (docs/observables.md). NaN when the
  // row comes from a checkpoint older than format 4.
  Vec3 sum_r;
  Vec3 msd_axes;  // (<R_x^2>, <R_y^2>, <R_z^2>), Å^2
};

}  // namespace coatkmc
