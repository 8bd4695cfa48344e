#pragma once
// OpenMP launcher of the sublattice attempt (kernels/SublatticeAttempt.hpp).
#include <cstdint>

#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeBatch.hpp"
#include "kernels/SublatticeTiling.hpp"

namespace coatkmc::cpu {

// Runs the sweeps of `batch`: parity classes in order, the tiles of one parity
// class spread over `threads` threads, each tile's site classes in order. The
// outcome does not depend on `threads`. `hops_by_slot` (nbasis * zmax) gets the
// accepted hops added per (basis site, direction).
SublatticeBatchResult run_sublattice_batch(
    const LatticeView& lattice, const SublatticeTiling& tiling, const SublatticeTables& full,
    const SublatticeTables& partial, const SublatticeArrays& arrays, const SublatticeRngKey& key,
    const SublatticeBatch& batch, int threads, uint64_t* hops_by_slot);

}  // namespace coatkmc::cpu
