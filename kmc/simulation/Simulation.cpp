#include "kmc/simulation/Simulation.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <numeric>
#include <stdexcept>

#include "kmc/core/Error.hpp"
#include "kmc/observables/TransportRecorder.hpp"
#include "kmc/solvers/SolverFactory.hpp"

namespace coatkmc {

namespace {

// A point of the run where something is observed, at fraction num/den of the
// observed window. Fractions are kept reduced so that equal points computed
// from different grids give bit-identical times.
struct Milestone {
  uint64_t num, den;
  bool block = false, msd = false;
};

std::vector<Milestone> plan_milestones(int blocks, int samples, int progress_chunks) {
  std::vector<Milestone> m;
  auto add = [&](uint64_t num, uint64_t den, bool block, bool msd) {
    const uint64_t g = std::gcd(num, den);
    m.push_back({num / g, den / g, block, msd});
  };
  for (int b = 1; b <= blocks; ++b) add(b, blocks, true, false);
  for (int k = 1; k <= samples; ++k) add(k, samples, false, true);
  for (int c = 1; c <= progress_chunks; ++c) add(c, progress_chunks, false, false);
  std::sort(m.begin(), m.end(), [](const Milestone& a, const Milestone& b) {
    return static_cast<unsigned __int128>(a.num) * b.den <
           static_cast<unsigned __int128>(b.num) * a.den;
  });
  std::vector<Milestone> merged;
  for (const Milestone& x : m) {
    if (!merged.empty() && merged.back().num == x.num && merged.back().den == x.den) {
      merged.back().block |= x.block;
      merged.back().msd |= x.msd;
    } else {
      merged.push_back(x);
    }
  }
  return merged;
}

}  // namespace

SimulationOutcome run_simulation(const SimulationSettings& cfg, const ProgressCallback& progress) {
  const auto wall_start = std::chrono::steady_clock::now();
  auto wall = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  };

  const Lattice lattice(cfg.lattice, cfg.cells);
  Landscape landscape;
  if (!cfg.site_energy.empty()) landscape.site_energy = cfg.site_energy;
  else if (cfg.landscape.disordered()) landscape = draw_landscape(lattice, cfg.landscape);
  const HopModel model(lattice, cfg.hop, std::move(landscape.site_energy),
                       std::move(landscape.bond_barrier));
  const std::string solver_name =
      cfg.solver == "auto" ? auto_solver(cfg.hop, cfg.occupancy.ion_count(lattice.num_host_sites()))
                           : cfg.solver;
  const BackendKind backend = resolve_backend(cfg.backend, solver_has_cuda(solver_name));

  SimulationOutcome out;
  out.dimension = lattice.dimension();
  out.sites = lattice.num_host_sites();
  out.particles = cfg.occupancy.ion_count(out.sites);
  out.volume = lattice.volume();
  out.solver = solver_name;
  out.backend = backend_name(backend);
  out.device = device_name(backend);
  out.replicas.resize(cfg.replicas);

  const bool by_time = cfg.time > 0;
  const uint64_t n_ions = static_cast<uint64_t>(out.particles);
  const uint64_t eq_hops = static_cast<uint64_t>(std::ceil(cfg.equilibration_hops_per_particle * n_ions));
  const uint64_t run_hops = static_cast<uint64_t>(std::ceil(cfg.hops_per_particle * n_ions));
  const std::vector<Milestone> plan = plan_milestones(cfg.blocks, cfg.msd_samples, 200);

  std::atomic<uint64_t> hops_done{0};
  std::atomic<int> replicas_done{0};
  const double total_work = by_time ? cfg.replicas : static_cast<double>(eq_hops + run_hops) * cfg.replicas;
  std::exception_ptr failure;

  const int threads = std::max(1, std::min(cfg.threads, cfg.replicas));
  // Parallel solvers get the threads the replicas leave over.
  SolverOptions solver_options;
  solver_options.threads = solver_is_parallel(solver_name) ? std::max(1, cfg.threads / threads) : 1;
  solver_options.acceptance_ceiling = cfg.acceptance_ceiling;
  solver_options.one_attempt_per_ion = cfg.one_attempt_per_ion;
  if (threads > 1 && solver_options.threads > 1) omp_set_max_active_levels(2);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int r = 0; r < cfg.replicas; ++r) {
    try {
      SystemState state = place_ions(lattice, cfg.occupancy, cfg.seed, static_cast<uint32_t>(r));
      std::unique_ptr<Solver> solver = make_solver(solver_name, backend, lattice, model, cfg.seed,
                                                     solver_options);
      if (eq_hops > 0) {
        AdvanceTarget eq;
        eq.hops = eq_hops;
        solver->advance(state, eq);
      }
      TransportRecorder rec;
      rec.start(state);
      rec.sample_msd(state);
      const uint64_t h0 = state.hops;
      const double t0 = state.time;
      uint64_t reported = state.hops;
      for (const Milestone& m : plan) {
        AdvanceTarget target;
        if (by_time)
          target.time = t0 + cfg.time * static_cast<double>(m.num) / static_cast<double>(m.den);
        else
          target.hops = h0 + static_cast<uint64_t>(
                                 (static_cast<unsigned __int128>(run_hops) * m.num) / m.den);
        solver->advance(state, target);
        if (m.block) rec.close_block(state);
        if (m.msd) rec.sample_msd(state);
        hops_done += state.hops - reported;
        reported = state.hops;
        if (progress && omp_get_thread_num() == 0) {
          const double done = by_time ? replicas_done.load() + double(m.num) / m.den
                                      : static_cast<double>(hops_done.load());
          progress({done / total_work, hops_done.load(), wall()});
        }
      }
      ReplicaOutcome& ro = out.replicas[r];
      ro.whole = rec.whole_run(state);
      ro.blocks = rec.blocks();
      ro.msd = rec.msd();
      ro.total_hops = state.hops;
      ro.total_attempts = state.attempts;
      ro.total_time = state.time;
      ++replicas_done;
    } catch (...) {
#pragma omp critical
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  out.wall_time = wall();
  return out;
}

}  // namespace coatkmc
