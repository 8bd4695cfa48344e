#pragma once
// The launch plan of the sublattice kernel (kernels/SublatticeKernel.hpp, which
// includes this file at its end): one host function the CUDA driver and the
// replay both call.
#include <algorithm>
#include <cstdint>
#include <string>

#include "kernels/Failure.hpp"
#include "kernels/SublatticeKernel.hpp"

namespace coatkmc {

// The plan (host only: it refuses tilings the packed shared words cannot hold).
inline SublatticeLaunchPlan plan_sublattice_launch(const SublatticeTiling& tiling,
                                                   const LatticeView& lat) {
  const SublatticeMemberGrid grid(tiling);
  int32_t widest = 1;
  for (int a = 0; a < 3; ++a) {
    if (grid.widest[a] > kSublatticeMaxGrid || lat.n[a] > kSublatticeMaxCells)
      throw CannotProceed("sublattice device kernel: " + std::to_string(lat.n[a]) +
                          " cells along axis " + std::to_string(a) + " (" +
                          std::to_string(grid.widest[a]) + " class members) exceed its packed "
                          "shared-memory words (at most 65535 cells, 1023 members per axis)");
    widest = std::max(widest, grid.widest[a]);
  }
  // Row numbers are divided by a multiply-high, exact while r * count < 2^32;
  // a row's members are bits of one word.
  if (static_cast<uint64_t>(grid.widest[1]) * grid.widest[2] * static_cast<uint64_t>(widest) >=
          (uint64_t(1) << 32) ||
      grid.widest[0] > 32)
    throw CannotProceed("sublattice device kernel: " + std::to_string(grid.widest[0]) + " x " +
                        std::to_string(grid.widest[1]) + " x " + std::to_string(grid.widest[2]) +
                        " members per site class of a tile exceed its row numbering (at most "
                        "32 along axis 0)");
  SublatticeLaunchPlan p;
  p.grid = tiling.tiles_per_parity;
  p.block = SublatticeKernel::block_threads(tiling);
  p.rounds = SublatticeKernel::rounds(tiling, p.block);
  p.capacity = SublatticeKernel::list_capacity(tiling, p.block);
  p.slots = lat.nbasis * lat.zmax;
  const SublatticeSharedLayout at(p.slots, tiling.site_classes, p.rounds, p.capacity,
                                  sublattice_screen_words(tiling));
  // Step words hold a class's first word in 16 bits.
  if (at.steps >= 65536)
    throw CannotProceed("sublattice device kernel: " + std::to_string(tiling.site_classes) +
                        " site classes exceed its step words");
  p.shared_bytes = static_cast<int32_t>(sizeof(unsigned int)) * at.words;
  p.phases = SublatticeKernel::phase_count(tiling, p.block);
  return p;
}

}  // namespace coatkmc
