#pragma once

namespace coatkmc {

// Default largest acceptance probability of the sublattice solver
// (max rate / gamma); docs/parallel-solvers.md gives the bias measurement behind it.
constexpr double kDefaultAcceptanceCeiling = 0.25;

}  // namespace coatkmc
