#pragma once
// OpenMP launcher of the sublattice attempt (kernels/SublatticeAttempt.hpp).
#include <cstdint>

#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeBatch.hpp"
#include "kernels/SublatticeLatticeRule.hpp"
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

// The same under the lattice-wide class rule (kernels/SublatticeLatticeRule.hpp):
// per sweep its classes() classes in the order batch.parity_order gives, each
// over the whole lattice, the class's rows (c1, c2) spread over `threads`
// threads (static schedule); a row's members are visited in order (eligible,
// SublatticeAttempt::decide), then their records move. Members of a class do
// not conflict, so the outcome does not depend on `threads`. Same hop budget
// and partial-sweep tables as above.
SublatticeBatchResult run_lattice_batch(
    const LatticeView& lattice, const SublatticeLatticeRule& rule, const SublatticeTables& full,
    const SublatticeTables& partial, const SublatticeArrays& arrays, const SublatticeRngKey& key,
    const SublatticeBatch& batch, int threads, uint64_t* hops_by_slot);

}  // namespace coatkmc::cpu
