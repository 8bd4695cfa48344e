#pragma once
// OpenMP launcher of the walker step (kernels/WalkerStep.hpp).
#include <cstdint>

#include "kernels/LatticeView.hpp"
#include "kernels/WalkerStep.hpp"

namespace coatkmc::cpu {

// Advances every walker of every group to its group's t_end, one walker per
// iteration over `threads` threads; the outcome does not depend on `threads`.
// hops_by_length[g * lengths + l] gets group g's hops of length class
// length_class[b * zmax + k] added.
void run_walker_round(const LatticeView& lattice, const WalkerGroup* groups, int32_t group_count,
                      const WalkerArrays& arrays, const uint8_t* length_class, int32_t lengths,
                      int threads, uint64_t* hops_by_length);

}  // namespace coatkmc::cpu
