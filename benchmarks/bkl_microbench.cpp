// Per-hop cost of the exact solver and of its sum tree, in CPU time (so a
// loaded machine skews it less than wall time). Run:
//   build/benchmarks/coatkmc_microbench --benchmark_filter=Bkl
#include <benchmark/benchmark.h>

#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/BklSolver.hpp"

using namespace coatkmc;

static void BM_BklLatticeGasSc(benchmark::State& bs) {
  const int n = static_cast<int>(bs.range(0));
  const Lattice lattice(make_textbook_lattice("sc", 3.9), {n, n, n});
  const HopModel model(lattice, HopParameters{});
  Occupancy occ;
  occ.fraction = 0.5;
  SystemState state = place_ions(lattice, occ, 1, 0);
  BklSolver solver(lattice, model, 1);
  const uint64_t chunk = 100000;
  AdvanceTarget warm;
  warm.hops = chunk;
  solver.advance(state, warm);
  for (auto _ : bs) {
    AdvanceTarget t;
    t.hops = state.hops + chunk;
    solver.advance(state, t);
  }
  bs.SetItemsProcessed(bs.iterations() * chunk);
}
BENCHMARK(BM_BklLatticeGasSc)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
