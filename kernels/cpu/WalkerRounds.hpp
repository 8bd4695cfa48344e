#pragma once
// OpenMP launcher of the walker step (kernels/WalkerStep.hpp).
#include <cstdint>

#include "kernels/LatticeView.hpp"
#include "kernels/WalkerStep.hpp"

namespace coatkmc::cpu {

// Advances every walker of every group through the rounds of its group, one
// walker per iteration over `threads` threads; the outcome does not depend on
// `threads`. The rounds, as for the device kernel (kernels/WalkerKernel.hpp):
// ends == nullptr, one round per group to its t_end; otherwise `rounds` round
// ends of the one group (group_count == 1), each walker running all of them
// before the next walker starts. hops_by_length[g * lengths + l] gets group
// g's hops of length class length_class[b * zmax + k] added.
void run_walker_rounds(const LatticeView& lattice, const WalkerGroup* groups, int32_t group_count,
                       const double* ends, int32_t rounds, const WalkerArrays& arrays,
                       const uint8_t* length_class, int32_t lengths, int threads,
                       uint64_t* hops_by_length);

}  // namespace coatkmc::cpu
