#pragma once
// The lattice-wide class rule of the sublattice solver: site classes defined
// on the whole lattice instead of inside tiles, so that one class runs
// everywhere at once and a sweep is one step per class.
//
// Why. Under the tiles' rule (kernels/SublatticeTiling.hpp) a sweep is 8
// parity launches of 7 class steps each on sc (56 dependent steps), and a
// block's step holds only its own tile's ~65 visits: the H200 measured that
// chain, not instruction issue, as the bound (benchmarks/NOTES.md). When the
// linear rule's pattern is periodic over the whole lattice, tiles and
// parities are not needed: class q holds every site of basis site
// mobile_basis[q % mobile_basis_count] whose cell c has
//   (c0 + k1 c1 + k2 c2) mod M == q / mobile_basis_count,
// and a sweep runs the M * mobile_basis_count classes one after another in
// the sweep's order (its parity order: SublatticeBatch), each over the whole
// lattice (about N^3 / 8 sites on sc: millions of independent visits per
// step instead of ~65). The host draws that order uniformly from the
// BALANCED orders (kmc/solvers/SublatticeClasses.hpp: a hop's phase shift
// is as often ahead as behind, so no per-sweep drift is shared by all ions);
// the kernels run whatever order the batch holds.
//
// When it holds. k . d mod M != 0 for every cell displacement d at which two
// attempts from the same basis site conflict (as for the tiles' linear rule,
// kmc/solvers/SublatticeClasses.cpp), and the pattern wraps: M divides n0,
// k1 n1 and k2 n2, so cells one period apart along any axis have the same
// class. sc lattice gas: M = 8, k = (1, 2, 3) (the perfect code's M = 7 would
// need n divisible by 7) whenever n0, n2 are multiples of 8 and n1 of 4.
// Used only for thinned visits (kernels/SublatticeThinning.hpp: the lattice
// gas), where it comes with its own word layout (below).
//
// The words. Under this rule the screen word (word 0) of site i is word
// (i / g) % 4 of Philox block (sweep 16 + 9, (i / 4g) g + i % g), g = M nbasis
// (SublatticeRngKey::word_group): the four sites i, i + g, i + 2g, i + 3g
// (on sc the members x, x + 8, x + 16, x + 24 of one class row) share a
// block, so a class step screens four of its members per block; word 1 (the
// direction, needed only past the screen) is word i % 4 of block
// (sweep 16 + 10, i / 4). The pair layout of the tiles' rule (words 0, 1 or
// 2, 3 of block (sweep 16 + 8, i / 2)) pairs two neighbours, which are never
// in one class here.
#include <cstdint>

#include "kernels/HostDevice.hpp"

namespace coatkmc {

struct SublatticeLatticeRule {
  int32_t modulus = 0;              // M; 0: the rule does not apply (tiles run)
  int32_t k[2] = {0, 0};            // k1, k2
  int32_t mobile_basis_count = 0;   // classes per phase
  int32_t mobile_basis[64] = {};    // their basis indices

  KMC_HD bool active() const { return modulus > 0; }
  // Classes of a sweep: M per mobile basis site.
  KMC_HD int32_t classes() const { return modulus * mobile_basis_count; }
  KMC_HD int32_t phase_of(int32_t q) const { return q / mobile_basis_count; }
  KMC_HD int32_t basis_of(int32_t q) const { return mobile_basis[q % mobile_basis_count]; }
  // The first axis-0 cell of row (c1, c2) of phase j: (j - k1 c1 - k2 c2) mod
  // M in [0, M); its members are that cell plus multiples of M below n0.
  KMC_HD int32_t row_first(int32_t phase, int32_t c1, int32_t c2) const {
    const int64_t x = static_cast<int64_t>(phase) - static_cast<int64_t>(k[0]) * c1 -
                      static_cast<int64_t>(k[1]) * c2;
    const int64_t r = x % modulus;
    return static_cast<int32_t>(r < 0 ? r + modulus : r);
  }
  // Phase of cell c (what row_first inverts).
  KMC_HD int32_t phase_of_cell(const int32_t c[3]) const {
    const int64_t x = static_cast<int64_t>(c[0]) + static_cast<int64_t>(k[0]) * c[1] +
                      static_cast<int64_t>(k[1]) * c[2];
    return static_cast<int32_t>(x % modulus);
  }
  // The word group g = M nbasis of the words' layout (SublatticeRngKey::word_group).
  KMC_HD uint32_t word_group(int32_t nbasis) const {
    return static_cast<uint32_t>(modulus) * static_cast<uint32_t>(nbasis);
  }
};

}  // namespace coatkmc
