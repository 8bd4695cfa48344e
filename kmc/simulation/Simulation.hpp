#pragma once
#include <functional>
#include <string>
#include <vector>

#include "kmc/observables/ProfileRecorder.hpp"
#include "kmc/observables/TransportSample.hpp"
#include "kmc/simulation/RunPlan.hpp"
#include "kmc/simulation/RunState.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

struct ReplicaOutcome {
  TransportSample whole;                // the full observed window
  std::vector<TransportSample> blocks;  // consecutive blocks of it
  std::vector<MsdPoint> msd;
  uint64_t total_hops = 0, total_attempts = 0;  // including equilibration
  double total_time = 0;
  // The ion trajectory (run.trajectory_samples): per frame the time from the
  // window's start (s, as the MSD rows) and every ion's unwrapped position
  // (Å, ion by ion: the site it started the window on plus its displacement
  // since); each ion's starting site and species index (empty without
  // species). Empty when not asked for, and for a run continued from a
  // checkpoint (the frames before it are not saved).
  std::vector<double> trajectory_time;
  std::vector<Vec3> trajectory;
  std::vector<int32_t> trajectory_start_site;
  std::vector<uint8_t> trajectory_species;
};

struct SimulationOutcome {
  std::vector<ReplicaOutcome> replicas;
  int dimension = 3;
  int64_t sites = 0;      // mobile-ion sites per replica
  int64_t particles = 0;  // ions per replica
  double volume = 0;      // Å^3 per replica
  double wall_time = 0;   // s
  std::string solver, backend, device;
  // Per slab (run.slabs) and per layer of a multilayer, pooled over replicas;
  // empty when not asked for, and after a restart from a checkpoint that
  // holds no profiles (profiles_lost).
  std::vector<ProfileBin> slabs, layers;
  // With several species: their ions per bin at the start of the observed
  // window and at every block end (species_profile.csv), pooled likewise.
  std::vector<ProfileSnapshot> slab_snapshots, layer_snapshots;
  bool interrupted = false;  // stopped at a checkpoint (RunControl::stop_requested)
  // The run has profiles, but a replica resumed from a checkpoint without
  // them (format 5 or older, or a replan that moved its block boundaries).
  bool profiles_lost = false;
};

struct ProgressInfo {
  double fraction = 0;  // of the whole run, all replicas
  uint64_t hops = 0;    // accepted so far, all replicas
  double wall = 0;      // s since start
};
using ProgressCallback = std::function<void(const ProgressInfo&)>;

// Carries out a plan (kmc/simulation/RunPlan.hpp: plan_run decides the
// solver, backend, sites and ions and builds the lattice and model once):
// places ions and makes a solver for each replica, runs them (side by side on
// settings.threads threads) and records transport samples. Replica r uses
// random stream r, so the outcome does not depend on the thread count.
// `run` is empty for a fresh start or holds a checkpointed run to continue
// (replanned when the settings ask for a longer one, see replan_run); on
// return it holds where every replica stands. Checkpoints go to
// control.save; a stop request ends the run early with outcome.interrupted
// set. A plan with problems throws std::invalid_argument (its first problem).
SimulationOutcome run_simulation(const RunPlan& plan, RunState& run, const RunControl& control,
                                 const ProgressCallback& progress = {});

// The same for settings built directly (tests, benchmarks): plan_run without
// a memory budget, then the run.
SimulationOutcome run_simulation(const SimulationSettings& settings,
                                 const ProgressCallback& progress = {});

SimulationOutcome run_simulation(const SimulationSettings& settings, RunState& run,
                                 const RunControl& control, const ProgressCallback& progress = {});

}  // namespace coatkmc
