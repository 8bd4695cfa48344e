#pragma once
#include <array>
#include <vector>

#include "host/analysis/TransportEstimates.hpp"
#include "kmc/observables/ProfileRecorder.hpp"

namespace coatkmc {

// The tracer D of one slab or layer (profile.csv, docs/observables.md), cm^2/s:
// pooled over the blocks of every replica (ions counted in the bin they stood
// in when a block began), D = sum dR^2 / (2 d sum_ions dt). Its error is the
// standard error of the block estimates; its 68 % and 95 % intervals are the
// blocks' Student-t intervals (blocks - 1 dof) scaled to the pooled value.
// Per axis likewise: D_a = sum dR_a^2 / (2 sum_ions dt) from the blocks'
// per-axis estimates (NaN beyond the lattice's dimension).
struct BinTracerEstimates {
  Estimate D_tracer;
  std::array<Estimate, 3> D_tracer_xyz;
};
BinTracerEstimates bin_tracer_estimate(const ProfileBin& bin, int dimension);

// Standard error of the mean of independent values (NaN for fewer than two).
double standard_error_of_mean(const std::vector<double>& values);

}  // namespace coatkmc
