#pragma once
// The device code of one class of the lattice-wide class rule
// (kernels/SublatticeLatticeRule.hpp), thinned visits only (the lattice gas:
// kernels/SublatticeThinning.hpp), as phases shared by the CUDA kernel
// (kernels/cuda/SublatticeDevice.cu, class_kernel) and the host replay
// (kernels/replay/SublatticeReplay.cpp).
//
// Why a kernel of its own. The tiled kernel (kernels/SublatticeKernel.hpp)
// runs a tile's 56 class steps one after another in one block; the H200
// measured that chain of barriers, not instruction issue, as its bound
// (benchmarks/NOTES.md, "Measured"). Under the lattice rule a class spans the
// whole lattice and a sweep is classes() launches of this kernel, each with
// millions of independent visits (2M at 256^3) and three barriers per block:
// no tiles, parities, site-class tables, rounds or step words, and every
// lane does the same short work.
//
// A launch (class q: phase j, basis site b) runs, per block of
// kSublatticeClassBlock lanes:
//   prepare  clear the block's per-slot counters and list length; b's
//            slots' target offsets and wrap bits (SublatticeClassSharedLayout)
//   screen   lane T (block * 256 + thread) takes row r = T / L, c1 = r % n1,
//            c2 = r / n1 (L lanes per row), and the members of that row whose
//            screen words lie in its P = kSublatticeClassQuadsPerLane Philox
//            blocks (at most 4 P, SublatticeClassGeometry): per block ONE
//            Philox draw (word t for its t-th member), per member its site
//            byte and one compare; a member is listed when its site is
//            occupied and its word 0 is below b's screen
//            (SublatticeThinning::Tables::screen), with claim_places (one
//            atomic per warp) into the block's shared list: its index, word
//            0 (the fast path when every lane's blocks are whole: no bounds
//            per member)
//   decide   lanes loop over the listed entries (entry t, t + 256, ...):
//            the site's byte again (cached), its boundary bits (c_a = 0 or
//            n_a - 1) from its index by multiply-highs, word 1
//            (direction_word, one Philox block), the vacancy mask over
//            b's slots by offsets, a slot whose hop wraps at one of the
//            site's boundary bits fixed up per bit (no coordinates),
//            SublatticeThinning::slot_of, apply, move_record, a shared
//            per-slot counter
//   flush    the counters into the launch's totals (as SublatticeKernel::flush)
// Passes over the list need no barrier between them: a pass writes only the
// sites of its own members' hops and the shared counters (atomics), and
// members of one class never touch each other's sites.
//
// The outcome is SublatticeAttempt::decide()'s for each member (the CPU's
// visit): the same words (SublatticeThinning::words with key.word_group =
// M nbasis), the same screen (a visit whose word 0 is not below its basis
// site's screen cannot hop: its hop mass is at most its ceiling, at most the
// screen), the same slot. Members of a class never touch each other's sites,
// so any order of lanes, list places and blocks gives the same result; the
// replay shuffles lanes and blocks to show it. So cpu, replay and cuda give
// the same trajectory bit for bit, whatever the grid.
#include <cstdint>
#include <type_traits>

#include "kernels/CounterRng.hpp"
#include "kernels/KernelSupport.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeLayout.hpp"
#include "kernels/SublatticeThinning.hpp"

namespace coatkmc {

// Kernel parameters of one class launch (passed by value).
struct SublatticeClassLaunch {
  LatticeView lat;
  SublatticeTables tab;
  SublatticeThinning::Tables thin;  // SublatticeThinning::tables(lat, tab), made by the driver
  SublatticeArrays arr;
  SublatticeRngKey key;  // key.word_group = M nbasis
  uint64_t sweep;
  SublatticeClassGeometry geo;
  int32_t phase;              // j of the class
  int32_t basis;              // its basis site b
  const int32_t* control;     // [0] active, [1] sweeps done (the gate's)
  unsigned long long* hops;   // the batch's accepted hops
  unsigned long long* slots;  // accepted hops per (basis site, slot)
};

static_assert(std::is_trivially_copyable<SublatticeClassLaunch>::value,
              "SublatticeClassLaunch is a kernel parameter: plain data only");
static_assert(sizeof(SublatticeClassLaunch) <= 4096, "kernel parameters stay under 4 KiB");

struct SublatticeClassKernel {
  using Shared = SublatticeClassSharedLayout;

  KMC_HD static bool active(const SublatticeClassLaunch& L) { return L.control[0] != 0; }

  // floor(e / d) by a multiply-high with magic = ceil(2^32 / d), 0 for d = 1
  // (exact while e d < 2^32: plan_sublattice_class_launch checks it).
  KMC_HD static uint32_t divide(uint32_t e, uint32_t magic) {
    return magic ? static_cast<uint32_t>((static_cast<uint64_t>(e) * magic) >> 32) : e;
  }

  // Phase `phase` of lane `lane` (the replay calls them one by one; the CUDA
  // kernel calls the four bodies with a barrier between them).
  KMC_HD static void phase(const SublatticeClassLaunch& L, const Lane& lane, int32_t phase,
                           unsigned int* shared) {
    if (phase == 0)
      prepare(L, lane, shared);
    else if (phase == 1)
      screen(L, lane, shared);
    else if (phase == 2)
      decide_all(L, lane, shared);
    else
      flush(L, lane, shared);
  }

  // Phase 0: counters and list length cleared; b's steps (offset and wrap
  // bits) and the fixes.
  KMC_HD static void prepare(const SublatticeClassLaunch& L, const Lane& lane,
                             unsigned int* shared) {
    const int32_t t = lane.thread;
    if (t < L.lat.zmax) {
      const HopStep& h = L.lat.step(L.basis, t);
      unsigned int step = 0;
      if (h.to_basis >= 0) {
        for (int a = 0; a < 3; ++a)
          step |= (h.dcell[a] < 0 ? 1u << a : 0u) | (h.dcell[a] > 0 ? 8u << a : 0u);
        step |= static_cast<unsigned int>(SublatticeThinning::step_offset(L.lat, L.basis, h)) << 6;
      }
      shared[Shared::kCounters + t] = 0;
      shared[Shared::kSteps + t] = step;
    }
    if (t < 6) {
      const int32_t a = t % 3;
      const int32_t span = L.lat.n[a] *
                           (a == 0 ? 1 : (a == 1 ? L.lat.n[0] : L.lat.n[0] * L.lat.n[1])) *
                           L.lat.nbasis;
      shared[Shared::kFixes + t] = static_cast<unsigned int>(t < 3 ? span : -span);
    }
    if (t == 0) shared[Shared::kCount] = 0;
  }

  // Phase 1 with P Philox blocks per lane (the kernel's P is
  // kSublatticeClassQuadsPerLane; the SASS probes compile others to price
  // them: a list for them would need 4 P entries per lane). The fast path
  // when every lane's blocks are whole (SublatticeClassGeometry::aligned,
  // uniform over the launch: sc 256^3 and every n0 divisible by 4 M P).
  KMC_HD static void screen(const SublatticeClassLaunch& L, const Lane& lane,
                            unsigned int* shared) {
    static_assert(
        4 * kSublatticeClassQuadsPerLane * kSublatticeClassBlock <= kSublatticeClassCapacity,
        "the list holds every member a block's lanes screen");
    if (L.geo.aligned)
      screen_as<kSublatticeClassQuadsPerLane, true>(L, lane, shared);
    else
      screen_as<kSublatticeClassQuadsPerLane, false>(L, lane, shared);
  }

  // The lane's row and Philox blocks, its members' bytes and screen words;
  // the listed ones go into the block's list. Every lane calls claim_places
  // once (lanes past the class's last row list nothing). kAligned: the
  // lane's 4 P members are all in its row (no bounds per member).
  template <int P, bool kAligned>
  KMC_HD static void screen_as(const SublatticeClassLaunch& L, const Lane& lane,
                               unsigned int* shared) {
    const SublatticeClassGeometry& g = L.geo;
    const uint32_t T =
        static_cast<uint32_t>(lane.block) * static_cast<uint32_t>(lane.block_threads) +
        static_cast<uint32_t>(lane.thread);
    const int32_t nbasis = L.lat.nbasis;
    const uint32_t group = static_cast<uint32_t>(g.modulus * nbasis);  // = key.word_group
    unsigned int listed = 0, at = 0;
    uint32_t word[4 * P];
    if (T < g.lanes) {
      const uint32_t r = divide(T, g.lane_magic), w = T - r * g.row_lanes;
      const uint32_t c2 = divide(r, g.row_magic), c1 = r - c2 * static_cast<uint32_t>(L.lat.n[1]);
      // f = (j - k1 c1 - k2 c2) mod M, lifted to a non-negative sum.
      const uint32_t x = g.lift + static_cast<uint32_t>(L.phase) -
                         static_cast<uint32_t>(g.k[0]) * c1 - static_cast<uint32_t>(g.k[1]) * c2;
      const uint32_t f = x - static_cast<uint32_t>(g.modulus) * divide(x, g.modulus_magic);
      // The row's member m is word (r R + m) % 4 of block (r R + m) / 4: this
      // lane's blocks G0 .. G0 + P - 1 hold members m = m0 + e, e < 4 P,
      // m0 = 4 (w P) - (r R) % 4 (aligned: r R % 4 = 0).
      const uint32_t rr = r * static_cast<uint32_t>(g.row_members);
      const uint32_t u0 = w * static_cast<uint32_t>(P);
      const int32_t m0 =
          static_cast<int32_t>(4u * u0) - (kAligned ? 0 : static_cast<int32_t>(rr & 3u));
      const uint32_t b = static_cast<uint32_t>(L.basis);
      const uint32_t limit = L.thin.screen[b];
      // Site index of member e = 0 (m0 may be negative: such members are
      // not in the row and not read).
      at = static_cast<unsigned int>(
          (static_cast<int32_t>(r) * L.lat.n[0] + static_cast<int32_t>(f) + g.modulus * m0) *
              nbasis +
          static_cast<int32_t>(b));
      // Unrolled: constant indices into word[].
      KMC_DEVICE_LOOP_UNROLL_ALL
      for (int p = 0; p < P; ++p) {
        // Blocks past the row's last (u >= Q) hold none of its members.
        if (!kAligned && u0 + static_cast<uint32_t>(p) >= g.quads) {
          for (int t = 0; t < 4; ++t) word[4 * p + t] = 0;
          continue;
        }
        const auto v = CounterRng::words(L.key.seed, kStreamSublattice, L.key.replica,
                                         (L.sweep << 4) | SublatticeThinning::kScreenBlock,
                                         ((rr >> 2) + u0 + static_cast<uint32_t>(p)) * group +
                                             f * static_cast<uint32_t>(nbasis) + b);
        word[4 * p] = v[0];
        word[4 * p + 1] = v[1];
        word[4 * p + 2] = v[2];
        word[4 * p + 3] = v[3];
        KMC_DEVICE_LOOP_UNROLL_ALL
        for (int t = 0; t < 4; ++t) {
          // m = m0 + 4 p + t in [0, R): one unsigned compare.
          if (!kAligned &&
              static_cast<uint32_t>(m0 + 4 * p + t) >= static_cast<uint32_t>(g.row_members))
            continue;
          const uint8_t byte = L.arr.site[at + static_cast<unsigned int>(4 * p + t) * group];
          listed |= static_cast<unsigned int>(
                        SublatticeAttempt::eligible(byte, L.sweep, kPoissonAttempts) &&
                        word[4 * p + t] < limit)
                    << (4 * p + t);
        }
      }
    }
    int32_t place =
        claim_places(shared + Shared::kCount, static_cast<unsigned int>(popcount(listed)));
    KMC_DEVICE_LOOP_UNROLL_ALL
    for (int e = 0; e < 4 * P; ++e) {
      if (!((listed >> e) & 1u)) continue;
      shared[Shared::kIndex + place] = at + static_cast<unsigned int>(e) * group;
      shared[Shared::kWord0 + place] = word[e];
      ++place;
    }
  }

  // Phase 2: the lane's entries of the list, one decision each.
  KMC_HD static void decide_all(const SublatticeClassLaunch& L, const Lane& lane,
                                unsigned int* shared) {
    const unsigned int n = shared[Shared::kCount];
    for (unsigned int e = static_cast<unsigned int>(lane.thread); e < n;
         e += static_cast<unsigned int>(lane.block_threads))
      decide(L, e, shared);
  }

  // The target's index offset of slot k from a site with boundary bits
  // `edge`: the offset, plus a fix per boundary the hop crosses (0 for a
  // slot without a hop: the site itself).
  KMC_HD static int32_t target_offset(const unsigned int* shared, int32_t k, unsigned int edge) {
    const unsigned int step = shared[Shared::kSteps + k];
    int32_t d = static_cast<int32_t>(step) >> 6;
    for (unsigned int cross = step & edge; cross; cross &= cross - 1u)
      d += static_cast<int32_t>(shared[Shared::kFixes + lowest_bit(cross)]);
    return d;
  }

  // Site i's boundary bits (SublatticeClassSharedLayout): its cell from the
  // index by the geometry's divisors.
  KMC_HD static unsigned int edge_of(const SublatticeClassLaunch& L, uint32_t i) {
    const SublatticeClassGeometry& g = L.geo;
    const uint32_t cell = g.by_nbasis.divide(i), q0 = g.by_n0.divide(cell);
    const uint32_t q1 = g.by_n1.divide(q0);
    const uint32_t c[3] = {cell - q0 * static_cast<uint32_t>(L.lat.n[0]),
                           q0 - q1 * static_cast<uint32_t>(L.lat.n[1]), q1};
    unsigned int edge = 0;
    for (int a = 0; a < 3; ++a)
      edge |= (c[a] == 0 ? 1u << a : 0u) |
              (c[a] + 1 == static_cast<uint32_t>(L.lat.n[a]) ? 8u << a : 0u);
    return edge;
  }

  // The decision of listed entry e (occupied, word 0 below the screen):
  // SublatticeAttempt::decide()'s thinned visit from word 0 on.
  KMC_HD static void decide(const SublatticeClassLaunch& L, unsigned int e, unsigned int* shared) {
    const int32_t i = static_cast<int32_t>(shared[Shared::kIndex + e]);
    const uint32_t word0 = shared[Shared::kWord0 + e];
    // The byte again (no other member writes it; cached since the screen).
    const SublatticeAttempt::Ion ion = SublatticeAttempt::ion_of(L.arr.site[i], L.sweep);
    const unsigned int edge = edge_of(L, static_cast<uint32_t>(i));
    SiteCoord s;  // only its basis site is read (slot_of, apply)
    s.c[0] = s.c[1] = s.c[2] = 0;
    s.b = L.basis;
    const uint32_t word1 =
        SublatticeThinning::direction_word(L.key, L.sweep, static_cast<uint32_t>(i));
    unsigned int vacant = 0;
    KMC_DEVICE_LOOP_UNROLL4
    for (int32_t k = 0; k < L.lat.zmax; ++k)
      vacant |= static_cast<unsigned int>(L.arr.site[i + target_offset(shared, k, edge)] == 0) << k;
    const int32_t k =
        SublatticeThinning::slot_of(L.lat, L.tab, L.thin, s, ion, vacant, word0, word1);
    if (k < 0) return;
    SublatticeAttempt::Try t;
    t.h = L.lat.step(s.b, k);
    t.j = i + target_offset(shared, k, edge);
    t.there = 0;
    t.valid = true;
    t.vacant = true;
    SublatticeAttempt::Move m;
    SublatticeAttempt::apply(L.arr, s, i, ion, k, L.lat.zmax, t, m);
    SublatticeAttempt::move_record(L.arr, m);
    atomic_add(&shared[Shared::kCounters + k], static_cast<unsigned int>(m.ions));
  }

  // Phase 3: the block's counters into the launch's totals.
  KMC_HD static void flush(const SublatticeClassLaunch& L, const Lane& lane,
                           const unsigned int* shared) {
    const int32_t k = lane.thread;
    if (k >= L.lat.zmax) return;
    const unsigned int n = shared[Shared::kCounters + k];
    if (!n) return;
    atomic_add(&L.slots[L.basis * L.lat.zmax + k], static_cast<unsigned long long>(n));
    atomic_add(L.hops, static_cast<unsigned long long>(n));
  }
};

}  // namespace coatkmc

// The launch plan (host only), which both drivers use.
#include "kernels/SublatticePlan.hpp"
