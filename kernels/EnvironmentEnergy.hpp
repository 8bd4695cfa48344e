#pragma once
// The local-environment energy model (issue 16) in the sublattice attempt,
// written once for the OpenMP launcher, the replayed device code and CUDA.
//
// A hop of an ion of species a from site i (basis b) along slot k to a vacant
// neighbour has the activation energy of HopEnergyEvaluator and
// SpeciesEnergy plus an environment term
//   dE = const(a, b, k) + sum_t V_t(states of the sites of term t),
// each term a table over the occupation states of a few environment sites
// (sites near the hop other than its origin and target: the KRA cluster
// expansion around the midpoint, the site-energy clusters that contain the
// origin or the target, or a tabulated NEB pattern). The host
// (kmc/solvers/SublatticeEnvironment) turns that into tables, in one of two
// forms:
//  * integer (the environment can be enumerated: R^P codes per slot small
//    enough, uniform landscape): one code over all P environment sites of the
//    slot and a threshold floor(p 2^32) per code, p = rate / gamma; accept
//    when word < threshold, as the uniform-landscape path of the attempt;
//  * product: p = base(slot) [x site rate(i, k)] x factor_1[code_1] x ...
//    x factor_T[code_T], the host-made doubles exp(-(V_t - min V_t) / kT) <= 1
//    (one table per set of sites the terms read; the minima are in the base)
//    multiplied in entry order; accept when double(word) < p, stopping at the
//    first factor that takes p to or below the word. Plain IEEE products in
//    a fixed order (the build has no FMA contraction): the same bits on
//    every backend.
// The device never calls exp.
//
// Occupation state of a site, from its byte (kernels/SublatticeAttempt.hpp:
// bit 0 an ion, bit 1 the stamp, bits 2-7 the species):
//   state = (byte >> 2) + (byte != 0)
// 0 vacant, 1 + s an ion of species s (s < S), 1 + S + h an immobile host
// cation h, which the solver writes as (S + h) << 2 with bit 0 clear: not an
// ion (never attempts, never the target of a vacancy hop or a swap, not in
// the ion records). Radix R = 1 + S + H <= 64; code = Horner over the sites in
// entry order, code = code R + state.
//
// Reads: the environment sites lie within `reach` cells of the origin along
// each axis (EnvironmentTables::reach, computed by the host), so the class
// spacing of kernels/SublatticeTiling.hpp grows to r + max(r, e) + 1: two
// members of a site class never read what the other writes.
#include <cstdint>

#include "kernels/HostDevice.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/SpeciesEnergy.hpp"

namespace coatkmc {

// One environment site of a hop slot, relative to the hop's origin.
struct EnvironmentEntry {
  int16_t to_basis;  // basis site of the environment site
  int8_t dcell[3];   // its cell offset from the origin's cell, |offset| <= cells along that axis
  int8_t closes;     // product form: 1 on the last site of a term
  int32_t table;     // product form, closing entry: where the term's factors start
};

// Read-only environment tables of a sweep (plain data: a kernel parameter).
struct EnvironmentTables {
  // nullptr: no environment model. Otherwise the entries of slot
  // SpeciesEnergy::slot(species, nbasis, zmax, b, k) are
  // entry[begin[slot]] .. entry[begin[slot + 1] - 1].
  const EnvironmentEntry* entry;
  const int32_t* begin;
  // Integer form (non-null): accept when word < threshold[slot * width + code].
  const uint32_t* threshold;
  // Product form: per slot, rate x 2^32 / gamma x sweep fraction (uniform
  // landscape), or the fraction alone when the per-site rates of
  // SublatticeTables::site_rate (2^32 / gamma included) multiply it.
  const double* base;
  const double* factor;  // the terms' tables: exp(-(V - min V) / kT), each at most 1 (accepts()
                         // stops early on that)
  int32_t width;         // integer form: codes per slot (R^P of the widest slot)
  int32_t radix;         // R
};

static_assert(sizeof(EnvironmentEntry) == 12 && alignof(EnvironmentEntry) == 4,
              "EnvironmentEntry layout is shared with the device");
static_assert(sizeof(EnvironmentTables) == 5 * sizeof(void*) + 8,
              "EnvironmentTables is part of a kernel parameter: plain data, fixed layout");

struct EnvironmentEnergy {
  KMC_HD static int32_t state_of(uint8_t site_byte) {
    return (site_byte >> kSpeciesShift) + (site_byte != 0);
  }

  // The environment site's offset as a hop step from the origin.
  KMC_HD static HopStep step_of(const EnvironmentEntry& e) {
    HopStep h;
    h.to_basis = e.to_basis;
    h.dcell[0] = e.dcell[0];
    h.dcell[1] = e.dcell[1];
    h.dcell[2] = e.dcell[2];
    h.pad = 0;
    return h;
  }

  // One environment site: the code so far times R plus the site's state.
  KMC_HD static int32_t fold(const LatticeView& lat, const EnvironmentEntry& e,
                             const uint8_t* site, const SiteCoord& s, int32_t code,
                             int32_t radix) {
    return code * radix + state_of(site[lat.index(lat.target(s, step_of(e)))]);
  }

  // Whether the attempt with word `draw` of the ion on `s` (index i) along
  // slot k (table slot `slot`) to its vacant target is accepted. `site_rate`:
  // SublatticeTables::site_rate (nullptr on a uniform landscape). The one call
  // of the model in the attempt.
  KMC_HD static bool accepts(const LatticeView& lat, const EnvironmentTables& env,
                             const uint8_t* site, const double* site_rate, const SiteCoord& s,
                             int32_t i, int32_t k, int64_t slot, uint32_t draw) {
    const int32_t first = env.begin[slot], last = env.begin[slot + 1];
    const bool integer = env.threshold != nullptr;
    double p = 1.0;
    if (!integer) {
      p = env.base[slot];
      if (site_rate) p *= site_rate[static_cast<int64_t>(i) * lat.zmax + k];
    }
    // Product form: every factor is at most 1, so p only falls (a product
    // with a factor <= 1 rounds to at most p): once the word is not below p
    // the whole product would not be either, and the attempt stops there
    // with the decision the whole product gives.
    if (!integer && !(static_cast<double>(draw) < p)) return false;
    int32_t code = 0;
    int32_t n = first;
    if (!integer) {
      // Two entries per iteration: both site bytes are loaded before the first
      // factor is tested, and both factors before either test, so a pair of
      // one-site tables costs one dependent L2 latency, not two (the bytes
      // are the chain of a warp's class step on the device). The decision is
      // the one-at-a-time loop's: the same factors multiplied in the same
      // order, a test after each closing entry (p only falls, so `draw < p`
      // holds throughout the loop: multiplying by 1 where an entry does not
      // close changes no bit, and its test cannot stop); the extra loads
      // (the second byte and factor when the first stops) decide nothing.
      KMC_DEVICE_LOOP_ROLLED
      for (; n + 1 < last; n += 2) {
        const EnvironmentEntry a = env.entry[n], b = env.entry[n + 1];
        const int32_t state_a = state_of(site[lat.index(lat.target(s, step_of(a)))]);
        const int32_t state_b = state_of(site[lat.index(lat.target(s, step_of(b)))]);
        const int32_t code_a = code * env.radix + state_a;
        const int32_t code_b = (a.closes ? 0 : code_a) * env.radix + state_b;
        const double factor_a = a.closes ? env.factor[a.table + code_a] : 1.0;
        const double factor_b = b.closes ? env.factor[b.table + code_b] : 1.0;
        p *= factor_a;
        if (!(static_cast<double>(draw) < p)) return false;
        p *= factor_b;
        if (!(static_cast<double>(draw) < p)) return false;
        code = b.closes ? 0 : code_b;
      }
    }
    // The integer form's whole loop, the product form's last odd entry.
    KMC_DEVICE_LOOP_ROLLED
    for (; n < last; ++n) {
      const EnvironmentEntry e = env.entry[n];
      code = fold(lat, e, site, s, code, env.radix);
      if (!integer && e.closes) {
        p *= env.factor[e.table + code];
        code = 0;
        if (!(static_cast<double>(draw) < p)) return false;
      }
    }
    if (integer) return draw < env.threshold[slot * env.width + code];
    return static_cast<double>(draw) < p;
  }
};

}  // namespace coatkmc
