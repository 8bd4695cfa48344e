#include "kmc/simulation/Simulation.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "kmc/core/Error.hpp"
#include "kmc/observables/ProfileRecorder.hpp"
#include "kmc/observables/TransportRecorder.hpp"
#include "kmc/simulation/MilestonePlan.hpp"
#include "kmc/simulation/RunState.hpp"
#include "kmc/solvers/SolverFactory.hpp"

namespace coatkmc {

namespace {

// Checkpoints: each replica contributes itself as it stands at its next
// milestone (a copy when it goes on); the replica that completes the set
// saves it. Nobody waits, and replicas not running are taken as they are.
class CheckpointSet {
 public:
  CheckpointSet(RunState& run, const RunControl& control, int replicas)
      : run_(run), control_(control), taken_(replicas, 0), copy_(replicas), active_(replicas, 0) {}

  bool open() const { return open_; }
  bool stopping() const { return stopping_; }
  void set_active(int r, bool active) {
    std::lock_guard<std::mutex> lock(mutex_);
    active_[r] = active;
    if (!active) save_if_complete();
  }
  // Replica r at a milestone: opens a checkpoint when one is due, contributes
  // r to the open one (itself when it stops here, else a copy).
  void offer(int r, const ReplicaRun& rr, bool due, bool stop) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (due && !open_) {
      ++generation_;
      open_ = true;
    }
    if (open_ && taken_[r] != generation_) {
      if (!stop) copy_[r] = std::make_unique<ReplicaRun>(rr);
      taken_[r] = generation_;
    }
    if (stop) {
      stopping_ = true;
      active_[r] = 0;
    }
    save_if_complete();
  }

 private:
  void save_if_complete() {  // under mutex_
    if (!open_) return;
    std::vector<const ReplicaRun*> view(active_.size());
    for (size_t q = 0; q < active_.size(); ++q) {
      if (active_[q] && taken_[q] != generation_) return;
      view[q] = active_[q] ? copy_[q].get() : &run_.replicas[q];
    }
    control_.save(run_, view);
    for (auto& c : copy_) c.reset();
    open_ = false;
  }

  RunState& run_;
  const RunControl& control_;
  std::mutex mutex_;
  uint64_t generation_ = 0;
  std::atomic<bool> open_{false};
  std::atomic<bool> stopping_{false};
  std::vector<uint64_t> taken_;
  std::vector<std::unique_ptr<ReplicaRun>> copy_;
  std::vector<char> active_;
};

// The replicas of one planned run, carried out side by side.
class RunExecution {
 public:
  RunExecution(const RunPlan& plan, RunState& run, const RunControl& control,
               const ProgressCallback& progress)
      : plan_(plan), cfg_(plan.settings), world_(*plan.world), run_(run), control_(control),
        progress_(progress), checkpoints_(run, control, cfg_.replicas),
        slab_rec_(cfg_.replicas), layer_rec_(cfg_.replicas), profiles_kept_(cfg_.replicas, 0) {
    by_time_ = cfg_.time > 0;
    const uint64_t n_ions = static_cast<uint64_t>(plan.ions);
    eq_hops_ = static_cast<uint64_t>(std::ceil(cfg_.equilibration_hops_per_particle * n_ions));
    window_.by_time = by_time_;
    window_.run_hops = by_time_ ? 0 : static_cast<uint64_t>(std::ceil(cfg_.hops_per_particle * n_ions));
    window_.run_time = by_time_ ? cfg_.time : 0.0;
    window_.blocks = cfg_.blocks;
    window_.msd_samples = cfg_.msd_samples;
    if (run.replicas.empty()) {
      run.plan = window_;
      run.solver = plan.solver;
      run.replicas.resize(cfg_.replicas);
    } else {
      if (run.replicas.size() != static_cast<size_t>(cfg_.replicas) || run.solver != plan.solver)
        throw ReplanError("the checkpoint holds " + std::to_string(run.replicas.size()) +
                          " replica(s) of solver " + run.solver + ", this run asks for " +
                          std::to_string(cfg_.replicas) + " of " + plan.solver);
      replan_run(run, window_);
    }
    milestones_ = plan_milestones(window_);
    total_work_ = by_time_ ? cfg_.replicas
                           : static_cast<double>(eq_hops_ + window_.run_hops) * cfg_.replicas;
    threads_ = std::max(1, std::min(cfg_.threads, cfg_.replicas));
    // Parallel solvers get the threads the replicas leave over.
    solver_options_.threads =
        find_solver(plan.solver)->capabilities.parallel ? std::max(1, cfg_.threads / threads_) : 1;
    solver_options_.acceptance_ceiling = cfg_.acceptance_ceiling;
    solver_options_.sublattice_attempts = cfg_.sublattice_attempts;
    solver_options_.sublattice_class_rule = cfg_.sublattice_class_rule;
    solver_options_.species = world_.species.get();
    solver_options_.environment = world_.environment.get();
    solver_options_.bkl_environment = world_.bkl_environment.get();
    // D and occupancy per slab and per layer (docs/structures.md). A
    // checkpoint (format 6) keeps what they have accumulated; a replica
    // resumed without it (older format, blocks moved by a replan) leaves the
    // run without profiles.
    profiles_ = cfg_.slabs > 0 || !world_.site_layer.empty();
    // What the solvers reduce at a milestone (Solver::reduce_window): species
    // and the slab and layer binnings of the profiles.
    layout_.species = world_.species ? world_.species->count() : 0;
    columns_ = std::max(1, layout_.species);
    const Lattice& lattice = world_.lattice;
    if (cfg_.slabs > 0) {
      slab_binning_ = static_cast<int>(layout_.binnings.size());
      layout_.binnings.push_back(slab_profile(lattice, cfg_.slabs, world_.blocked).binning());
    }
    if (!world_.site_layer.empty()) {
      layer_binning_ = static_cast<int>(layout_.binnings.size());
      layout_.binnings.push_back(
          layer_profile(lattice, world_.site_layer, world_.layer_names, world_.blocked).binning());
    }
  }

  SimulationOutcome run(const std::chrono::steady_clock::time_point wall_start) {
    wall_start_ = wall_start;
    SimulationOutcome out = outcome_header();
    if (threads_ > 1 && solver_options_.threads > 1) omp_set_max_active_levels(2);
    std::exception_ptr failure;
#pragma omp parallel for num_threads(threads_) schedule(dynamic, 1)
    for (int r = 0; r < cfg_.replicas; ++r) {
      if (checkpoints_.stopping()) continue;  // a stopped run leaves replicas not yet started as they are
      try {
        run_replica(r, out.replicas[r]);
      } catch (...) {
#pragma omp critical
        if (!failure) failure = std::current_exception();
      }
    }
    if (failure) std::rethrow_exception(failure);
    out.interrupted = checkpoints_.stopping();
    if (profiles_ && profiles_complete_ && !checkpoints_.stopping()) merge_profiles(out);
    out.profiles_lost = profiles_ && !profiles_complete_;
    out.wall_time = plan_.world_build_s + wall();
    return out;
  }

 private:
  double wall() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
  }

  SimulationOutcome outcome_header() const {
    SimulationOutcome out;
    out.dimension = world_.lattice.dimension();
    out.sites = plan_.open_sites;
    out.particles = plan_.ions;
    out.volume = world_.lattice.volume();
    out.solver = plan_.solver;
    out.backend = backend_name(plan_.backend);
    out.device = device_name(plan_.backend);
    out.replicas.resize(cfg_.replicas);
    return out;
  }

  // Places replica r's ions, equilibrates and opens its observed window.
  void start_replica(int r, ReplicaRun& rr, Solver& solver) {
    const Lattice& lattice = world_.lattice;
    SystemState& state = rr.state;
    if (world_.species && cfg_.species.any_region()) {
      state = place_species(lattice, cfg_.species, world_.species_counts, cfg_.seed,
                            static_cast<uint32_t>(r), world_.blocked);
    } else {
      state = place_ions(lattice, world_.occupancy, cfg_.seed, static_cast<uint32_t>(r),
                         world_.blocked);
      if (world_.species) assign_species(state, world_.species_counts, cfg_.seed);
    }
    if (eq_hops_ > 0) {
      AdvanceTarget eq;
      eq.hops = eq_hops_;
      solver.advance(state, eq);
    }
    // The observed window opens: both marks here, the sums from the solver
    // (reduced where it keeps the ions, docs/parallel-solvers.md).
    solver.mark_window(state, kWholeRun);
    solver.mark_window(state, kOpenBlock);
    rr.recorder = TransportRecorder(control_.keep_marks);
    rr.recorder.start_from_sums(state);
    if (rr.recorder.keeps_marks())
      rr.recorder.set_mark_ions(0, solver.download_mark(state, kWholeRun).displacement);
    const ObservableSums now = solver.reduce_window(state, kWholeRun);
    rr.recorder.sample_msd(now);
    make_profiles(r);
    for (ProfileRecorder* p : {&slab_rec_[r], &layer_rec_[r]})
      if (p->active()) p->start(state.time, now.binnings[binning_of(r, p)].ions_now, columns_);
    profiles_kept_[r] = 1;
    rr.h0 = state.hops;
    rr.t0 = state.time;
    if (cfg_.trajectory_samples > 0) {
      solver.sync(state);  // the ions as they open the window
      rr.trajectory_start_site = state.ion_site;
      rr.trajectory_start_displacement = state.displacement;
      rr.trajectory_time.clear();
      rr.trajectory.clear();
      record_frame(rr, solver);  // the window's start: time 0
    }
    rr.mark_tags.assign(1, MilestoneTag{});
    rr.msd_tags.assign(1, MilestoneTag{});
    rr.next = 0;
    rr.started = true;
  }

  // Replica r's profile recorders, empty.
  void make_profiles(int r) {
    const Lattice& lattice = world_.lattice;
    if (cfg_.slabs > 0) slab_rec_[r] = slab_profile(lattice, cfg_.slabs, world_.blocked);
    if (!world_.site_layer.empty())
      layer_rec_[r] = layer_profile(lattice, world_.site_layer, world_.layer_names, world_.blocked);
    for (ProfileRecorder* p : {&slab_rec_[r], &layer_rec_[r]})
      if (world_.species) p->record_species(world_.species->count());
  }

  // The active profile recorders of replica r, slabs first (ReplicaRun::profiles' order).
  std::vector<ProfileRecorder*> active_profiles(int r) {
    std::vector<ProfileRecorder*> out;
    for (ProfileRecorder* p : {&slab_rec_[r], &layer_rec_[r]})
      if (p->active()) out.push_back(p);
    return out;
  }

  // The index of profile recorder p's binning in layout_.
  int binning_of(int r, const ProfileRecorder* p) const {
    return p == &slab_rec_[r] ? slab_binning_ : layer_binning_;
  }

  // Records what milestone m observes in replica r: sums the solver reduced
  // where it keeps the ions; nothing per ion crosses to the host here (except
  // a block mark's displacements when every mark is kept for a later rebase).
  void observe(int r, ReplicaRun& rr, Solver& solver, const Milestone& m,
               const MilestoneTag& tag) {
    SystemState& state = rr.state;
    if (m.block) {
      const ObservableSums block = solver.reduce_window(state, kOpenBlock);
      rr.recorder.close_block(block, state);
      for (ProfileRecorder* p : {&slab_rec_[r], &layer_rec_[r]})
        if (p->active()) p->close_block(block.binnings[binning_of(r, p)], state.time, columns_);
      solver.mark_window(state, kOpenBlock);
      if (rr.recorder.keeps_marks())
        rr.recorder.set_mark_ions(rr.recorder.marks().size() - 1,
                                  solver.download_mark(state, kOpenBlock).displacement);
      if (rr.recorder.keeps_marks() || rr.mark_tags.size() == 1)
        rr.mark_tags.push_back(tag);
      else
        rr.mark_tags.back() = tag;
    }
    if (m.msd) {
      rr.recorder.sample_msd(solver.reduce_window(state, kWholeRun));
      rr.msd_tags.push_back(tag);
      const size_t row = rr.msd_tags.size() - 1;
      if (cfg_.trajectory_samples > 0 && !rr.trajectory_start_site.empty() &&
          row % static_cast<size_t>(cfg_.msd_samples / cfg_.trajectory_samples) == 0)
        record_frame(rr, solver);
    }
  }

  // What a checkpoint (or a kept final state) holds, on the host: the state
  // and the displacements of the recorder's marks (the window's start, the
  // open block's start), from the solver.
  // With profiles, what replica r's recorders have accumulated and where the
  // ions stood when the open block began (a replica whose profiles were lost
  // on a restart keeps none).
  void bring_to_host(int r, ReplicaRun& rr, Solver& solver) {
    SystemState& state = rr.state;
    solver.sync(state);
    TransportRecorder& rec = rr.recorder;
    const size_t last = rec.marks().size() - 1;
    if (!rec.mark_has_ions(0))
      rec.set_mark_ions(0, solver.download_mark(state, kWholeRun).displacement);
    if (last > 0 && !rec.mark_has_ions(last))
      rec.set_mark_ions(last, solver.download_mark(state, kOpenBlock).displacement);
    rr.profiles.clear();
    rr.block_start_site.clear();
    if (profiles_ && profiles_kept_[r]) {
      for (const ProfileRecorder* p : active_profiles(r)) rr.profiles.push_back(p->progress());
      rr.block_start_site = solver.download_mark(state, kOpenBlock).ion_site;
    }
  }

  // A replica resumed from a checkpoint: the solver's marks from the
  // recorder's. The open block's sites are those the checkpoint kept for the
  // profiles (its ions' start bins); otherwise, and for the window's start
  // (whose bins no milestone reads again), today's.
  void restore_marks(ReplicaRun& rr, Solver& solver) {
    const auto& marks = rr.recorder.marks();
    const int slots[2] = {kWholeRun, kOpenBlock};
    const TransportRecorder::Mark* from[2] = {&marks.front(), &marks.back()};
    for (int i = 0; i < 2; ++i) {
      ObservableMark m;
      m.displacement = from[i]->displacement;
      m.ion_site = slots[i] == kOpenBlock && rr.block_start_site.size() == rr.state.ion_site.size()
                       ? rr.block_start_site
                       : rr.state.ion_site;
      m.time = from[i]->time;
      m.hops = from[i]->hops;
      m.attempts = from[i]->attempts;
      m.sum_hop_length_sq = from[i]->sum_hop_length_sq;
      solver.restore_mark(rr.state, slots[i], m);
    }
  }

  // One frame of the ion trajectory: the time as the MSD rows count it (from
  // the window's start) and each ion's starting site plus its displacement
  // since. The state comes to the host first (a resident solver keeps the
  // ions on its engine between milestones).
  void record_frame(ReplicaRun& rr, Solver& solver) {
    solver.sync(rr.state);
    const SystemState& state = rr.state;
    rr.trajectory_time.push_back(state.time - rr.t0);
    for (size_t i = 0; i < state.displacement.size(); ++i)
      rr.trajectory.push_back(world_.lattice.position(rr.trajectory_start_site[i]) +
                              (state.displacement[i] - rr.trajectory_start_displacement[i]));
  }

  // Advances replica r milestone by milestone; false when it stopped early.
  bool advance_replica(int r, ReplicaRun& rr, Solver& solver) {
    SystemState& state = rr.state;
    uint64_t reported = state.hops;
    while (rr.next < milestones_.size()) {
      const Milestone& m = milestones_[rr.next];
      const MilestoneTag tag = milestone_tag(window_, m);
      AdvanceTarget target;
      if (by_time_)
        target.time = rr.t0 + tag.time;
      else
        target.hops = rr.h0 + tag.hops;
      solver.advance(state, target);
      observe(r, rr, solver, m, tag);
      ++rr.next;
      hops_done_ += state.hops - reported;
      reported = state.hops;
      if (progress_ && omp_get_thread_num() == 0) {
        const double done = by_time_ ? replicas_done_.load() + double(m.num) / m.den
                                     : static_cast<double>(hops_done_.load());
        progress_({done / total_work_, hops_done_.load(), plan_.world_build_s + wall()});
      }
      const bool stop = control_.save && control_.stop_requested && control_.stop_requested();
      const bool due = stop || (control_.save && control_.checkpoint_due && control_.checkpoint_due());
      if ((due || checkpoints_.open()) && rr.next < milestones_.size()) {
        bring_to_host(r, rr, solver);
        checkpoints_.offer(r, rr, due, stop);
      }
      if (stop) break;
    }
    return rr.next >= milestones_.size();
  }

  void run_replica(int r, ReplicaOutcome& ro) {
    ReplicaRun& rr = run_.replicas[r];
    checkpoints_.set_active(r, true);
    std::unique_ptr<Solver> solver = make_solver(plan_.solver, plan_.backend, world_.lattice,
                                                 *world_.model, cfg_.seed, solver_options_);
    solver->set_observable_layout(layout_);
    solver->keep_state_on_engine(true);  // sync() before anything reads the ions
    if (rr.started) {
      restore_marks(rr, *solver);
      if (profiles_) restore_profiles(r, rr);
    } else {
      start_replica(r, rr, *solver);
    }
    if (!advance_replica(r, rr, *solver)) return;  // stopped
    const SystemState& state = rr.state;
    ro.whole = rr.recorder.whole_run(solver->reduce_window(rr.state, kWholeRun));
    if (control_.keep_states) bring_to_host(r, rr, *solver);
    ro.blocks = rr.recorder.blocks();
    ro.msd = rr.recorder.msd();
    // Whole trajectories only (a continued run lacks the frames before its checkpoint).
    if (rr.trajectory_time.size() == static_cast<size_t>(cfg_.trajectory_samples) + 1 &&
        cfg_.trajectory_samples > 0) {
      ro.trajectory_time = std::move(rr.trajectory_time);
      ro.trajectory = std::move(rr.trajectory);
      ro.trajectory_start_site = std::move(rr.trajectory_start_site);
      ro.trajectory_species = state.ion_species;
    }
    ro.total_hops = state.hops;
    ro.total_attempts = state.attempts;
    ro.total_time = state.time;
    if (!control_.keep_states) {
      rr.state = SystemState{};
      rr.recorder = TransportRecorder{};
    }
    ++replicas_done_;
    checkpoints_.set_active(r, false);
  }

  // Replica r's profiles as its checkpoint left them; without them (an
  // older checkpoint, a replan that moved its blocks) the run reports none.
  void restore_profiles(int r, const ReplicaRun& rr) {
    make_profiles(r);
    const std::vector<ProfileRecorder*> mine = active_profiles(r);
    if (rr.profiles.size() != mine.size() ||
        rr.block_start_site.size() != rr.state.ion_site.size()) {
      profiles_complete_ = false;
      return;
    }
    for (size_t k = 0; k < mine.size(); ++k) {
      try {
        mine[k]->restore(rr.profiles[k]);
      } catch (const std::invalid_argument& e) {
        throw ReplanError("replica " + std::to_string(r) + ": " + e.what() +
                          " (the checkpoint does not match its configuration)");
      }
    }
    profiles_kept_[r] = 1;
  }

  void merge_profiles(SimulationOutcome& out) {
    for (int r = 1; r < cfg_.replicas; ++r) {
      if (slab_rec_[0].active()) slab_rec_[0].merge(slab_rec_[r]);
      if (layer_rec_[0].active()) layer_rec_[0].merge(layer_rec_[r]);
    }
    if (slab_rec_[0].active()) out.slabs = slab_rec_[0].bins();
    if (layer_rec_[0].active()) out.layers = layer_rec_[0].bins();
    if (slab_rec_[0].active()) out.slab_snapshots = slab_rec_[0].snapshots();
    if (layer_rec_[0].active()) out.layer_snapshots = layer_rec_[0].snapshots();
  }

  const RunPlan& plan_;
  const SimulationSettings& cfg_;
  const RunWorld& world_;
  RunState& run_;
  const RunControl& control_;
  const ProgressCallback& progress_;
  CheckpointSet checkpoints_;
  std::vector<ProfileRecorder> slab_rec_, layer_rec_;
  std::vector<char> profiles_kept_;  // replica r's recorders hold its whole window so far
  std::chrono::steady_clock::time_point wall_start_;
  bool by_time_ = false;
  uint64_t eq_hops_ = 0;
  WindowPlan window_;
  std::vector<Milestone> milestones_;
  double total_work_ = 0;
  int threads_ = 1;
  SolverOptions solver_options_;
  bool profiles_ = false;
  std::atomic<bool> profiles_complete_{true};
  // Solver window marks: the observed window's start and the open block's start.
  static constexpr int kWholeRun = 0, kOpenBlock = 1;
  ObservableLayout layout_;
  int columns_ = 1;  // count columns per bin in ObservableSums::ions_now
  int slab_binning_ = -1, layer_binning_ = -1;
  std::atomic<uint64_t> hops_done_{0};
  std::atomic<int> replicas_done_{0};
};

// A plan with problems cannot run: for callers that built the settings
// themselves (tests, benchmarks), its first problem is a bad argument.
const RunPlan& runnable(const RunPlan& plan) {
  if (!plan.ok()) throw std::invalid_argument(plan.problems.front().message);
  return plan;
}

}  // namespace

SimulationOutcome run_simulation(const RunPlan& plan, RunState& run, const RunControl& control,
                                 const ProgressCallback& progress) {
  const auto wall_start = std::chrono::steady_clock::now();
  RunExecution execution(runnable(plan), run, control, progress);
  return execution.run(wall_start);
}

SimulationOutcome run_simulation(const SimulationSettings& settings, RunState& run,
                                 const RunControl& control, const ProgressCallback& progress) {
  return run_simulation(plan_run(settings), run, control, progress);
}

SimulationOutcome run_simulation(const SimulationSettings& settings,
                                 const ProgressCallback& progress) {
  RunState run;
  return run_simulation(settings, run, RunControl{}, progress);
}

}  // namespace coatkmc
