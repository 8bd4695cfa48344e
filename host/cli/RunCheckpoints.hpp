#pragma once
#include <atomic>
#include <chrono>
#include <csignal>
#include <string>

#include "kmc/simulation/RunState.hpp"

namespace coatkmc {

class OptionalFiles;

// run.checkpoint: when DIR/checkpoint.ckpt is written (docs/checkpoints.md).
// end: after the results, and on SIGUSR1/SIGTERM; periodic: also every
// --checkpoint-every minutes; none: never (the recorders then keep no block
// marks either, so the run needs less memory).
enum class CheckpointMode { End, Periodic, None };
CheckpointMode checkpoint_mode(const std::string& name);  // "end" | "periodic" | "none"

// Catches SIGTERM and SIGUSR1 for as long as it lives, so that a run can save
// a checkpoint at its next milestone instead of dying; installed as early as
// possible in `coatkmc run` (a signal during set-up waits for the run's first
// milestone; a second SIGTERM ends the process at once).
class CheckpointSignals {
 public:
  CheckpointSignals();
  ~CheckpointSignals();
  CheckpointSignals(const CheckpointSignals&) = delete;
  CheckpointSignals& operator=(const CheckpointSignals&) = delete;

 private:
  struct sigaction old_term_ {
  }, old_usr1_{};
};

// When one run writes DIR/checkpoint.ckpt: every `every_minutes` (0: never),
// on SIGUSR1 (Slurm's warning before the time limit; the run goes on), on
// SIGTERM (the run stops once the checkpoint is saved), and at its end
// (save_final, called after the results are written). With CheckpointMode::None
// nothing is saved and SIGTERM stops the run without a checkpoint. Signals
// count while a CheckpointSignals lives.
//
// A checkpoint is an optional file: one that cannot be written while the run
// goes on (timed, SIGUSR1) or at its end is reported through `optional` and
// the run keeps its results; only the checkpoint of a run stopped by SIGTERM
// is essential (without it the run is lost): its failure throws CannotProceed.
class RunCheckpoints {
 public:
  RunCheckpoints(std::string path, std::string config_toml, CheckpointMode mode,
                 double every_minutes, double wall_before, OptionalFiles* optional);
  RunCheckpoints(const RunCheckpoints&) = delete;
  RunCheckpoints& operator=(const RunCheckpoints&) = delete;

  RunControl control();
  void save_final(const RunState& run);
  // The signal that stopped the run (SIGTERM), or 0.
  int stop_signal() const;
  int saves() const { return saves_; }
  const std::string& path() const { return path_; }
  CheckpointMode mode() const { return mode_; }

 private:
  void save(const RunState& header, const std::vector<const ReplicaRun*>& replicas);
  double wall() const;

  std::string path_, config_toml_;
  CheckpointMode mode_;
  OptionalFiles* optional_;
  std::chrono::steady_clock::duration every_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<int64_t> next_due_;  // steady_clock ticks
  double wall_before_;
  int saves_ = 0;
};

}  // namespace coatkmc
