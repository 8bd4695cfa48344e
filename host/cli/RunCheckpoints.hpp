#pragma once
#include <atomic>
#include <chrono>
#include <csignal>
#include <string>

#include "kmc/simulation/RunState.hpp"

namespace coatkmc {

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
// (save_final). Signals count while a CheckpointSignals lives.
class RunCheckpoints {
 public:
  RunCheckpoints(std::string path, std::string config_toml, double every_minutes,
                 double wall_before);
  RunCheckpoints(const RunCheckpoints&) = delete;
  RunCheckpoints& operator=(const RunCheckpoints&) = delete;

  RunControl control();
  void save_final(const RunState& run);
  // The signal that stopped the run (SIGTERM), or 0.
  int stop_signal() const;
  int saves() const { return saves_; }
  const std::string& path() const { return path_; }

 private:
  void save(const RunState& header, const std::vector<const ReplicaRun*>& replicas);
  double wall() const;

  std::string path_, config_toml_;
  std::chrono::steady_clock::duration every_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<int64_t> next_due_;  // steady_clock ticks
  double wall_before_;
  int saves_ = 0;
};

}  // namespace coatkmc
