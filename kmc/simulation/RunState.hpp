#pragma once
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kmc/observables/ProfileRecorder.hpp"
#include "kmc/observables/TransportRecorder.hpp"
#include "kmc/simulation/MilestonePlan.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// One replica of a run that can stop at a milestone and go on later. Every
// solver's trajectory is a function of SystemState (rng_step counts its
// random draws), so state + recorder + the next milestone's index are all a
// restart needs.
struct ReplicaRun {
  bool started = false;  // placed, equilibrated, observed window open
  uint32_t next = 0;     // index of the next milestone of the plan
  SystemState state;
  TransportRecorder recorder;
  uint64_t h0 = 0;  // hops and time at the window's start
  double t0 = 0;
  std::vector<MilestoneTag> mark_tags;  // where each recorder mark was taken
  std::vector<MilestoneTag> msd_tags;   // where each MSD row was taken
  // Profiles (run.slabs, the layers of a multilayer; checkpoint format 6):
  // what each of the run's profile recorders has accumulated (slabs first,
  // then layers), and every ion's site at the open block's start (the bins
  // its next block counts it in). Empty when the run has no profiles, or
  // the checkpoint holds none (older format, or a replanned run whose
  // blocks moved): such a replica's run reports no profiles.
  std::vector<ProfileProgress> profiles;
  std::vector<int32_t> block_start_site;
  // The ion trajectory (run.trajectory_samples; not part of a checkpoint):
  // each ion's site and displacement at the window's start, then per frame
  // its time from the start (s) and every ion's unwrapped position (Å).
  std::vector<int32_t> trajectory_start_site;
  std::vector<Vec3> trajectory_start_displacement;
  std::vector<double> trajectory_time;
  std::vector<Vec3> trajectory;  // frames x ions
  bool done(size_t plan_size) const { return started && next >= plan_size; }
};

// A whole run in progress: what DIR/checkpoint.ckpt holds (with the configuration).
struct RunState {
  WindowPlan plan;
  std::string solver;  // resolved name
  std::vector<ReplicaRun> replicas;
  double wall_before = 0;  // s spent on this run by earlier processes
};

// A checkpointed run cannot go on under the plan asked for.
class ReplanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Adapts a checkpointed run to a new plan (a longer run, other block or MSD
// counts): each started replica continues at the first milestone of the new
// plan past the point it reached, and its recorder keeps the marks and MSD
// rows that lie on the new plan's observation points; its profiles go on
// only where every recorded block boundary is one of the new plan's (else
// they are dropped: ReplicaRun::profiles). Throws ReplanError when
// the new plan ends before that point, observes a point the run did not
// record, or switches between hop and time targets.
void replan_run(RunState& run, const WindowPlan& plan);

// Hooks of a run that checkpoints. All are optional.
struct RunControl {
  bool keep_marks = false;   // recorders keep every block mark (the run can be extended later)
  bool keep_states = false;  // finished replicas keep state and recorder (final checkpoint)
  // Polled at milestones: true asks for a checkpoint.
  std::function<bool()> checkpoint_due;
  // Polled at milestones: true stops the run once a checkpoint is saved.
  std::function<bool()> stop_requested;
  // Receives a consistent checkpoint (each replica at one of its milestones,
  // not started, or done); called from one thread at a time.
  std::function<void(const RunState& header, const std::vector<const ReplicaRun*>& replicas)> save;
};

}  // namespace coatkmc
