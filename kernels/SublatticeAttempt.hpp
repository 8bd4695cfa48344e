#pragma once
// One site attempt of the sublattice (parallel rejection) solver, written once
// for the OpenMP and the CUDA launchers.
//
// Every mobile site is visited once per sweep. An ion there picks one of the
// zmax hop slots uniformly and hops with probability rate / gamma, gamma being
// the per-direction uniformization rate (max rate / acceptance ceiling), so a
// hop of rate r happens at rate (zmax gamma) (1/zmax) (r/gamma) = r and a sweep
// lasts 1 / (zmax gamma). With one_attempt_per_ion, an ion that already made
// its attempt this sweep (it hopped into a site visited later) does not try
// again: every ion then attempts exactly once per sweep, which removes the
// largest bias of a sweep (an ion riding the class order and hopping several
// times; docs/parallel-solvers.md measures both).
//
// Site byte: bit 0 occupied, bit 1 the parity of the last sweep in which the
// ion made its attempt. Decisions are integer: the direction is a multiply-high
// of a Philox word, acceptance compares a second word with a threshold
// floor(p 2^32) the host tabulated (uniform landscape) or with a product of two
// host-scaled doubles (per-site landscape); both are exact on host and device.
#include <cstdint>

#include "kernels/CounterRng.hpp"
#include "kernels/HostDevice.hpp"
#include "kernels/LatticeView.hpp"

namespace coatkmc {

constexpr uint8_t kSiteOccupied = 1;
constexpr uint8_t kSiteStamp = 2;

// Read-only acceptance data of a sweep.
struct SublatticeTables {
  // Uniform landscape: threshold[(b * zmax + k) * (2 zmax + 1) + dn + zmax],
  // dn = n_target - n_origin (0 without interaction). Accept when word < threshold.
  const uint32_t* threshold;
  // Per-site landscape (threshold == nullptr): accept when
  // double(word) < site_rate[site * zmax + k] * factor[dn + zmax], with site_rate
  // the static rate times 2^32 / gamma and factor the interaction factor times
  // the sweep fraction.
  const double* site_rate;
  const double* factor;
  int32_t interaction;          // count neighbours for the interaction term
  int32_t one_attempt_per_ion;  // honour the stamp bit
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
  uint8_t* site;       // one byte per site, see above
  IonRecord* record;   // one per site
};

struct SublatticeRngKey {
  uint64_t seed;
  uint32_t replica;
};

enum SublatticeOutcome : int { kAttemptNull = 0, kAttemptRejected = 1, kAttemptAccepted = 2 };

struct SublatticeAttempt {
  KMC_HD static int32_t occupied_around(const LatticeView& lat, const uint8_t* site,
                                        const SiteCoord& s) {
    int32_t count = 0;
    for (int32_t k = 0; k < lat.zmax; ++k) {
      const HopStep& h = lat.step(s.b, k);
      if (h.to_basis < 0) continue;
      count += site[lat.index(lat.target(s, h))] & kSiteOccupied;
    }
    return count;
  }

  // Whether the byte of a visited site holds an ion that still attempts this sweep.
  KMC_HD static bool eligible(uint8_t here, uint64_t sweep, int32_t one_attempt_per_ion) {
    const uint8_t stamp = (sweep & 1) ? kSiteStamp : 0;
    return (here & kSiteOccupied) &&
           !(one_attempt_per_ion && (here & kSiteStamp) == stamp);
  }

  // An accepted hop: the ion's record still has to go from `from` to `to`.
  struct Move {
    int32_t from, to, slot;
    int8_t dcell[3];
  };

  // The attempt of the ion on site `s` (index `i`), which must be eligible().
  // Updates the site bytes; on an accepted hop fills `move` and returns
  // kAttemptAccepted, and the caller applies move_record() (at once, or after
  // the other members of the class: members never share a site). Written with
  // few data-dependent branches: occupancy is random, so branches on it would
  // be mispredicted half the time on a CPU.
  KMC_HD static int decide(const LatticeView& lat, const SublatticeTables& tab,
                           const SublatticeArrays& arr, const SublatticeRngKey& key,
                           uint64_t sweep, const SiteCoord& s, int32_t i, Move& move) {
    const uint8_t done = kSiteOccupied | ((sweep & 1) ? kSiteStamp : 0);
    const auto w = CounterRng::words(key.seed, kStreamSublattice, key.replica, sweep,
                                     static_cast<uint32_t>(i));
    const int32_t k = static_cast<int32_t>(CounterRng::below32(w[0], lat.zmax));
    HopStep h = lat.step(s.b, k);
    const bool valid = h.to_basis >= 0;
    if (!valid) h.to_basis = static_cast<int16_t>(s.b);  // a harmless in-range target
    const SiteCoord t = lat.target(s, h);
    const int32_t j = lat.index(t);
    const bool vacant = valid & !(arr.site[j] & kSiteOccupied);
    int32_t dn = 0;
    if (tab.interaction && vacant) {
      // The hopping ion neighbours its target; it does not count there.
      dn = (occupied_around(lat, arr.site, t) - 1) - occupied_around(lat, arr.site, s);
    }
    bool below;
    if (tab.threshold) {
      below = w[1] < tab.threshold[(s.b * lat.zmax + k) * (2 * lat.zmax + 1) + dn + lat.zmax];
    } else {
      below = static_cast<double>(w[1]) <
              tab.site_rate[static_cast<int64_t>(i) * lat.zmax + k] * tab.factor[dn + lat.zmax];
    }
    if (!(vacant & below)) {
      arr.site[i] = done;
      return valid ? kAttemptRejected : kAttemptNull;
    }
    arr.site[j] = done;
    arr.site[i] = 0;
    move.from = i;
    move.to = j;
    move.slot = s.b * lat.zmax + k;
    move.dcell[0] = h.dcell[0];
    move.dcell[1] = h.dcell[1];
    move.dcell[2] = h.dcell[2];
    return kAttemptAccepted;
  }

  KMC_HD static void move_record(const SublatticeArrays& arr, const Move& m) {
    IonRecord r = arr.record[m.from];
    r.cells[0] += m.dcell[0];
    r.cells[1] += m.dcell[1];
    r.cells[2] += m.dcell[2];
    arr.record[m.to] = r;
  }

  // Visits site `s` in sweep `sweep`: eligible() then attempt().
  KMC_HD static int run(const LatticeView& lat, const SublatticeTables& tab,
                        const SublatticeArrays& arr, const SublatticeRngKey& key,
                        uint64_t sweep, const SiteCoord& s, int32_t& slot) {
    const int32_t i = lat.index(s);
    if (!eligible(arr.site[i], sweep, tab.one_attempt_per_ion)) return kAttemptNull;
    Move m;
    const int outcome = decide(lat, tab, arr, key, sweep, s, i, m);
    if (outcome == kAttemptAccepted) {
      move_record(arr, m);
      slot = m.slot;
    }
    return outcome;
  }
};

}  // namespace coatkmc
