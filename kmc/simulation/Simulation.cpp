#include "kmc/simulation/Simulation.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>

#include "kmc/core/Error.hpp"
#include "kmc/microstructure/Microstructure.hpp"
#include "kmc/observables/ProfileRecorder.hpp"
#include "kmc/observables/TransportRecorder.hpp"
#include "kmc/simulation/MilestonePlan.hpp"
#include "kmc/simulation/RunState.hpp"
#include "kmc/solvers/SolverFactory.hpp"

namespace coatkmc {

SimulationOutcome run_simulation(const SimulationSettings& cfg, RunState& run,
                                 const RunControl& control, const ProgressCallback& progress) {
  const auto wall_start = std::chrono::steady_clock::now();
  auto wall = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  };

  const Lattice lattice(cfg.lattice, cfg.cells);
  Landscape landscape;
  std::vector<uint8_t> blocked;  // sites a microstructure closes to ions
  std::vector<uint8_t> site_layer;  // layer of every site of a multilayer
  int64_t open_sites = lattice.num_host_sites();
  if (!cfg.site_energy.empty()) {
    landscape.site_energy = cfg.site_energy;
  } else if (cfg.microstructure.active()) {
    SiteMap map = build_microstructure(lattice, cfg.microstructure, cfg.hop.barrier);
    landscape.site_energy = std::move(map.site_energy);
    landscape.bond_barrier = std::move(map.bond_barrier);
    blocked = std::move(map.blocked);
    open_sites = map.open_host_sites;
    if (!cfg.microstructure.layers.empty()) site_layer = std::move(map.layer);
  } else if (cfg.landscape.disordered()) {
    landscape = draw_landscape(lattice, cfg.landscape);
  }
  const HopModel model(lattice, cfg.hop, std::move(landscape.site_energy),
                       std::move(landscape.bond_barrier));
  // Several species: their counts set the occupancy, and bkl or sublattice
  // read their rates (auto picks bkl: walkers take no species).
  Occupancy occupancy = cfg.occupancy;
  std::unique_ptr<SpeciesRates> species;
  std::vector<int64_t> species_counts;
  if (cfg.species.active()) {
    species = std::make_unique<SpeciesRates>(lattice, cfg.hop, cfg.species);
    species_counts = cfg.species.counts(cfg.species.region_sites(lattice, blocked));
    const int64_t total = std::accumulate(species_counts.begin(), species_counts.end(), int64_t(0));
    // The configuration checked the counts against every host site; a
    // microstructure may close some of them.
    if (total > open_sites)
      throw std::invalid_argument(
          "occupancy.species: the species place " + std::to_string(total) + " ions on " +
          std::to_string(open_sites) + " open host sites (the microstructure blocks " +
          std::to_string(lattice.num_host_sites() - open_sites) + ")");
    occupancy.by_vacancies = true;
    occupancy.vacancies = open_sites - total;
  }
  const std::string solver_name =
      cfg.solver != "auto" ? cfg.solver
      : species            ? std::string("bkl")
                           : auto_solver(cfg.hop, occupancy.ion_count(open_sites));
  const BackendKind backend = resolve_backend(cfg.backend, solver_has_cuda(solver_name));

  SimulationOutcome out;
  out.dimension = lattice.dimension();
  out.sites = open_sites;
  out.particles = occupancy.ion_count(out.sites);
  out.volume = lattice.volume();
  out.solver = solver_name;
  out.backend = backend_name(backend);
  out.device = device_name(backend);
  out.replicas.resize(cfg.replicas);

  const bool by_time = cfg.time > 0;
  const uint64_t n_ions = static_cast<uint64_t>(out.particles);
  const uint64_t eq_hops = static_cast<uint64_t>(std::ceil(cfg.equilibration_hops_per_particle * n_ions));
  RunPlan run_plan;
  run_plan.by_time = by_time;
  run_plan.run_hops = by_time ? 0 : static_cast<uint64_t>(std::ceil(cfg.hops_per_particle * n_ions));
  run_plan.run_time = by_time ? cfg.time : 0.0;
  run_plan.blocks = cfg.blocks;
  run_plan.msd_samples = cfg.msd_samples;
  if (run.replicas.empty()) {
    run.plan = run_plan;
    run.solver = solver_name;
    run.replicas.resize(cfg.replicas);
  } else {
    if (run.replicas.size() != static_cast<size_t>(cfg.replicas) || run.solver != solver_name)
      throw ReplanError("the checkpoint holds " + std::to_string(run.replicas.size()) +
                        " replica(s) of solver " + run.solver + ", this run asks for " +
                        std::to_string(cfg.replicas) + " of " + solver_name);
    replan_run(run, run_plan);
  }
  const uint64_t run_hops = run_plan.run_hops;
  const std::vector<Milestone> plan = plan_milestones(run_plan);

  std::atomic<uint64_t> hops_done{0};
  std::atomic<int> replicas_done{0};
  const double total_work = by_time ? cfg.replicas : static_cast<double>(eq_hops + run_hops) * cfg.replicas;
  std::exception_ptr failure;

  // Checkpoints: each replica contributes itself as it stands at its next
  // milestone (a copy when it goes on); the replica that completes the set
  // saves it. Nobody waits, and replicas not running are taken as they are.
  std::mutex ck_mutex;
  uint64_t ck_generation = 0;
  std::atomic<bool> ck_open{false};
  std::vector<uint64_t> ck_taken(cfg.replicas, 0);
  std::vector<std::unique_ptr<ReplicaRun>> ck_copy(cfg.replicas);
  std::vector<char> active(cfg.replicas, 0);
  std::atomic<bool> stopping{false};
  auto save_if_complete = [&] {  // under ck_mutex
    if (!ck_open) return;
    std::vector<const ReplicaRun*> view(cfg.replicas);
    for (int q = 0; q < cfg.replicas; ++q) {
      if (active[q] && ck_taken[q] != ck_generation) return;
      view[q] = active[q] ? ck_copy[q].get() : &run.replicas[q];
    }
    control.save(run, view);
    for (auto& c : ck_copy) c.reset();
    ck_open = false;
  };

  const int threads = std::max(1, std::min(cfg.threads, cfg.replicas));
  // Parallel solvers get the threads the replicas leave over.
  SolverOptions solver_options;
  solver_options.threads = solver_is_parallel(solver_name) ? std::max(1, cfg.threads / threads) : 1;
  solver_options.acceptance_ceiling = cfg.acceptance_ceiling;
  solver_options.sublattice_attempts = cfg.sublattice_attempts;
  solver_options.species = species.get();
  if (threads > 1 && solver_options.threads > 1) omp_set_max_active_levels(2);
  // D and occupancy per slab and per layer (docs/structures.md). They are not
  // part of a checkpoint: a restarted run reports none.
  std::vector<ProfileRecorder> slab_rec(cfg.replicas), layer_rec(cfg.replicas);
  std::vector<std::string> layer_names;
  for (size_t i = 0; i < cfg.microstructure.layers.size(); ++i) {
    const std::string& name = cfg.microstructure.layers[i].name;
    layer_names.push_back(name.empty() ? "layer " + std::to_string(i + 1) : name);
  }
  const bool profiles = cfg.slabs > 0 || !site_layer.empty();
  std::atomic<bool> profiles_complete{true};
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int r = 0; r < cfg.replicas; ++r) {
    if (stopping) continue;  // a stopped run leaves replicas not yet started as they are
    try {
      ReplicaRun& rr = run.replicas[r];
      {
        std::lock_guard<std::mutex> lock(ck_mutex);
        active[r] = 1;
      }
      std::unique_ptr<Solver> solver = make_solver(solver_name, backend, lattice, model, cfg.seed,
                                                   solver_options);
      SystemState& state = rr.state;
      if (rr.started && profiles) profiles_complete = false;
      if (!rr.started) {
        if (species && cfg.species.any_region()) {
          state = place_species(lattice, cfg.species, species_counts, cfg.seed,
                                static_cast<uint32_t>(r), blocked);
        } else {
          state = place_ions(lattice, occupancy, cfg.seed, static_cast<uint32_t>(r), blocked);
          if (species) assign_species(state, species_counts, cfg.seed);
        }
        if (eq_hops > 0) {
          AdvanceTarget eq;
          eq.hops = eq_hops;
          solver->advance(state, eq);
        }
        rr.recorder = TransportRecorder(control.keep_marks);
        rr.recorder.start(state);
        rr.recorder.sample_msd(state);
        if (cfg.slabs > 0) slab_rec[r] = slab_profile(lattice, cfg.slabs, blocked);
        if (!site_layer.empty()) layer_rec[r] = layer_profile(lattice, site_layer, layer_names, blocked);
        for (ProfileRecorder* p : {&slab_rec[r], &layer_rec[r]}) {
          if (species) p->record_species(species->count());
          if (p->active()) p->start(state);
        }
        rr.h0 = state.hops;
        rr.t0 = state.time;
        rr.mark_tags.assign(1, MilestoneTag{});
        rr.msd_tags.assign(1, MilestoneTag{});
        rr.next = 0;
        rr.started = true;
      }
      uint64_t reported = state.hops;
      while (rr.next < plan.size()) {
        const Milestone& m = plan[rr.next];
        const MilestoneTag tag = milestone_tag(run_plan, m);
        AdvanceTarget target;
        if (by_time)
          target.time = rr.t0 + tag.time;
        else
          target.hops = rr.h0 + tag.hops;
        solver->advance(state, target);
        if (m.block) {
          rr.recorder.close_block(state);
          for (ProfileRecorder* p : {&slab_rec[r], &layer_rec[r]})
            if (p->active()) p->close_block(state);
          if (rr.recorder.keeps_marks() || rr.mark_tags.size() == 1)
            rr.mark_tags.push_back(tag);
          else
            rr.mark_tags.back() = tag;
        }
        if (m.msd) {
          rr.recorder.sample_msd(state);
          rr.msd_tags.push_back(tag);
        }
        ++rr.next;
        hops_done += state.hops - reported;
        reported = state.hops;
        if (progress && omp_get_thread_num() == 0) {
          const double done = by_time ? replicas_done.load() + double(m.num) / m.den
                                      : static_cast<double>(hops_done.load());
          progress({done / total_work, hops_done.load(), wall()});
        }
        const bool stop = control.save && control.stop_requested && control.stop_requested();
        const bool due = stop || (control.save && control.checkpoint_due && control.checkpoint_due());
        if ((due || ck_open) && rr.next < plan.size()) {
          std::lock_guard<std::mutex> lock(ck_mutex);
          if (due && !ck_open) {
            ++ck_generation;
            ck_open = true;
          }
          if (ck_open && ck_taken[r] != ck_generation) {
            // A replica that stops here is its own checkpoint; one that goes on leaves a copy.
            if (!stop) ck_copy[r] = std::make_unique<ReplicaRun>(rr);
            ck_taken[r] = ck_generation;
          }
          if (stop) {
            stopping = true;
            active[r] = 0;
          }
          save_if_complete();
        }
        if (stop) break;
      }
      if (rr.next < plan.size()) continue;  // stopped
      ReplicaOutcome& ro = out.replicas[r];
      ro.whole = rr.recorder.whole_run(state);
      ro.blocks = rr.recorder.blocks();
      ro.msd = rr.recorder.msd();
      ro.total_hops = state.hops;
      ro.total_attempts = state.attempts;
      ro.total_time = state.time;
      if (!control.keep_states) {
        rr.state = SystemState{};
        rr.recorder = TransportRecorder{};
      }
      ++replicas_done;
      std::lock_guard<std::mutex> lock(ck_mutex);
      active[r] = 0;
      save_if_complete();
    } catch (...) {
#pragma omp critical
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  out.interrupted = stopping;
  if (profiles && profiles_complete && !stopping) {
    for (int r = 1; r < cfg.replicas; ++r) {
      if (slab_rec[0].active()) slab_rec[0].merge(slab_rec[r]);
      if (layer_rec[0].active()) layer_rec[0].merge(layer_rec[r]);
    }
    if (slab_rec[0].active()) out.slabs = slab_rec[0].bins();
    if (layer_rec[0].active()) out.layers = layer_rec[0].bins();
    if (slab_rec[0].active()) out.slab_snapshots = slab_rec[0].snapshots();
    if (layer_rec[0].active()) out.layer_snapshots = layer_rec[0].snapshots();
  }
  out.wall_time = wall();
  return out;
}

SimulationOutcome run_simulation(const SimulationSettings& settings,
                                 const ProgressCallback& progress) {
  RunState run;
  return run_simulation(settings, run, RunControl{}, progress);
}

}  // namespace coatkmc
