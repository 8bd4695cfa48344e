#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernels/SublatticeLatticeRule.hpp"
#include "kernels/SublatticeTiling.hpp"
#include "kmc/lattice/Lattice.hpp"

namespace coatkmc {

// Largest tile width in cells: a 16^3 tile of bytes plus its halo stays in L1
// on the CPU and keeps a CUDA block's site classes a few hundred threads wide.
// Shorter axes get narrower tiles (a quarter of the axis, at least the class
// spacing) so that each parity class still has several tiles to share out.
// The tiling depends on the lattice only, never on threads or backend.
constexpr int kSublatticeTileCells = 16;

// Sites an attempt reads besides its origin and targets, per basis site:
// (dcell0, dcell1, dcell2, basis), cells from the origin's.
using ReadSites = std::vector<std::vector<std::array<int32_t, 4>>>;

// The classes of kernels/SublatticeTiling.hpp for `lattice`, hops reaching
// `reach` cells along each axis; an interaction doubles the read radius, and
// an attempt that also reads sites `read_reach` cells from its origin (the
// environment model: kernels/EnvironmentEnergy.hpp) reads that far. Spacing
// per axis: reach + max(read radius) + 1. Site classes: the linear rule of
// kernels/SublatticeTiling.hpp where every axis has two or more tiles and it
// needs fewer classes than the box rule's, else the box rule.
// `read_sites` (per basis site: dcell0..2, basis of the sites an environment
// model reads), when given, replaces the box of read_reach in the search of
// the linear rule (the spacing still follows read_reach).
SublatticeTiling make_sublattice_tiling(const Lattice& lattice, const std::array<int, 3>& reach,
                                        bool interaction,
                                        const std::array<int, 3>& read_reach = {0, 0, 0},
                                        const ReadSites* read_sites = nullptr);

// The cell displacements d at which attempts from (0, b) and (d, b) conflict
// (one writes a site the other reads or writes; reads: the origin and its
// targets, with an interaction the targets' neighbours, and every site of
// the cells within read_reach of the origin's, or the sites `read_sites`
// names for b when given), 0 included, both signs.
struct HopSteps;
std::vector<std::array<int32_t, 3>> conflict_displacements(const Lattice& lattice,
                                                           const HopSteps& hops, bool interaction,
                                                           const std::array<int, 3>& read_reach,
                                                           int32_t b,
                                                           const ReadSites* read_sites = nullptr);

// The linear class rule class(c) = (c0 + k1 c1 + k2 c2) mod M with the
// smallest M < `below` (then the smallest k1, k2) for which no displacement
// of `conflicts` but 0 has k . d = 0 mod M; modulus 0 when there is none.
// M = 1 (one class per mobile basis site) when no two sites of a basis
// site conflict (rocksalt's octahedral and tetrahedral Li without an
// interaction: no two of one basis site share a target).
struct LinearClassRule {
  int32_t modulus = 0;
  int32_t k1 = 0, k2 = 0;
};
LinearClassRule search_linear_class_rule(const std::vector<std::array<int32_t, 3>>& conflicts,
                                         int32_t below);

// The lattice-wide class rule (kernels/SublatticeLatticeRule.hpp) as
// search_linear_class_rule finds it, but over the whole lattice: the
// smallest M <= max_modulus (then the smallest k1, k2) for which no
// displacement of `conflicts` but 0 has k . d = 0 mod M and the pattern
// wraps on `cells`: M divides n0, k1 n1 and k2 n2. None (modulus 0) when an
// axis has fewer than 2 reach + 1 cells (`reach`: the hops' largest cell
// offset per axis) or no M qualifies. `accept`, when given, must also
// accept the candidate (lattice_class_rule: it has balanced orders).
LinearClassRule search_lattice_class_rule(
    const std::vector<std::array<int32_t, 3>>& conflicts, const std::array<int, 3>& cells,
    const std::array<int, 3>& reach, int32_t max_modulus = 64,
    const std::function<bool(const LinearClassRule&)>& accept = {});

// sublattice.class_rule: "tiles" (kernels/SublatticeTiling.hpp), "lattice"
// (the lattice-wide rule; refused where it does not apply) or "auto" (the
// lattice-wide rule where it applies, else tiles).
enum class SublatticeClassRule { Tiles, Auto, Lattice };
SublatticeClassRule sublattice_class_rule(const std::string& name);
const std::vector<std::string>& sublattice_class_rule_names();

// What decides whether the sublattice solver thins its visits
// (kernels/SublatticeThinning.hpp, applies()), as a run has it.
struct SublatticeVisitKind {
  bool poisson = true;            // sublattice.attempts = "poisson"
  bool uniform_landscape = true;  // thresholds per (basis site, slot), no per-site rates
  bool environment = false;       // [environment]
  bool interaction = false;       // hop.interaction != 0
  bool exchange = false;          // [[hop.exchange]]
  int zmax = 0;                   // the lattice's largest coordination
};
// THE decision (the solver's tables and the lattice-wide rule both follow
// it): "" when visits are thinned, else what stops it, for messages.
std::string why_visits_not_thinned(const SublatticeVisitKind& kind);

// The lattice-wide rule's BALANCE. With one class order per sweep shared by
// the whole lattice, an ion that hops from class (j, b) into class
// (j + s, b') (s = k . d mod M, d the hop's cell displacement, k = (1, k1,
// k2)) may hop again in the same sweep iff that class comes later in the
// order; a follower may take the vacated site iff its class comes later.
// These O(p^2) pair effects give every ion the same per-sweep drift along a
// hop, proportional to M - 2 asc, asc = #{phases j : pos(j + s, b') >
// pos(j, b)}; random orders cancel its mean but not its square, so the
// collective (D_jump) excess grows with the number of ions (DECISIONS.md,
// 21:53 PHYS ALERT, 22:08 LEAD). An order is BALANCED when 2 asc = M for
// every hop's (b, b', s): the first-order drift vanishes in every sweep.
// M odd has no balanced order. The set is closed under reversal (asc ->
// M - asc). sc (M = 8, shifts +-1, +-2, +-3): 5120 of the 8! orders.
// The (from, to, s) of the hops between mobile sites: from/to are indices
// into the rule's mobile_basis (class q = phase * mobile_basis_count + index).
struct LatticeHopShift {
  int32_t from = 0, to = 0, shift = 0;
  bool operator<(const LatticeHopShift& o) const {
    return from != o.from ? from < o.from : to != o.to ? to < o.to : shift < o.shift;
  }
  bool operator==(const LatticeHopShift& o) const {
    return from == o.from && to == o.to && shift == o.shift;
  }
};
// What the sweeps' order draw needs besides the rule: the distinct hop
// shifts (both directions of every hop) and a balanced order found by the
// rule's search (the proof that one exists; the draw's fallback, below).
struct LatticeOrderBalance {
  std::vector<LatticeHopShift> shifts;
  std::vector<uint8_t> example;  // a balanced order of the rule's classes()
  double acceptance = 0;         // balanced fraction of the search's random orders
};
std::vector<LatticeHopShift> lattice_hop_shifts(const std::vector<std::vector<HopTemplate>>& hops,
                                                const SublatticeLatticeRule& rule);
// THE balance test: `order` (classes() classes, a permutation) is balanced
// for every shift of `shifts`.
bool balanced_class_order(const SublatticeLatticeRule& rule,
                          const std::vector<LatticeHopShift>& shifts, const uint8_t* order);
// Random orders tried by the search for a balanced order of a candidate rule
// (deterministic: Philox words of seed 0 on the class-order stream). The
// rule is kept when at least kLatticeBalanceMinHits of them are balanced,
// i.e. when about one order in kLatticeBalanceTries / kLatticeBalanceMinHits
// or more is balanced, so that a sweep's rejection draw stays cheap.
constexpr int kLatticeBalanceTries = 4096;
constexpr int kLatticeBalanceMinHits = 4;
// Tries of one sweep's rejection draw before it takes the search's example
// order instead (at the least acceptance the search keeps, ~1/1024, the
// chance of getting there is e^-64).
constexpr int kLatticeDrawMaxTries = 1 << 16;
// The search's verdict for `rule`: the shifts, an example and the balanced
// fraction of its tries; example empty when fewer than kLatticeBalanceMinHits
// were balanced (M odd: none can be, and none is tried).
LatticeOrderBalance search_balanced_order(const SublatticeLatticeRule& rule,
                                          const std::vector<LatticeHopShift>& shifts);

// The lattice-wide rule of a lattice with hops `hops` (per basis site, as
// Lattice::hops or HopTable::hops give them), `mobile` basis sites and
// `cells`, for thinned visits (no interaction, no environment: the conflicts
// are the hops' writes and reads): the smallest M (then k1, k2) of
// search_lattice_class_rule whose rule has balanced orders
// (search_balanced_order). Inactive when there is none or it would need
// more than 255 classes (a sweep's order is one byte per class), and then
// `why` (when given) says why. `balance` (when given) gets the rule's
// balance (shifts and an example order) for draw_class_orders.
SublatticeLatticeRule lattice_class_rule(const std::vector<std::vector<HopTemplate>>& hops,
                                         const std::vector<bool>& mobile,
                                         const std::array<int, 3>& cells,
                                         std::string* why = nullptr,
                                         LatticeOrderBalance* balance = nullptr);
SublatticeLatticeRule lattice_class_rule(const Lattice& lattice, std::string* why = nullptr,
                                         LatticeOrderBalance* balance = nullptr);

// The class orders of sweep `sweep`: parity_order gets a permutation of the
// parity classes, site_order (parity_classes rows of site_classes) one
// permutation of the site classes per parity class. A pure function of
// (seed, replica, sweep): Fisher-Yates on Philox words of the class-order stream.
void draw_class_orders(const SublatticeTiling& tiling, uint64_t seed, uint32_t replica,
                       uint64_t sweep, uint8_t* parity_order, uint16_t* site_order);
// Under the lattice-wide rule: `order` gets a BALANCED permutation of its
// classes(), uniform over the balanced ones: Fisher-Yates on the words of
// the class-order stream (block 0, the tiles' parity order's), repeated on
// the next words until balanced_class_order (rejection; expected tries =
// 1 / balance.acceptance: 40320 / 5120 = 7.9 on sc, 7 words each). After
// kLatticeDrawMaxTries failures it takes balance.example. A pure function
// of (seed, replica, sweep) and the rule: every backend gets the same order.
void draw_class_orders(const SublatticeLatticeRule& rule, const LatticeOrderBalance& balance,
                       uint64_t seed, uint32_t replica, uint64_t sweep, uint8_t* order);

}  // namespace coatkmc
