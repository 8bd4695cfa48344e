#pragma once
// Exact n-fold-way motion of one independent walker in a frozen landscape,
// written once for the OpenMP and the CUDA launchers.
//
// A walker at site s with hop rates r_0..r_{z-1} (total R) takes steps: a draw
// x = u R picks the first slot k whose cumulative rate exceeds x, and its own
// clock advances by -ln(u') / R. A step whose clock would pass the end of the
// round is discarded and the clock set to the end (memorylessness, as bkl does),
// so every walker of a group stands at the same instant after a round.
//
// Cumulative rates are host-computed doubles compared in a fixed order (exact
// on both sides); the clock uses PortableLog, so trajectories and clocks agree
// bit for bit between backends.
//
// Random numbers: draw d of walker w in round r of a group is Philox word set
// (seed, walkers stream, replica, step = r * 2^40 + d, index = w).
#include <cstdint>

#include "kernels/CounterRng.hpp"
#include "kernels/HostDevice.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/PortableLog.hpp"

namespace coatkmc {

// Everything a group of walkers shares: its landscape (temperature, disorder
// realization) and where its round starts and ends.
struct WalkerGroup {
  // Cumulative hop rates (1/s): [b * zmax + k] when per_site == 0, else
  // [site * zmax + k]. Entry zmax-1 is the site's total rate.
  const double* cumulative;
  int32_t per_site;
  uint32_t replica;
  uint64_t seed;
  uint64_t round;
  double t_begin, t_end;          // s
  int32_t first_walker, walkers;  // the group's walkers in the batch arrays
};

// Per-walker arrays of a batch (structure of arrays for coalesced access).
struct WalkerArrays {
  int32_t* site;
  int32_t* cells;  // [a * walker_count + w]: cell offsets travelled along axis a
  int64_t walker_count;
};

struct WalkerStep {
  static constexpr int kDrawBits = 40;

  // Advances walker `w` (index within its group) through `rounds` rounds of
  // its group: round r goes from ends[r - 1] (g.t_begin for r = 0) to ends[r]
  // and draws with round number g.round + r; ends == nullptr is the one round
  // from g.t_begin to g.t_end. Each round ends as described above (the step
  // that would pass its end discarded), so k rounds in one call are exactly k
  // calls of one round: the trajectory depends on the round ends, never on how
  // rounds are grouped into calls or launches. `on_hop(slot)` is called for
  // each hop with slot = b * zmax + k.
  //
  // One flat loop whose iteration is a hop or the end of a round (not a loop
  // of rounds around a loop of hops): on the GPU the lanes of a warp then wait
  // for the busiest one once per launch, not once per round
  // (benchmarks/NOTES.md, W1).
  template <class OnHop>
  KMC_HD static void advance(const LatticeView& lat, const WalkerGroup& g, const double* ends,
                             int32_t rounds, int32_t w, int32_t& site_index, int32_t cells[3],
                             OnHop&& on_hop) {
    SiteCoord s = lat.coord(site_index);
    double t = g.t_begin;
    double t_end = ends ? (rounds > 0 ? ends[0] : g.t_begin) : g.t_end;
    int32_t round = 0;
    uint64_t d = 0;  // draws of this round so far
    while (round < rounds) {
      const double* cum =
          g.cumulative + static_cast<int64_t>(g.per_site ? lat.index(s) : s.b) * lat.zmax;
      const double total = cum[lat.zmax - 1];
      // A site nothing leaves: the walker waits out the round.
      bool round_over = !(total > 0);
      if (!round_over) {
        const auto r = CounterRng::words(
            g.seed, kStreamWalkers, g.replica,
            ((g.round + static_cast<uint64_t>(round)) << kDrawBits) + d, static_cast<uint32_t>(w));
        t += -PortableLog::log(CounterRng::uniform_open_zero(r[2], r[3])) / total;
        round_over = t > t_end;  // then the last hop of the round was the previous step
        if (!round_over) {
          ++d;
          const double x = CounterRng::uniform(r[0], r[1]) * total;
          int32_t k = 0;
          while (k < lat.zmax - 1 && !(x < cum[k])) ++k;
          // x rounds up to the total only for u within 2^-53 of 1; take the
          // last slot that has a rate (slots past the coordination repeat the total).
          while (k > 0 && !(cum[k] > cum[k - 1])) --k;
          const HopStep& h = lat.step(s.b, k);
          on_hop(s.b * lat.zmax + k);
          s = lat.target(s, h);
          cells[0] += h.dcell[0];
          cells[1] += h.dcell[1];
          cells[2] += h.dcell[2];
        }
      }
      if (round_over) {
        ++round;
        t = t_end;
        d = 0;
        if (round < rounds) t_end = ends[round];
      }
    }
    site_index = lat.index(s);
  }
};

}  // namespace coatkmc
