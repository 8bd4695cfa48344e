#pragma once
// One site visit of the sublattice (parallel rejection) solver, written once
// for the OpenMP and the CUDA launchers.
//
// Uniformization: every mobile site attempts at rate zmax gamma, gamma being
// the per-direction rate max_rate / acceptance_ceiling; an attempt picks one
// of the zmax hop slots uniformly and hops with probability rate / gamma, so a
// hop of rate r happens at rate (zmax gamma) (1/zmax) (r/gamma) = r. A sweep
// visits every site once and lasts 1 / (zmax gamma). What a visit does is the
// attempt rule:
//  * kPoissonAttempts (default): the site makes K ~ Poisson(1) attempts, the
//    ion stopping at its first hop. This is exactly exp(L_s / (zmax gamma)),
//    the site's own generator over one sweep, so a sweep is a Trotter product
//    of exact site steps; averaged over the random class order it matches the
//    exact evolution to second order and the bias falls as ceiling^2. On the
//    integer path without interaction, exchange or environment the visit is
//    decided at once by Poisson thinning (kernels/SublatticeThinning.hpp:
//    the same law from two words).
//  * kOneAttemptPerIon: one attempt per ion per sweep (a stamp bit stops an ion
//    that hopped into a later-visited site from trying again). Exact hop rate,
//    but immediate returns are suppressed: correlations biased as ceiling^1.
//  * kOneAttemptPerSite: one attempt per visit (the classic rejection sweep);
//    an ion riding the class order attempts more than once per sweep, which
//    biases the hop rate as ceiling^1.
// docs/parallel-solvers.md measures all three against bkl.
//
// Site byte: bit 0 occupied, bit 1 (kOneAttemptPerIon only) the parity of the
// last sweep in which the ion attempted, bits 2-7 the ion's species (0 with
// one species; kernels/SpeciesEnergy.hpp), which travels with the ion. With
// the environment model an immobile host cation's site has the byte
// (S + h) << 2, bit 0 clear: no ion, yet no vacancy (kernels/EnvironmentEnergy.hpp).
//
// Direct exchange ([[hop.exchange]]): when the chosen neighbour holds an ion
// of species c, the ion of species a swaps with it with probability
// x(a, c, b, k) / gamma (a tabulated threshold; the ion of species a carries
// the event, as in bkl, so each swap has one attempt channel). A swap writes
// the same two sites a vacancy hop writes and reads no more than it reads, so
// the class tiling keeps members of a class apart for it too. The partner's
// byte (its species and stamp) moves unchanged to the origin.
//
// Decisions are integer or exact: K is
// found by comparing a Philox word with the Poisson CDF built by IEEE + and /,
// the direction is a multiply-high of a word, acceptance compares a word with
// a threshold floor(p 2^32) the host tabulated (uniform landscape) or with a
// product of two host-scaled doubles (per-site landscape).
#include <cstdint>

#include "kernels/CounterRng.hpp"
#include "kernels/EnvironmentEnergy.hpp"
#include "kernels/HostDevice.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/SpeciesEnergy.hpp"

namespace coatkmc {

constexpr uint8_t kSiteOccupied = 1;
constexpr uint8_t kSiteStamp = 2;

enum SublatticeAttemptRule : int32_t {
  kPoissonAttempts = 0,
  kOneAttemptPerIon = 1,
  kOneAttemptPerSite = 2,
};

// Read-only acceptance data of a sweep.
struct SublatticeTables {
  // Uniform landscape: threshold[(b * zmax + k) * (2 zmax + 1) + dn + zmax],
  // dn = n_target - n_origin (0 without interaction). Accept when word < threshold.
  // With species, (b * zmax + k) becomes SpeciesEnergy::slot(species, nbasis, zmax, b, k).
  const uint32_t* threshold;
  // Per-site landscape (threshold == nullptr): accept when
  // double(word) < site_rate[site * zmax + k] * factor[dn + zmax], with site_rate
  // the static rate times 2^32 / gamma and factor the interaction factor times
  // the sweep fraction.
  const double* site_rate;
  const double* factor;
  // Per-site landscape with species: the vacancy factor of each
  // SpeciesEnergy::slot multiplies the product above; nullptr with one species.
  const double* species_factor;
  int32_t interaction;  // count neighbours for the interaction term
  int32_t rule;         // SublatticeAttemptRule
  // Direct exchange: exchange[(a * species + c) * nbasis * zmax + b * zmax + k]
  // = floor(x(a, c, b, k) / gamma 2^32) (times the sweep fraction); accept
  // when word < it. nullptr: no exchange configured.
  const uint32_t* exchange;
  int32_t species;  // species (rows and columns of `exchange`)
  // The local-environment energy model (env.entry == nullptr: none): decides
  // every vacancy hop instead of the three paths above
  // (kernels/EnvironmentEnergy.hpp).
  EnvironmentTables env;
};

// What travels with an ion from site to site: its index and the cell offsets
// it has travelled. Kept per site (stale where empty), so an accepted hop
// copies 16 bytes between two neighbouring sites instead of touching a
// per-ion array at a random place.
struct IonRecord {
  int32_t ion;
  int32_t cells[3];
};

// Mutable arrays of one replica.
struct SublatticeArrays {
  uint8_t* site;      // one byte per site, see above
  IonRecord* record;  // one per site
};

struct SublatticeRngKey {
  uint64_t seed;
  uint32_t replica;
  // The thinned words' layout (kernels/SublatticeThinning.hpp, words()): 0
  // the tiles' pair layout; g > 0 the lattice-wide class rule's, four sites
  // g apart to a block (kernels/SublatticeLatticeRule.hpp). Fills the padding.
  uint32_t word_group = 0;
};
static_assert(sizeof(SublatticeRngKey) == 16, "SublatticeRngKey is a kernel parameter");

enum SublatticeOutcome : int { kAttemptNull = 0, kAttemptRejected = 1, kAttemptAccepted = 2 };

// The Philox words of one site in one sweep, in order: word n is component
// n % 4 of the block (seed, sublattice stream, replica, sweep * 16 + n / 4, site).
class SiteWords {
 public:
  KMC_HD SiteWords(const SublatticeRngKey& key, uint64_t sweep, int32_t site)
      : key_(key), step_(sweep << 4), site_(static_cast<uint32_t>(site)) {}
  // The same words from word 3 on, word 3 (the last of block 0) given: the
  // device kernel's second visit phase picks a visit up where its first one
  // stopped (kernels/SublatticeKernel.hpp) without recomputing block 0.
  KMC_HD SiteWords(const SublatticeRngKey& key, uint64_t sweep, int32_t site, uint32_t word3)
      : key_(key), step_(sweep << 4), site_(static_cast<uint32_t>(site)), n_(3) {
    block_.v[3] = word3;
  }
  // Word n % 4 picked by constant indices: a dynamic index into the block
  // would put it in local memory on the device (ptxas: a stack frame).
  KMC_HD uint32_t next() {
    uint32_t w;
    switch (n_ & 3) {
      case 0:
        block_ = CounterRng::words(key_.seed, kStreamSublattice, key_.replica, step_ | (n_ >> 2),
                                   site_);
        w = block_.v[0];
        break;
      case 1: w = block_.v[1]; break;
      case 2: w = block_.v[2]; break;
      default: w = block_.v[3]; break;
    }
    ++n_;
    return w;
  }
  // Word 3, once words 0-2 were taken (what the resuming constructor needs).
  KMC_HD uint32_t word3() const { return block_.v[3]; }

 private:
  SublatticeRngKey key_;
  uint64_t step_;
  uint32_t site_;
  uint32_t n_ = 0;
  CounterRng::Philox::ctr_type block_;
};

struct SublatticeAttempt {
  // Attempts per visit are capped here; P(Poisson(1) > 15) is about 1e-14.
  static constexpr int32_t kMaxAttempts = 15;

  // K ~ Poisson(1) from one word: the smallest K whose CDF (times 2^32)
  // exceeds it. kPoissonThreshold[k] = ceil(cdf_k), cdf_k being the Poisson(1)
  // CDF at k times 2^32 as the loop term_0 = e^-1 2^32, term_k = term_{k-1} / k,
  // cdf_k = cdf_{k-1} + term_k computes it in IEEE double (the solver's former
  // definition, kept in tests/device/test_poisson_table.cpp): for an integer
  // word w, double(w) >= cdf_k exactly when w >= ceil(cdf_k). From k = 12 on
  // cdf_k rounds up to 2^32, which no word reaches, so K <= 12. Integer
  // compares instead of an FP64 loop with a division: the same K, far fewer
  // instructions and registers on the device.
  static constexpr uint32_t kPoissonThreshold[12] = {
      1580030169u, 3160060338u, 3950075422u, 4213413784u, 4279248374u, 4292415292u,
      4294609778u, 4294923277u, 4294962464u, 4294966818u, 4294967253u, 4294967293u};
  KMC_HD static int32_t poisson_one(uint32_t word) {
    // Literal thresholds (not the array) so device code needs no constant memory.
    return (word >= 1580030169u) + (word >= 3160060338u) + (word >= 3950075422u) +
           (word >= 4213413784u) + (word >= 4279248374u) + (word >= 4292415292u) +
           (word >= 4294609778u) + (word >= 4294923277u) + (word >= 4294962464u) +
           (word >= 4294966818u) + (word >= 4294967253u) + (word >= 4294967293u);
  }

  KMC_HD static int32_t occupied_around(const LatticeView& lat, const uint8_t* site,
                                        const SiteCoord& s) {
    int32_t count = 0;
    // Rolled on the device: unrolled, the two calls in attempt() pushed the
    // kernel from 72 to 89 registers.
    KMC_DEVICE_LOOP_ROLLED
    for (int32_t k = 0; k < lat.zmax; ++k) {
      const HopStep& h = lat.step(s.b, k);
      if (h.to_basis < 0) continue;
      count += site[lat.index(lat.target(s, h))] & kSiteOccupied;
    }
    return count;
  }

  // Whether the byte of a visited site holds an ion that attempts at this visit.
  KMC_HD static bool eligible(uint8_t here, uint64_t sweep, int32_t rule) {
    const uint8_t stamp = (sweep & 1) ? kSiteStamp : 0;
    return (here & kSiteOccupied) && !(rule == kOneAttemptPerIon && (here & kSiteStamp) == stamp);
  }

  // An accepted hop: the ion's record still has to go from `from` to `to`
  // (and, for an exchange, the partner's from `to` to `from`).
  struct Move {
    int32_t from, to, slot;
    int8_t dcell[3];
    int8_t ions;  // ions moved: 1 (vacancy hop) or 2 (exchange, two hops)
  };

  // What a visit knows about its ion before its first attempt.
  struct Ion {
    int32_t species;  // SpeciesEnergy::species_of its byte (0 with one species)
    uint8_t done;     // the byte its target gets when it moves (stamp of this sweep)
    int32_t around;   // occupied neighbours of the origin, -1 until counted
  };
  KMC_HD static Ion ion_of(uint8_t here, uint64_t sweep) {
    Ion ion;
    // The species bits travel with the ion; with one species they are 0.
    ion.species = SpeciesEnergy::species_of(here);
    ion.done = static_cast<uint8_t>(kSiteOccupied | ((sweep & 1) ? kSiteStamp : 0) |
                                    SpeciesEnergy::species_bits(here));
    ion.around = -1;
    return ion;
  }
  KMC_HD static Ion ion_at(const uint8_t* site, int32_t i, uint64_t sweep) {
    return ion_of(site[i], sweep);
  }

  // What one attempt found: its step, target and the target's byte.
  struct Try {
    HopStep h;      // the step (to_basis set to the origin's basis when the slot holds no hop)
    int32_t j;      // the target's index
    uint8_t there;  // the target's byte
    bool valid;     // the slot holds a hop
    bool vacant;    // valid and the target is empty (a vacancy hop; else a swap, if accepted)
  };

  // THE ACCEPTANCE DECISION of one attempt: whether the ion `ion` on site `s`
  // (index i) moves in hop slot k, decided by the word `draw`. Reads the site
  // bytes only (writes nothing but ion.around, the origin's occupied
  // neighbours, counted once per visit: the origin's neighbourhood does not
  // change during a visit, which ends at its first hop). Called by decide()
  // (the CPU loop over a visit's K attempts) and by both visit phases of the
  // device kernel (kernels/SublatticeKernel.hpp); a change of the acceptance
  // rule goes here and nowhere else.
  KMC_HD static bool attempt(const LatticeView& lat, const SublatticeTables& tab,
                             const uint8_t* site, const SiteCoord& s, int32_t i, Ion& ion,
                             int32_t k, uint32_t draw, Try& t) {
    t.h = lat.step(s.b, k);
    t.valid = t.h.to_basis >= 0;
    if (!t.valid) t.h.to_basis = static_cast<int16_t>(s.b);  // a harmless in-range target
    const SiteCoord target = lat.target(s, t.h);
    t.j = lat.index(target);
    t.there = site[t.j];
    // A host cation's byte (environment model) has bit 0 clear but is no vacancy.
    t.vacant = t.valid & (t.there == 0);
    int32_t dn = 0;
    if (tab.interaction && t.vacant) {
      // The hopping ion neighbours its target; it does not count there.
      if (ion.around < 0) ion.around = occupied_around(lat, site, s);
      dn = (occupied_around(lat, site, target) - 1) - ion.around;
    }
    bool below;
    const int64_t slot = SpeciesEnergy::slot(ion.species, lat.nbasis, lat.zmax, s.b, k);
    if (tab.env.entry) {
      below = t.vacant && EnvironmentEnergy::accepts(lat, tab.env, site, tab.site_rate, s, i, k,
                                                     slot, draw);
    } else if (tab.threshold) {
      below = draw < tab.threshold[slot * (2 * lat.zmax + 1) + dn + lat.zmax];
    } else {
      double p = tab.site_rate[static_cast<int64_t>(i) * lat.zmax + k] * tab.factor[dn + lat.zmax];
      if (tab.species_factor) p *= tab.species_factor[slot];
      below = static_cast<double>(draw) < p;
    }
    bool accept = t.vacant & below;
    if (tab.exchange && t.valid && (t.there & kSiteOccupied)) {
      // The word decides the swap with the ion on j instead (a vacancy hop
      // was impossible): threshold of the ordered pair (species, its species).
      const int64_t pair =
          static_cast<int64_t>(ion.species) * tab.species + SpeciesEnergy::species_of(t.there);
      accept = draw < tab.exchange[(pair * lat.nbasis + s.b) * lat.zmax + k];
    }
    return accept;
  }

  // An accepted attempt's site bytes (one exit for both moves, fewer
  // registers on the device than two: a vacancy hop empties the origin, a
  // swap brings the partner's byte) and its Move.
  KMC_HD static void apply(const SublatticeArrays& arr, const SiteCoord& s, int32_t i,
                           const Ion& ion, int32_t k, int32_t zmax, const Try& t, Move& move) {
    arr.site[t.j] = ion.done;
    arr.site[i] = t.vacant ? uint8_t(0) : t.there;
    move.from = i;
    move.to = t.j;
    move.slot = s.b * zmax + k;
    move.dcell[0] = t.h.dcell[0];
    move.dcell[1] = t.h.dcell[1];
    move.dcell[2] = t.h.dcell[2];
    move.ions = t.vacant ? 1 : 2;
  }

  // Attempts [from, to) of a visit, their words taken from `words` in order;
  // stops at the first accepted one (applied, `move` filled: returns
  // kAttemptAccepted). Otherwise returns `outcome`, raised to
  // kAttemptRejected by any attempt whose slot holds a hop.
  KMC_HD static int attempts(const LatticeView& lat, const SublatticeTables& tab,
                             const SublatticeArrays& arr, const SiteCoord& s, int32_t i, Ion& ion,
                             SiteWords& words, int32_t from, int32_t to, int outcome,
                             Move& move) {
    for (int32_t q = from; q < to; ++q) {
      const int32_t k = static_cast<int32_t>(CounterRng::below32(words.next(), lat.zmax));
      const uint32_t draw = words.next();
      Try t;
      if (attempt(lat, tab, arr.site, s, i, ion, k, draw, t)) {
        apply(arr, s, i, ion, k, lat.zmax, t, move);
        return kAttemptAccepted;
      }
      if (t.valid) outcome = kAttemptRejected;
    }
    return outcome;
  }

  // The end of a visit without a hop: under kOneAttemptPerIon the ion's
  // stamp records that it attempted in this sweep.
  KMC_HD static void finish(const SublatticeTables& tab, const SublatticeArrays& arr, int32_t i,
                            const Ion& ion) {
    if (tab.rule == kOneAttemptPerIon) arr.site[i] = ion.done;
  }

  // Attempts of a visit: K ~ Poisson(1) from the site's first word, or one.
  KMC_HD static int32_t attempts_of(const SublatticeTables& tab, uint32_t first) {
    return tab.rule == kPoissonAttempts ? poisson_one(first) : 1;
  }

  // The visit of the ion on site `s` (index `i`), which must be eligible().
  // Under kPoissonAttempts on the integer-threshold path it is decided at
  // once by thinning (kernels/SublatticeThinning.hpp: words 0 and 1, one pass
  // over the slots); otherwise K attempts (K ~ Poisson(1) from word 0, or
  // one), the ion stopping at its first hop. Updates the site bytes; on an
  // accepted hop fills `move` and returns kAttemptAccepted, and the caller
  // applies move_record() (at once, or after the other members of the class:
  // members never share a site). Written with few data-dependent branches:
  // occupancy is random, so branches on it would be mispredicted half the
  // time on a CPU. The device kernel runs the same visit in two phases
  // (word 0 and the screen, or attempt 0, for every listed site; then the
  // thinned decision, or attempts 1..K-1, of the sites that need them): the
  // same words, decisions and writes in the same order. Defined in
  // kernels/SublatticeThinning.hpp (it needs SublatticeThinning).
  KMC_HD static int decide(const LatticeView& lat, const SublatticeTables& tab,
                           const SublatticeArrays& arr, const SublatticeRngKey& key, uint64_t sweep,
                           const SiteCoord& s, int32_t i, Move& move);

  KMC_HD static void move_record(const SublatticeArrays& arr, const Move& m) {
    IonRecord r = arr.record[m.from];
    r.cells[0] += m.dcell[0];
    r.cells[1] += m.dcell[1];
    r.cells[2] += m.dcell[2];
    if (m.ions == 2) {  // the partner goes the other way
      IonRecord o = arr.record[m.to];
      o.cells[0] -= m.dcell[0];
      o.cells[1] -= m.dcell[1];
      o.cells[2] -= m.dcell[2];
      arr.record[m.from] = o;
    }
    arr.record[m.to] = r;
  }

  // Visits site `s` in sweep `sweep`: eligible() then decide() and move_record().
  // On acceptance `slot` is the hop's slot and `ions` the hops it counts (1 or 2).
  KMC_HD static int run(const LatticeView& lat, const SublatticeTables& tab,
                        const SublatticeArrays& arr, const SublatticeRngKey& key, uint64_t sweep,
                        const SiteCoord& s, int32_t& slot, int32_t& ions) {
    const int32_t i = lat.index(s);
    if (!eligible(arr.site[i], sweep, tab.rule)) return kAttemptNull;
    Move m;
    const int outcome = decide(lat, tab, arr, key, sweep, s, i, m);
    if (outcome == kAttemptAccepted) {
      move_record(arr, m);
      slot = m.slot;
      ions = m.ions;
    }
    return outcome;
  }
};

}  // namespace coatkmc

// decide() and the thinned visit it runs.
#include "kernels/SublatticeThinning.hpp"
