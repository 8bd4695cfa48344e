// Probe kernels for the throughput model (benchmarks/gpu/sass_counts.sh):
// each wraps one piece of the device code, compiled for sm_90 with the
// Release flags, so that the size of its SASS (16 bytes per instruction on
// sm_90) counts the instructions that piece costs. Where a probe fixes a
// feature at compile time (attempt rule, no interaction, no exchange, the
// uniform-landscape threshold path) it is the bench case of NOTES.md, and
// the compiler drops the other paths, so the probe's code is the path a lane
// of that case runs. Not part of any build; only sass_counts.sh compiles it.
#include "kernels/CounterRng.hpp"
#include "kernels/PortableLog.hpp"
#include "kernels/SublatticeClassKernel.hpp"
#include "kernels/SublatticeKernel.hpp"
#include "kernels/WalkerStep.hpp"

using namespace coatkmc;

// The kernel frame alone (thread index, one store, exit): subtracted from the others.
extern "C" __global__ void probe_frame(uint32_t* out, uint32_t x) { out[threadIdx.x] = x; }

// One Philox4x32-10 block with the sublattice keying.
extern "C" __global__ void probe_philox(uint32_t* out, uint64_t seed, uint32_t replica,
                                        uint64_t step) {
  const auto w = CounterRng::words(seed, kStreamSublattice, replica, step, threadIdx.x);
  out[threadIdx.x] = w[0] ^ w[1] ^ w[2] ^ w[3];
}

// K ~ Poisson(1) from one word.
extern "C" __global__ void probe_poisson(uint32_t* out, const uint32_t* in) {
  out[threadIdx.x] = static_cast<uint32_t>(SublatticeAttempt::poisson_one(in[threadIdx.x]));
}

namespace {
__device__ __forceinline__ SublatticeTables bench_tables(const uint32_t* threshold, int32_t rule) {
  __builtin_assume(threshold != nullptr);
  SublatticeTables t{};
  t.threshold = threshold;
  t.site_rate = nullptr;
  t.factor = nullptr;
  t.species_factor = nullptr;
  t.interaction = 0;
  t.rule = rule;
  t.exchange = nullptr;
  t.species = 1;
  return t;
}
}  // namespace

// A visit of an occupied site with exactly one attempt (rule one_per_site,
// lattice gas, uniform landscape): the site's words (one Philox block), one
// attempt, and, when accepted, the two site bytes and the record move.
extern "C" __global__ void probe_visit_one_attempt(LatticeView lat, const uint32_t* threshold,
                                                   SublatticeArrays arr, SublatticeRngKey key,
                                                   uint64_t sweep, unsigned int* slots) {
  const SublatticeTables tab = bench_tables(threshold, kOneAttemptPerSite);
  SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
               static_cast<int32_t>(blockIdx.y)},
              0};
  const int32_t i = lat.index(s);
  SublatticeAttempt::Move m;
  if (SublatticeAttempt::decide(lat, tab, arr, key, sweep, s, i, m) == kAttemptAccepted) {
    SublatticeAttempt::move_record(arr, m);
    atomicAdd(&slots[m.slot], static_cast<unsigned int>(m.ions));
  }
}

// The same visit with K ~ Poisson(1) attempts (the bench rule): a loop whose
// static size holds Philox blocks for the words it may need.
extern "C" __global__ void probe_visit_poisson(LatticeView lat, const uint32_t* threshold,
                                               SublatticeArrays arr, SublatticeRngKey key,
                                               uint64_t sweep, unsigned int* slots) {
  const SublatticeTables tab = bench_tables(threshold, kPoissonAttempts);
  SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
               static_cast<int32_t>(blockIdx.y)},
              0};
  const int32_t i = lat.index(s);
  SublatticeAttempt::Move m;
  if (SublatticeAttempt::decide(lat, tab, arr, key, sweep, s, i, m) == kAttemptAccepted) {
    SublatticeAttempt::move_record(arr, m);
    atomicAdd(&slots[m.slot], static_cast<unsigned int>(m.ions));
  }
}

// One lane's scan of one row of a class (SublatticeKernel::scan, bench
// case: thinned, so each member's screen bit is read too): row number ->
// g1, g2 by a multiply-high, the row's members (counted once: one byte
// load, eligibility and screen bit per member), claim_places, the list
// stores (counted once).
extern "C" __global__ void probe_scan(SublatticeLaunch L) {
  extern __shared__ unsigned int shared[];
  const Lane lane{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  L.tab = bench_tables(L.tab.threshold, kPoissonAttempts);
  SublatticeKernel::scan(L, lane, 0, shared + 8, shared, shared + 1, shared + 16, shared + 1024);
}

// One lane's word of the launch prologue's screen (SublatticeKernel::
// SublatticeScreen::word, bench case: one basis site, fixed here, so the general loop
// drops out): its first site's row by divisions, the loop over its pairs
// counted once (screen_pair: one Philox block, two compares; the pair test,
// the steps, the row change).
extern "C" __global__ void probe_screen_word(SublatticeLaunch L, const int32_t* start,
                                             const int32_t* width, unsigned int* out) {
  L.tab = bench_tables(L.tab.threshold, kPoissonAttempts);
  L.lat.nbasis = 1;
  out[threadIdx.x] = SublatticeScreen::word(L.lat, L.tab, L.key, L.sweep, start, width,
                                            static_cast<int32_t>(threadIdx.x));
}

// A pair of sites of the prologue's one-basis loop (SublatticeKernel::
// SublatticeScreen::pair): one Philox block, both compares, the two bits.
extern "C" __global__ void probe_screen_pair(SublatticeLaunch L, unsigned int* out, uint32_t limit) {
  const int32_t i = static_cast<int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  out[threadIdx.x] = SublatticeScreen::pair(L.key, L.sweep, i, limit, (i & 2) != 0);
}

// One lane's visit body (SublatticeKernel::decide_thinned, bench case):
// site from the list, record prefetch, its Philox block drawn again, the
// pass over the slots (4-way unrolled body and one remainder slot), both
// the common-threshold path and the general chain and direction (each loop
// counted once), the move and the hop path. The bench runs the common path
// (one threshold for all six slots): probe_thin_weighted is what it skips.
extern "C" __global__ void probe_visit_rest(SublatticeLaunch L) {
  extern __shared__ unsigned int shared[];
  L.tab = bench_tables(L.tab.threshold, kPoissonAttempts);
  SublatticeKernel::decide_thinned(L, threadIdx.x, shared + 8, shared, shared + 1, shared + 16,
                                   shared + 1024, reinterpret_cast<const int32_t*>(shared + 2048));
}

// The two ends of the thinned decision once the vacancy mask is known
// (SublatticeThinning::common_slot and weighted_slot), each loop once.
extern "C" __global__ void probe_thin_common(unsigned int* out, const uint32_t* in) {
  out[threadIdx.x] = static_cast<unsigned int>(SublatticeThinning::common_slot(
      in[threadIdx.x], in[threadIdx.x + 32], in[threadIdx.x + 64], in[threadIdx.x + 96]));
}
extern "C" __global__ void probe_thin_weighted(unsigned int* out, const uint32_t* in,
                                               const uint32_t* threshold, const uint32_t* hop,
                                               int32_t width) {
  out[threadIdx.x] = static_cast<unsigned int>(SublatticeThinning::weighted_slot(
      in[threadIdx.x], threshold, hop, width, in[threadIdx.x + 64], in[threadIdx.x + 96]));
}
// The thinned visit's pass over the slots, both ways (each unrolled by 4
// with one remainder slot, as in probe_visit_rest): by coordinates with the
// periodic wrap (tiles at the lattice's ends) and by offsets (the others).
extern "C" __global__ void probe_thin_mask(LatticeView lat, const uint8_t* site,
                                           unsigned int* out) {
  const SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
                     static_cast<int32_t>(blockIdx.y)},
                    0};
  out[threadIdx.x] = SublatticeThinning::vacancy_mask(lat, site, s);
}
extern "C" __global__ void probe_thin_mask_inside(int32_t zmax, const uint8_t* site,
                                                  const int32_t* offset, unsigned int* out) {
  out[threadIdx.x] = SublatticeThinning::vacancy_mask_inside(
      zmax, site, static_cast<int32_t>(blockIdx.x * blockDim.x + threadIdx.x), offset);
}

// One more vacant slot of common_slot: a chain step and a bit cleared.
extern "C" __global__ void probe_thin_common_step(uint32_t* out, uint32_t h) {
  const uint32_t y = SublatticeThinning::combine(out[threadIdx.x], h);
  out[threadIdx.x] = y;
  out[threadIdx.x + 32] &= out[threadIdx.x + 32] - 1u;
}

// One more slot of the lattice-gas pass of the thinned decision (bench
// case: hop_slot_lattice_gas): step, target, its byte, the mask bit.
extern "C" __global__ void probe_thin_mask_slot(LatticeView lat, const uint8_t* site,
                                                unsigned int* out) {
  const SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
                     static_cast<int32_t>(blockIdx.y)},
                    0};
  const int32_t k = static_cast<int32_t>(blockIdx.z);
  const HopStep& h = lat.step(s.b, k);
  unsigned int vacant = out[threadIdx.x];
  if (h.to_basis >= 0)
    vacant |= static_cast<unsigned int>(site[lat.index(lat.target(s, h))] == 0) << k;
  out[threadIdx.x] = vacant;
}

// One more vacant slot in the chain and in the direction's pass (bench case):
// its mass and threshold from the row, the chain step, the sums, the test.
extern "C" __global__ void probe_thin_bit(const uint32_t* row, const uint32_t* hop, uint32_t* out,
                                          uint64_t* sum, int32_t width, uint64_t r) {
  unsigned int m = out[threadIdx.x];
  const int32_t k = lowest_bit(m);
  const uint32_t y = SublatticeThinning::combine(out[threadIdx.x + 32], hop[k * width]);
  const uint64_t total = sum[threadIdx.x] + row[k * width];
  const uint64_t running = sum[threadIdx.x + 32] + row[k * width];
  out[threadIdx.x] = m & (m - 1u);
  out[threadIdx.x + 32] = y;
  sum[threadIdx.x] = total;
  sum[threadIdx.x + 32] = r < running ? running : total;
}

// One walker hop's arithmetic without the loop: words, waiting time
// (PortableLog), slot search over zmax cumulative rates, step.
extern "C" __global__ void probe_walker_hop(LatticeView lat, const double* cum, uint64_t seed,
                                            uint32_t replica, uint64_t base, double* t_out,
                                            int32_t* site_out) {
  SiteCoord s = lat.coord(static_cast<int32_t>(blockIdx.x * blockDim.x + threadIdx.x));
  const double total = cum[lat.zmax - 1];
  const auto r = CounterRng::words(seed, kStreamWalkers, replica, base, threadIdx.x);
  const double t = -PortableLog::log(CounterRng::uniform_open_zero(r[2], r[3])) / total;
  const double x = CounterRng::uniform(r[0], r[1]) * total;
  int32_t k = 0;
  while (k < lat.zmax - 1 && !(x < cum[k])) ++k;
  while (k > 0 && !(cum[k] > cum[k - 1])) --k;
  const HopStep& h = lat.step(s.b, k);
  s = lat.target(s, h);
  t_out[threadIdx.x] = t;
  site_out[threadIdx.x] = lat.index(s);
}

// PortableLog::log alone.
extern "C" __global__ void probe_log(double* out, const double* in) {
  out[threadIdx.x] = PortableLog::log(in[threadIdx.x]);
}

// A whole scan phase of the sublattice kernel (phase 1: dispatch, header,
// class entry, scan), bench rule from the launch's tables.
extern "C" __global__ void probe_phase_scan(SublatticeLaunch L) {
  extern __shared__ unsigned int shared[];
  const Lane lane{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  SublatticeKernel::phase(L, lane, 1, shared);
}

// The environment model (issue 16; kernels/EnvironmentEnergy.hpp), for the
// model's environment row: the whole acceptance of a vacancy hop in the
// integer form (its loop over the environment sites counted once), and one
// environment site alone (what each further site of the loop adds).
extern "C" __global__ void probe_environment_accepts(LatticeView lat, EnvironmentTables env,
                                                     const uint8_t* site, uint32_t* out,
                                                     uint64_t slot) {
  __builtin_assume(env.threshold != nullptr);
  const SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
                     static_cast<int32_t>(blockIdx.y)},
                    0};
  const int32_t i = lat.index(s);
  out[i] = EnvironmentEnergy::accepts(lat, env, site, nullptr, s, i, 1, static_cast<int64_t>(slot),
                                      out[i]);
}

extern "C" __global__ void probe_environment_site(LatticeView lat, const EnvironmentEntry* entry,
                                                  const uint8_t* site, int32_t* out,
                                                  int32_t radix) {
  const SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
                     static_cast<int32_t>(blockIdx.y)},
                    0};
  const int32_t i = lat.index(s);
  out[i] = EnvironmentEnergy::fold(lat, entry[blockIdx.z], site, s, out[i], radix);
}

// One neighbour of the nearest-neighbour interaction's count (the body of
// SublatticeAttempt::occupied_around, written out), and the whole count.
extern "C" __global__ void probe_occupied_neighbour(LatticeView lat, const uint8_t* site,
                                                    int32_t* out) {
  const SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
                     static_cast<int32_t>(blockIdx.y)},
                    0};
  const int32_t i = lat.index(s);
  const HopStep& h = lat.step(s.b, static_cast<int32_t>(blockIdx.z));
  int32_t count = out[i];
  if (h.to_basis >= 0) count += site[lat.index(lat.target(s, h))] & kSiteOccupied;
  out[i] = count;
}

extern "C" __global__ void probe_occupied_around(LatticeView lat, const uint8_t* site,
                                                 int32_t* out) {
  const SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
                     static_cast<int32_t>(blockIdx.y)},
                    0};
  const int32_t i = lat.index(s);
  out[i] = SublatticeAttempt::occupied_around(lat, site, s);
}

// The CUDA kernel's lookup of a step (once for its three phases): its word.
extern "C" __global__ void probe_class(SublatticeLaunch L, uint32_t* out) {
  extern __shared__ unsigned int shared[];
  const Lane lane{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  out[threadIdx.x] = SublatticeKernel::step_word(L, lane, blockIdx.y, shared);
}

// One attempt's decision alone (SublatticeAttempt::attempt, bench case):
// step, target, its byte, threshold, compare; no writes.
extern "C" __global__ void probe_attempt(LatticeView lat, const uint32_t* threshold,
                                         const uint8_t* site, uint32_t k_word, uint32_t draw,
                                         uint32_t* out) {
  const SublatticeTables tab = bench_tables(threshold, kPoissonAttempts);
  SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
               static_cast<int32_t>(blockIdx.y)},
              0};
  const int32_t i = lat.index(s);
  SublatticeAttempt::Ion ion{0, 1, -1};
  SublatticeAttempt::Try t;
  const int32_t k = static_cast<int32_t>(CounterRng::below32(k_word, lat.zmax));
  out[threadIdx.x] = SublatticeAttempt::attempt(lat, tab, site, s, i, ion, k, draw, t) ? t.j : 0u;
}

// The attempt loop's phase bodies (SublatticeKernel::first_attempt and
// later_attempts on the K ~ Poisson(1) path), for the energy-model rows: with
// the nearest-neighbour interaction (no thinning there; occupied_around's
// rolled loops counted once each) and with the environment model in its
// integer form (its site loop counted once).
// The attempt loop's two phases (energy-model rows) on the shared layout of
// the visit probes above; each probe below sets its tables, then runs one.
__device__ __forceinline__ void attempt_loop_first(const SublatticeLaunch& L) {
  extern __shared__ unsigned int shared[];
  SublatticeKernel::first_attempt(L, threadIdx.x, shared + 8, shared, shared + 16, shared + 16 + 224,
                                  shared + 16 + 448, shared + 16 + 672);
}
__device__ __forceinline__ void attempt_loop_later(const SublatticeLaunch& L) {
  extern __shared__ unsigned int shared[];
  SublatticeKernel::later_attempts(L, threadIdx.x, shared + 8, shared, shared + 16, shared + 16 + 224,
                                   shared + 16 + 448, shared + 16 + 672);
}

namespace {
__device__ __forceinline__ SublatticeTables nn_tables(const uint32_t* threshold) {
  SublatticeTables t = bench_tables(threshold, kPoissonAttempts);
  t.interaction = 1;
  return t;
}
__device__ __forceinline__ SublatticeTables env_tables(const SublatticeTables& from) {
  SublatticeTables t = bench_tables(from.threshold, kPoissonAttempts);
  t.env = from.env;
  __builtin_assume(t.env.entry != nullptr);
  __builtin_assume(t.env.threshold != nullptr);
  return t;
}
}  // namespace

extern "C" __global__ void probe_visit_first_nn(SublatticeLaunch L) {
  L.tab = nn_tables(L.tab.threshold);
  attempt_loop_first(L);
}

extern "C" __global__ void probe_visit_rest_nn(SublatticeLaunch L) {
  L.tab = nn_tables(L.tab.threshold);
  attempt_loop_later(L);
}

extern "C" __global__ void probe_visit_first_env(SublatticeLaunch L) {
  L.tab = env_tables(L.tab);
  attempt_loop_first(L);
}

extern "C" __global__ void probe_visit_rest_env(SublatticeLaunch L) {
  L.tab = env_tables(L.tab);
  attempt_loop_later(L);
}

// The environment model's product form (issue 16 item 5: the two-shell model
// of `coatkmc bench --energy environment`, 26 sites per slot, is too many
// codes to enumerate): the whole acceptance with its loop counted once (the
// base, the check before the loop, its two-entry loop once and its one-entry
// tail loop once), one iteration of the two-entry loop written out (what each
// further pair of one-site tables adds: two site bytes, two factors, two
// early-stop tests), and the two attempt-loop phases with the product form
// (the loops once).
extern "C" __global__ void probe_environment_product_accepts(LatticeView lat, EnvironmentTables env,
                                                             const uint8_t* site, uint32_t* out,
                                                             uint64_t slot) {
  __builtin_assume(env.threshold == nullptr);
  const SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
                     static_cast<int32_t>(blockIdx.y)},
                    0};
  const int32_t i = lat.index(s);
  out[i] = EnvironmentEnergy::accepts(lat, env, site, nullptr, s, i, 1, static_cast<int64_t>(slot),
                                      out[i]);
}

extern "C" __global__ void probe_environment_product_pair(LatticeView lat,
                                                          const EnvironmentEntry* entry,
                                                          const double* factor,
                                                          const uint8_t* site, double* out,
                                                          int32_t radix, uint32_t draw) {
  const SiteCoord s{{static_cast<int32_t>(threadIdx.x), static_cast<int32_t>(blockIdx.x),
                     static_cast<int32_t>(blockIdx.y)},
                    0};
  const int32_t i = lat.index(s);
  // accepts()' loop body: two entries, both bytes, both factors, two tests
  const EnvironmentEntry a = entry[2 * blockIdx.z], b = entry[2 * blockIdx.z + 1];
  const int32_t code_a = EnvironmentEnergy::fold(lat, a, site, s, 0, radix);
  const int32_t code_b = EnvironmentEnergy::fold(lat, b, site, s, a.closes ? 0 : code_a, radix);
  const double factor_a = a.closes ? factor[a.table + code_a] : 1.0;
  const double factor_b = b.closes ? factor[b.table + code_b] : 1.0;
  double p = out[i] * factor_a;
  if (!(static_cast<double>(draw) < p)) {  // the early stops' branches
    p = -1.0;
  } else {
    p *= factor_b;
    if (!(static_cast<double>(draw) < p)) p = -2.0;
  }
  out[i] = p;
}

namespace {
__device__ __forceinline__ SublatticeTables env_product_tables(const SublatticeTables& from) {
  SublatticeTables t = bench_tables(from.threshold, kPoissonAttempts);
  t.env = from.env;
  __builtin_assume(t.env.entry != nullptr);
  __builtin_assume(t.env.threshold == nullptr);
  return t;
}
}  // namespace

extern "C" __global__ void probe_visit_first_env_product(SublatticeLaunch L) {
  L.tab = env_product_tables(L.tab);
  attempt_loop_first(L);
}

extern "C" __global__ void probe_visit_rest_env_product(SublatticeLaunch L) {
  L.tab = env_product_tables(L.tab);
  attempt_loop_later(L);
}

// The lattice-wide class rule's kernel (kernels/SublatticeClassKernel.hpp),
// bench case (sc lattice gas: one basis site, fixed here so that the index
// arithmetic folds as the bench's does; tables of the thinned path).
// A screen lane with P = 1, 2, 4 Philox blocks (the kernel's P is
// kSublatticeClassQuadsPerLane) on the aligned fast path (every lane's blocks
// whole: sc 256^3), and P = 2 on the general path (bounds per member, blocks
// past the row): lane -> row by two multiply-highs, row_first, per block one
// Philox draw and its 4 members' bytes and compares, claim_places, and the
// list stores (index, word 0) of its 4 P members (each written out: the
// loops are unrolled).
template <int P, bool kAligned>
__device__ __forceinline__ void class_screen(SublatticeClassLaunch &L) {
  __shared__ unsigned int class_shared[SublatticeClassSharedLayout::kWords];
  const Lane lane{static_cast<int32_t>(threadIdx.x),
                  static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  L.tab = bench_tables(L.tab.threshold, kPoissonAttempts);
  L.lat.nbasis = 1;
  SublatticeClassKernel::screen_as<P, kAligned>(L, lane, class_shared);
}
extern "C" __global__ void probe_class_screen_1(SublatticeClassLaunch L) {
  class_screen<1, true>(L);
}
extern "C" __global__ void probe_class_screen_2(SublatticeClassLaunch L) {
  class_screen<2, true>(L);
}
extern "C" __global__ void probe_class_screen_4(SublatticeClassLaunch L) {
  class_screen<4, true>(L);
}
extern "C" __global__ void
probe_class_screen_2_general(SublatticeClassLaunch L) {
  class_screen<2, false>(L);
}

// A decide lane's visit (SublatticeClassKernel::decide): the entry's two
// shared words, the site's byte, its boundary bits from the index (three
// multiply-highs; probe_class_edge alone), word 1 (one Philox block), the
// slot loop (4-way unrolled
// body and one remainder slot, each with its wrap fix-up loop once), both
// ends of slot_of (common_slot and weighted_slot, loops once), the move,
// the record and the shared counter.
extern "C" __global__ void probe_class_decide(SublatticeClassLaunch L) {
  __shared__ unsigned int class_shared[SublatticeClassSharedLayout::kWords];
  L.tab = bench_tables(L.tab.threshold, kPoissonAttempts);
  L.lat.nbasis = 1;
  SublatticeClassKernel::decide(L, threadIdx.x, class_shared);
}

// The boundary bits of a site from its index (SublatticeClassKernel::edge_of).
extern "C" __global__ void probe_class_edge(SublatticeClassLaunch L,
                                            unsigned int *out) {
  L.lat.nbasis = 1;
  out[threadIdx.x] = SublatticeClassKernel::edge_of(L, out[threadIdx.x + 32]);
}

// One more slot of the decide lane's loop: its step word (offset and wrap
// bits), the wrap test (the fix-up loop once), the byte, the mask bit.
extern "C" __global__ void probe_class_slot(const uint8_t *site,
                                            unsigned int *out) {
  __shared__ unsigned int class_shared[SublatticeClassSharedLayout::kWords];
  const int32_t i = static_cast<int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  const int32_t k = static_cast<int32_t>(blockIdx.y);
  const unsigned int edge = out[threadIdx.x + 32];
  unsigned int vacant = out[threadIdx.x];
  vacant |=
      static_cast<unsigned int>(site[i + SublatticeClassKernel::target_offset(
                                             class_shared, k, edge)] == 0)
      << k;
  out[threadIdx.x] = vacant;
}

// The decide phase's loop around decide() (its entries, one call counted once).
extern "C" __global__ void probe_class_decide_all(SublatticeClassLaunch L) {
  __shared__ unsigned int class_shared[SublatticeClassSharedLayout::kWords];
  const Lane lane{static_cast<int32_t>(threadIdx.x),
                  static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  L.tab = bench_tables(L.tab.threshold, kPoissonAttempts);
  L.lat.nbasis = 1;
  SublatticeClassKernel::decide_all(L, lane, class_shared);
}

// The prologue and the flush of a class launch (per block, not per visit;
// the prologue's words are read back and stored, or the compiler drops them:
// about 4 instructions more than its own).
extern "C" __global__ void probe_class_prepare(SublatticeClassLaunch L,
                                               unsigned int *out) {
  __shared__ unsigned int class_shared[SublatticeClassSharedLayout::kWords];
  const Lane lane{static_cast<int32_t>(threadIdx.x),
                  static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  L.lat.nbasis = 1;
  SublatticeClassKernel::prepare(L, lane, class_shared);
  __syncthreads();
  out[threadIdx.x] = class_shared[threadIdx.x];
}
extern "C" __global__ void probe_class_flush(SublatticeClassLaunch L) {
  __shared__ unsigned int class_shared[SublatticeClassSharedLayout::kWords];
  const Lane lane{static_cast<int32_t>(threadIdx.x),
                  static_cast<int32_t>(blockDim.x),
                  static_cast<int32_t>(blockIdx.x)};
  SublatticeClassKernel::flush(L, lane, class_shared);
}
