#pragma once
// The launch plans of the sublattice kernels (kernels/SublatticeKernel.hpp and
// kernels/SublatticeClassKernel.hpp, which include this file at their ends):
// one host function per kernel, which the CUDA driver and the replay both call.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kernels/Failure.hpp"
#include "kernels/SublatticeClassKernel.hpp"
#include "kernels/SublatticeKernel.hpp"
#include "kernels/SublatticeLatticeRule.hpp"

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
                          std::to_string(grid.widest[a]) +
                          " class members) exceed its packed "
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

// The class kernel decides thinned visits only: both drivers check a batch's
// tables with this before launching it (applies() reads the tables'
// pointers, so device pointers do as well as host ones).
inline void require_thinned_tables(const LatticeView& lat, const SublatticeTables& tab) {
  if (!SublatticeThinning::applies(lat, tab))
    throw CannotProceed(
        "sublattice class kernel: the lattice-wide class rule needs thinned "
        "visits (the lattice gas: Poisson attempts, uniform landscape, no "
        "interaction, exchange or environment model)");
}

// The plan of the lattice-wide class rule's launches (host only: it refuses
// lattices the kernel's packed words or its multiply-high divisions cannot
// hold, and a rule whose pattern does not wrap around the lattice).
inline SublatticeClassLaunchPlan plan_sublattice_class_launch(const SublatticeLatticeRule& rule,
                                                              const LatticeView& lat,
                                                              const SublatticeRngKey& key) {
  const std::string what = "sublattice class kernel: ";
  const int32_t M = rule.modulus;
  if (!rule.active() || rule.mobile_basis_count < 1 || rule.mobile_basis_count > 64)
    throw CannotProceed(what + "no lattice-wide class rule (modulus " + std::to_string(M) + ", " +
                        std::to_string(rule.mobile_basis_count) + " mobile basis sites)");
  // A sweep's class order is one byte per class (SublatticeBatch::parity_order).
  if (rule.classes() > 256)
    throw CannotProceed(what + std::to_string(rule.classes()) +
                        " classes exceed a sweep's class order (at most 256)");
  for (int32_t q = 0; q < rule.mobile_basis_count; ++q)
    if (rule.mobile_basis[q] < 0 || rule.mobile_basis[q] >= lat.nbasis)
      throw CannotProceed(what + "mobile basis site " + std::to_string(rule.mobile_basis[q]) +
                          " outside the " + std::to_string(lat.nbasis) + " of a cell");
  const int64_t k1 = ((rule.k[0] % M) + M) % M, k2 = ((rule.k[1] % M) + M) % M;
  if (lat.n[0] % M != 0 || (k1 * lat.n[1]) % M != 0 || (k2 * lat.n[2]) % M != 0)
    throw CannotProceed(what + "the rule (M = " + std::to_string(M) + ", k = (1, " +
                        std::to_string(k1) + ", " + std::to_string(k2) +
                        ")) does not wrap around " + std::to_string(lat.n[0]) + " x " +
                        std::to_string(lat.n[1]) + " x " + std::to_string(lat.n[2]) + " cells");
  if (key.word_group != rule.word_group(lat.nbasis))
    throw CannotProceed(what + "the words' group " + std::to_string(key.word_group) +
                        " is not M nbasis = " + std::to_string(rule.word_group(lat.nbasis)));
  if (lat.zmax > kSublatticeClassMaxSlots)
    throw CannotProceed(what + std::to_string(lat.zmax) + " hop slots per site (at most " +
                        std::to_string(kSublatticeClassMaxSlots) + ")");
  // Site indices are int32.
  const int64_t sites = int64_t(lat.n[0]) * lat.n[1] * lat.n[2] * lat.nbasis;
  if (sites >= (int64_t(1) << 31))
    throw CannotProceed(what + std::to_string(sites) + " sites exceed its 32-bit site indices");
  SublatticeClassLaunchPlan p;
  SublatticeClassGeometry& g = p.geometry;
  g.modulus = M;
  g.k[0] = static_cast<int32_t>(k1);
  g.k[1] = static_cast<int32_t>(k2);
  g.row_members = lat.n[0] / M;
  const int32_t R = g.row_members, common = (R % 4 == 0) ? 4 : (R % 2 == 0 ? 2 : 1);
  g.quads = static_cast<uint32_t>((R + 4 - common + 3) / 4);
  g.row_lanes = (g.quads + kSublatticeClassQuadsPerLane - 1) / kSublatticeClassQuadsPerLane;
  const uint64_t rows = uint64_t(lat.n[1]) * lat.n[2];
  const uint64_t lanes = rows * g.row_lanes;
  const uint64_t grid = (lanes + kSublatticeClassBlock - 1) / kSublatticeClassBlock;
  const uint64_t lift = uint64_t(M) * ((k1 * (lat.n[1] - 1) + k2 * (lat.n[2] - 1) + M - 1) / M);
  // Multiply-highs exact while e d < 2^32 (SublatticeClassKernel::divide).
  const uint64_t two32 = uint64_t(1) << 32;
  if (grid * kSublatticeClassBlock * g.row_lanes >= two32 || rows * lat.n[1] >= two32 ||
      (lift + M) * M >= two32)
    throw CannotProceed(what + std::to_string(rows) + " rows of " + std::to_string(g.row_lanes) +
                        " lanes exceed its 32-bit lane numbers");
  auto magic = [](uint64_t d) { return d <= 1 ? 0u : static_cast<uint32_t>(0xffffffffu / d + 1u); };
  g.lane_magic = magic(g.row_lanes);
  g.row_magic = magic(static_cast<uint64_t>(lat.n[1]));
  g.modulus_magic = magic(static_cast<uint64_t>(M));
  g.lift = static_cast<uint32_t>(lift);
  g.lanes = static_cast<uint32_t>(lanes);
  g.aligned = (R % 4 == 0 && g.quads % kSublatticeClassQuadsPerLane == 0) ? 1 : 0;
  g.by_nbasis = SublatticeDivisor::of(static_cast<uint32_t>(lat.nbasis));
  g.by_n0 = SublatticeDivisor::of(static_cast<uint32_t>(lat.n[0]));
  g.by_n1 = SublatticeDivisor::of(static_cast<uint32_t>(lat.n[1]));
  // A hop wraps at most once per axis, at a boundary cell (the boundary bits
  // of SublatticeClassSharedLayout): hops of at most one cell along each axis;
  // a step's offset shares its shared word with 6 bits: |offset| < 2^25.
  for (int32_t i = 0; i < lat.nbasis * lat.zmax; ++i) {
    const HopStep& h = lat.steps[i];
    if (h.to_basis < 0) continue;
    for (int a = 0; a < 3; ++a)
      if (std::abs(h.dcell[a]) > 1)
        throw CannotProceed(what + "a hop of " + std::to_string(h.dcell[a]) + " cells along axis " +
                            std::to_string(a) +
                            " (its wrap fix-ups need hops of at most one cell per axis)");
    const int64_t offset =
        ((int64_t(h.dcell[2]) * lat.n[1] + h.dcell[1]) * lat.n[0] + h.dcell[0]) * lat.nbasis +
        h.to_basis - i / lat.zmax;
    if (std::abs(offset) >= (int64_t(1) << 25))
      throw CannotProceed(what + "a hop's index offset " + std::to_string(offset) +
                          " exceeds its packed step words (|offset| < 2^25)");
  }
  p.grid = static_cast<int32_t>(grid);
  p.block = kSublatticeClassBlock;
  p.quads_per_lane = kSublatticeClassQuadsPerLane;
  p.shared_bytes = static_cast<int32_t>(sizeof(unsigned int)) * SublatticeClassSharedLayout::kWords;
  p.phases = 4;
  p.slots = lat.nbasis * lat.zmax;
  return p;
}

}  // namespace coatkmc
