#pragma once
// A Poisson visit decided at once by thinning: kPoissonAttempts on the
// integer-threshold path (uniform landscape) without interaction, exchange or
// environment model, at most 32 slots per site: the lattice gas, with or
// without species.
//
// Why it is exact. A visit makes K ~ Poisson(1) attempts; an attempt picks
// slot k with probability 1/zmax and is accepted with probability
// p_k = T_k / 2^32 (T_k the threshold attempt() compares its word with when
// slot k holds a hop to a vacant target, else 0), and the visit stops at its
// first accepted attempt. Until then the neighbourhood is the one the visit
// found (only the visit itself changes it), so the attempts are independent
// and identically classified: by Poisson thinning the accepted attempts
// towards slot k are independent Poisson counts of means p_k / zmax. The
// visit hops iff any of them is positive, with probability
// 1 - prod_k exp(-p_k / zmax), and then in slot k with probability
// p_k / sum_k p_k (the slot of the first accepted attempt). This is
// exp(L_s / (zmax gamma)) exactly, as the attempt loop was: the sweep's time
// (1 / (zmax gamma)) and the Trotter bound stay as they are. Which attempt hopped,
// and the rejected ones, change nothing the solver keeps (its attempt
// counter counts visits). So the visit needs two words, not 1 + 2K, and no
// loop over attempts: one pass over the zmax slots.
//
// Integer decisions against host tables, as everywhere here. Beside each
// threshold T the host tabulates its hop mass h(T) = round(2^32 (1 -
// exp(-T / (zmax 2^32)))); the visit's hop mass y, = 2^32 (1 - prod(1 -
// h_k / 2^32)) to within a count per slot, is the integer chain
// y <- y + h - ceil(y h / 2^32) over the vacant slots in slot order (exact
// 64-bit integer steps, so CPU and GPU agree bit for bit), and the visit
// hops iff word 0 < y. Its slot: the smallest vacant k whose running sum of
// T_k exceeds floor(word 1 * sum T / 2^32).
//
// The screen. y never decreases when a slot's mass grows, so it is at most
// the chain with every slot at its own mass (all targets vacant), which the
// host tabulates per (species, basis site): a visit whose word 0 is not
// below that ceiling cannot hop, whatever its neighbourhood, and reads no
// neighbour. In the bench case (ceiling 0.25) that ends 78 % of the visits
// after one Philox block.
//
// The words. A thinned visit of site i in sweep n takes words 0 and 1 (i
// even) or 2 and 3 (i odd) of Philox block (n 16 + 8, i >> 1) (words()):
// one block serves two sites, so the device screens a whole tile with one
// block per two sites in its launch's prologue (SublatticeScreen::tile)
// and visits only the sites past it. (Before issue 12's fourth
// kernel session a visit took words 0 and 1 of its own block (n 16, i).)
//
// Tables: the thinning tables follow the thresholds in the same array
// (SublatticeTables::threshold, so every engine copies them unchanged):
// [T: nT][h(T): nT][ceilings: species * nbasis][common masses: species *
// nbasis][screens: nbasis], nT = species nbasis zmax (2 zmax + 1); a common
// mass is h(T) when every hop slot of that species and basis site has the
// same threshold T (else 0: slot_of then reads the tables), a screen the
// largest ceiling of a basis site over the species (the prologue does not
// know which species will visit); the host writes them exactly when applies() holds
// (kmc/solvers/SublatticeSolver.cpp). Everything else keeps the attempt
// loop: the per-site landscape and the environment model decide by a
// product of host doubles per site or by a table of environment codes,
// which no mass table pairs with; with the interaction a pass over all slots
// would count every vacant target's neighbours (about 3 zmax byte loads per
// visit, where the attempt loop reads zmax per attempt on a vacant target,
// about half an attempt per visit); exchange would add a second table and
// the general pass, which took the kernel past its 72 registers.
#include <cstdint>

#include "kernels/HostDevice.hpp"
#include "kernels/KernelSupport.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"

namespace coatkmc {

struct SublatticeThinning {
  // The thinning tables behind the thresholds (see above).
  struct Tables {
    const uint32_t* hop;      // h(T) of threshold[e], same index e
    const uint32_t* ceiling;  // [species * nbasis + b]: the largest hop mass of a visit
    const uint32_t* common;   // [species * nbasis + b]: h(T) when every hop slot of that
                              // species and basis site has the same threshold T, else 0
    const uint32_t* screen;   // [b]: the largest ceiling of basis site b over the species
  };

  // The Philox block of a thinned visit's words: block kWordsBlock of the
  // sweep (the attempt loop's words use blocks 0-7, so the counters differ)
  // at index i >> 1, shared by the two sites 2m and 2m + 1: words 0 and 1 of
  // the even site, words 2 and 3 of the odd one. One block decides two
  // visits, so the device draws the screen words of a whole tile with one
  // block per two sites at a launch's start (SublatticeScreen::tile).
  static constexpr uint64_t kWordsBlock = 8;
  // Under the lattice-wide class rule (key.word_group = g > 0,
  // kernels/SublatticeLatticeRule.hpp) word 0 is word (i / g) % 4 of block
  // kScreenBlock at (i / 4g) g + i % g, so that four members of one class
  // share a block, and word 1 word i % 4 of block kDirectionBlock at i / 4.
  static constexpr uint64_t kScreenBlock = 9;
  static constexpr uint64_t kDirectionBlock = 10;
  KMC_HD static uint32_t screen_block(uint32_t i, uint32_t group) {
    return (i / (4u * group)) * group + i % group;
  }
  KMC_HD static uint32_t screen_word(const CounterRng::Philox::ctr_type& v, uint32_t i,
                                     uint32_t group) {
    const uint32_t w = (i / group) & 3u;  // constant indices: no local memory on the device
    return w == 0 ? v[0] : (w == 1 ? v[1] : (w == 2 ? v[2] : v[3]));
  }
  KMC_HD static uint32_t direction_word(const SublatticeRngKey& key, uint64_t sweep, uint32_t i) {
    const auto v = CounterRng::words(key.seed, kStreamSublattice, key.replica,
                                     (sweep << 4) | kDirectionBlock, i >> 2);
    const uint32_t w = i & 3u;
    return w == 0 ? v[0] : (w == 1 ? v[1] : (w == 2 ? v[2] : v[3]));
  }
  KMC_HD static void words(const SublatticeRngKey& key, uint64_t sweep, int32_t i, uint32_t& word0,
                           uint32_t& word1) {
    if (key.word_group) {
      const uint32_t u = static_cast<uint32_t>(i), g = key.word_group;
      word0 = screen_word(CounterRng::words(key.seed, kStreamSublattice, key.replica,
                                            (sweep << 4) | kScreenBlock, screen_block(u, g)),
                          u, g);
      word1 = direction_word(key, sweep, u);
      return;
    }
    pair_words(key, sweep, i, word0, word1);
  }
  // The tiles' pair layout alone (key.word_group = 0): what the tiled kernel
  // (kernels/SublatticeKernel.hpp, decide_thinned) calls, so that the
  // lattice layout's two further Philox blocks are not compiled into it
  // (with them ptxas spilled it past its 72 registers).
  KMC_HD static void pair_words(const SublatticeRngKey& key, uint64_t sweep, int32_t i,
                                uint32_t& word0, uint32_t& word1) {
    const auto v = CounterRng::words(key.seed, kStreamSublattice, key.replica,
                                     (sweep << 4) | kWordsBlock, static_cast<uint32_t>(i) >> 1);
    const bool odd = (i & 1) != 0;
    word0 = odd ? v[2] : v[0];
    word1 = odd ? v[3] : v[1];
  }

  // Whether visits under these tables are thinned (the vacancy mask of a
  // site's slots is one 32-bit word).
  KMC_HD static bool applies(const LatticeView& lat, const SublatticeTables& tab) {
    return tab.rule == kPoissonAttempts && tab.threshold != nullptr && tab.env.entry == nullptr &&
           !tab.interaction && !tab.exchange && lat.zmax <= 32;
  }

  KMC_HD static Tables tables(const LatticeView& lat, const SublatticeTables& tab) {
    const int64_t n_threshold =
        static_cast<int64_t>(tab.species) * lat.nbasis * lat.zmax * (2 * lat.zmax + 1);
    const int64_t per_basis = static_cast<int64_t>(tab.species) * lat.nbasis;
    Tables t;
    t.hop = tab.threshold + n_threshold;
    t.ceiling = t.hop + n_threshold;
    t.common = t.ceiling + per_basis;
    t.screen = t.common + per_basis;
    return t;
  }

  // y <- y + h - ceil(y h / 2^32): the hop mass of two independent chances.
  // Stays below 2^32 (each factor 1 - h / 2^32 is at least 2^-32).
  KMC_HD static uint32_t combine(uint32_t y, uint32_t h) {
    const uint64_t both = (static_cast<uint64_t>(y) * h + 0xffffffffull) >> 32;
    return static_cast<uint32_t>(static_cast<uint64_t>(y) + h - both);
  }

  // Whether word 0 can hop at all (below the ceiling of its species and basis site).
  KMC_HD static bool may_hop(const LatticeView& lat, const Tables& thin, const SiteCoord& s,
                             const SublatticeAttempt::Ion& ion, uint32_t word0) {
    return word0 < thin.ceiling[ion.species * lat.nbasis + s.b];
  }

  // floor(word1 * total / 2^32) < total, in 64-bit products (total < zmax 2^32).
  KMC_HD static uint64_t scaled(uint32_t word1, uint64_t total) {
    return static_cast<uint64_t>(word1) * (total >> 32) +
           ((static_cast<uint64_t>(word1) * (total & 0xffffffffull)) >> 32);
  }

  // The visit's outcome from its words 0 and 1 (word 0 below the ceiling):
  // the slot it hops in, or -1. Reads site bytes only. A slot counts iff it
  // holds a hop to a vacant target (what attempt() accepts without
  // interaction or exchange), so one pass over the slots gathers a mask (the
  // bytes' loads independent of each other) and the chain and the direction
  // run over its bits in slot order, reading the slot's row of the tables.
  KMC_HD static int32_t hop_slot(const LatticeView& lat, const SublatticeTables& tab,
                                 const Tables& thin, const uint8_t* site, const SiteCoord& s,
                                 const SublatticeAttempt::Ion& ion, uint32_t word0,
                                 uint32_t word1) {
    return slot_of(lat, tab, thin, s, ion, vacancy_mask(lat, site, s), word0, word1);
  }

  // Bit k set: slot k of site s holds a hop to a vacant target.
  KMC_HD static unsigned int vacancy_mask(const LatticeView& lat, const uint8_t* site,
                                          const SiteCoord& s) {
    unsigned int vacant = 0;
    KMC_DEVICE_LOOP_UNROLL4
    for (int32_t k = 0; k < lat.zmax; ++k) {
      const HopStep& h = lat.step(s.b, k);
      if (h.to_basis < 0) continue;
      vacant |= static_cast<unsigned int>(site[lat.index(lat.target(s, h))] == 0) << k;
    }
    return vacant;
  }

  // The same mask where no target wraps around the lattice: target index =
  // i + offset[k], offset[k] = ((dc2 n1 + dc1) n0 + dc0) nbasis + to_basis - b
  // (kNoHop for a slot without a hop); no coordinates, no wrap.
  static constexpr int32_t kNoHop = -2147483647 - 1;
  KMC_HD static int32_t step_offset(const LatticeView& lat, int32_t b, const HopStep& h) {
    return h.to_basis < 0
               ? kNoHop
               : ((h.dcell[2] * lat.n[1] + h.dcell[1]) * lat.n[0] + h.dcell[0]) * lat.nbasis +
                     h.to_basis - b;
  }
  KMC_HD static unsigned int vacancy_mask_inside(int32_t zmax, const uint8_t* site, int32_t i,
                                                 const int32_t* offset) {
    unsigned int vacant = 0;
    KMC_DEVICE_LOOP_UNROLL4
    for (int32_t k = 0; k < zmax; ++k) {
      const int32_t d = offset[k];
      if (d == kNoHop) continue;
      vacant |= static_cast<unsigned int>(site[i + d] == 0) << k;
    }
    return vacant;
  }

  // The outcome from the vacancy mask.
  KMC_HD static int32_t slot_of(const LatticeView& lat, const SublatticeTables& tab,
                                const Tables& thin, const SiteCoord& s,
                                const SublatticeAttempt::Ion& ion, unsigned int vacant,
                                uint32_t word0, uint32_t word1) {
    if (!vacant) return -1;
    const uint32_t mass = thin.common[ion.species * lat.nbasis + s.b];
    if (mass) return common_slot(vacant, mass, word0, word1);
    const int32_t width = 2 * lat.zmax + 1;
    const int64_t row = SpeciesEnergy::slot(ion.species, lat.nbasis, lat.zmax, s.b, 0) * width +
                        lat.zmax;  // slot k, dn = 0: row + k * width
    return weighted_slot(vacant, tab.threshold + row, thin.hop + row, width, word0, word1);
  }

  // Every slot has the same threshold T (mass h): the chain of hop_slot's
  // general case is n steps of h, its total n T, and its direction's slot
  // the m-th vacant one, m = floor(floor(word1 n T / 2^32) / T) = floor(word1
  // n / 2^32): the same slot, bit for bit, without the table loads.
  KMC_HD static int32_t common_slot(unsigned int vacant, uint32_t h, uint32_t word0,
                                    uint32_t word1) {
    const unsigned int n = static_cast<unsigned int>(popcount(vacant));
    uint32_t y = 0;
    KMC_DEVICE_LOOP_ROLLED  // at most zmax short steps: unrolled it only grows the code
    for (unsigned int j = 0; j < n; ++j) y = combine(y, h);
    if (!(word0 < y)) return -1;
    KMC_DEVICE_LOOP_ROLLED
    for (unsigned int m = CounterRng::below32(word1, n); m; --m) vacant &= vacant - 1u;
    return lowest_bit(vacant);
  }

  // The general case: the chain and the direction over the vacant slots in
  // slot order, each reading the slot's threshold and mass (row + k width).
  KMC_HD static int32_t weighted_slot(unsigned int vacant, const uint32_t* threshold,
                                      const uint32_t* hop, int32_t width, uint32_t word0,
                                      uint32_t word1) {
    uint32_t y = 0;
    uint64_t total = 0;
    for (unsigned int m = vacant; m; m &= m - 1u) {
      const int32_t at = lowest_bit(m) * width;
      y = combine(y, hop[at]);
      total += threshold[at];
    }
    if (!(word0 < y)) return -1;
    const uint64_t r = scaled(word1, total);
    uint64_t running = 0;
    for (unsigned int m = vacant; m; m &= m - 1u) {
      const int32_t k = lowest_bit(m);
      running += threshold[k * width];
      if (r < running) return k;
    }
    return -1;  // not reached: y > 0 needs some T > 0, so r < total
  }

  // The move of a hop in slot k (a vacant target, as hop_slot() found it).
  KMC_HD static SublatticeAttempt::Try move_to(const LatticeView& lat, const SiteCoord& s,
                                               int32_t k) {
    SublatticeAttempt::Try t;
    t.h = lat.step(s.b, k);
    t.j = lat.index(lat.target(s, t.h));
    t.there = 0;
    t.valid = true;
    t.vacant = true;
    return t;
  }
};

// The CPU's visit (kernels/SublatticeAttempt.hpp declares it).
KMC_HD int SublatticeAttempt::decide(const LatticeView& lat, const SublatticeTables& tab,
                                     const SublatticeArrays& arr, const SublatticeRngKey& key,
                                     uint64_t sweep, const SiteCoord& s, int32_t i, Move& move) {
  Ion ion = ion_at(arr.site, i, sweep);
  if (SublatticeThinning::applies(lat, tab)) {
    const SublatticeThinning::Tables thin = SublatticeThinning::tables(lat, tab);
    uint32_t first, second;
    SublatticeThinning::words(key, sweep, i, first, second);
    if (!SublatticeThinning::may_hop(lat, thin, s, ion, first)) return kAttemptRejected;
    const int32_t k = SublatticeThinning::hop_slot(lat, tab, thin, arr.site, s, ion, first, second);
    if (k < 0) return kAttemptRejected;
    apply(arr, s, i, ion, k, lat.zmax, SublatticeThinning::move_to(lat, s, k), move);
    return kAttemptAccepted;
  }
  SiteWords words(key, sweep, i);
  const int32_t k_attempts = attempts_of(tab, words.next());
  const int outcome = attempts(lat, tab, arr, s, i, ion, words, 0, k_attempts, kAttemptNull, move);
  if (outcome != kAttemptAccepted) finish(tab, arr, i, ion);
  return outcome;
}

}  // namespace coatkmc
