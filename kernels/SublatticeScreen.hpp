#pragma once
// The screen of thinned visits (kernels/SublatticeThinning.hpp) for a whole
// tile, drawn at the start of each launch of the sublattice kernel
// (kernels/SublatticeKernel.hpp, phase 0): a site whose bit is clear cannot
// hop in this sweep, so the class steps list and visit only the others.
#include <cstdint>

#include "kernels/CounterRng.hpp"
#include "kernels/HostDevice.hpp"
#include "kernels/KernelSupport.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeThinning.hpp"

namespace coatkmc {

struct SublatticeScreen {
  // The screen (thinned visits, phase 0 of a launch): one bit per site of the tile, set
  // when the site's word 0 (SublatticeThinning::words: one Philox block per
  // two sites) is below its basis site's screen, the largest ceiling over the
  // species. A site whose bit is clear cannot hop this sweep, whatever its
  // neighbourhood and whichever ion sits there, so the scan lists only the
  // occupied sites whose bit is set and their visit draws the block again.
  // Lane u writes word u of the bits (32 consecutive tile-local sites): no
  // two lanes write one word.
  KMC_HD static void tile(const LatticeView& lat, const SublatticeTables& tab,
                          const SublatticeRngKey& key, uint64_t sweep, const Lane& lane,
                          const int32_t start[3], const int32_t width[3], unsigned int* bits) {
    const int32_t sites = lat.nbasis * width[0] * width[1] * width[2];
    for (int32_t u = lane.thread; u * 32 < sites; u += lane.block_threads)
      bits[u] = word(lat, tab, key, sweep, start, width, u);
  }

  // Word u of the screen bits: tile-local sites 32 u .. 32 u + 31.
  KMC_HD static unsigned int word(const LatticeView& lat, const SublatticeTables& tab,
                                  const SublatticeRngKey& key, uint64_t sweep,
                                  const int32_t start[3], const int32_t width[3], int32_t u) {
    const int32_t nb = lat.nbasis, per_row = width[0] * nb;
    const int32_t sites = per_row * width[1] * width[2];
    const uint32_t* screen = SublatticeThinning::tables(lat, tab).screen;
    int32_t pos = u * 32;
    const int32_t row = pos / per_row;
    pos -= row * per_row;
    int32_t l2 = row / width[1], l1 = row - l2 * width[1];
    int32_t b = pos % nb;
    int32_t base = (((start[2] + l2) * lat.n[1] + start[1] + l1) * lat.n[0] + start[0]) * nb;
    const int32_t count = sites - u * 32 < 32 ? sites - u * 32 : 32;
    unsigned int bits = 0;
    if (nb == 1) {
      // One basis site (sc, bcc, fcc): the sites of a row in pairs that share
      // a Philox block, one screen for all.
      const uint32_t limit = screen[0];
      for (int32_t j = 0; j < count;) {
        const int32_t i = base + pos;
        const bool two = !(i & 1) && pos + 1 < per_row && j + 1 < count;
        bits |= pair(key, sweep, i, limit, two) << j;
        j += two ? 2 : 1;
        pos += two ? 2 : 1;
        if (pos == per_row) {
          pos = 0;
          if (++l1 == width[1]) {
            l1 = 0;
            ++l2;
          }
          base = ((start[2] + l2) * lat.n[1] + start[1] + l1) * lat.n[0] + start[0];
        }
      }
      return bits;
    }
    uint32_t pair = 0xffffffffu;
    CounterRng::Philox::ctr_type v = {{0, 0, 0, 0}};
    for (int32_t j = 0; j < count; ++j) {
      const int32_t i = base + pos;
      if ((static_cast<uint32_t>(i) >> 1) != pair) {
        pair = static_cast<uint32_t>(i) >> 1;
        v = CounterRng::words(key.seed, kStreamSublattice, key.replica,
                              (sweep << 4) | SublatticeThinning::kWordsBlock, pair);
      }
      const uint32_t word0 = (i & 1) ? v[2] : v[0];
      bits |= static_cast<unsigned int>(word0 < screen[b]) << j;
      if (++b == nb) b = 0;
      if (++pos == per_row) {
        pos = 0;
        if (++l1 == width[1]) {
          l1 = 0;
          ++l2;
        }
        base = (((start[2] + l2) * lat.n[1] + start[1] + l1) * lat.n[0] + start[0]) * nb;
      }
    }
    return bits;
  }

  // The screen bits of site i (bit 0) and, when `two` (i even), of site i + 1
  // (bit 1): one Philox block, words 0 and 2 (SublatticeThinning::words).
  KMC_HD static unsigned int pair(const SublatticeRngKey& key, uint64_t sweep, int32_t i,
                                  uint32_t limit, bool two) {
    const auto v = CounterRng::words(key.seed, kStreamSublattice, key.replica,
                                     (sweep << 4) | SublatticeThinning::kWordsBlock,
                                     static_cast<uint32_t>(i) >> 1);
    if (i & 1) return static_cast<unsigned int>(v[2] < limit);
    return static_cast<unsigned int>(v[0] < limit) |
           (static_cast<unsigned int>(two && v[2] < limit) << 1);
  }
};

}  // namespace coatkmc
