#include "host/cli/RunCheckpoints.hpp"

#include <unistd.h>

#include <cmath>
#include <stdexcept>

#include "host/io/CheckpointFile.hpp"
#include "host/io/OptionalFiles.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {
// Set by the handlers, read at milestones. Lock-free atomics are
// async-signal-safe.
std::atomic<int> g_term{0}, g_usr1{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_checkpoint_signal(int sig) {
  if (sig == SIGUSR1) {
    g_usr1.store(1);
  } else if (g_term.exchange(1)) {
    ::_exit(128 + SIGTERM);  // a second SIGTERM: no more waiting for a milestone
  }
}
}  // namespace

CheckpointMode checkpoint_mode(const std::string& name) {
  if (name == "periodic") return CheckpointMode::Periodic;
  if (name == "none") return CheckpointMode::None;
  return CheckpointMode::End;
}

RunCheckpoints::RunCheckpoints(std::string path, std::string config_toml, CheckpointMode mode,
                               double every_minutes, double wall_before, OptionalFiles* optional)
    : path_(std::move(path)),
      config_toml_(std::move(config_toml)),
      mode_(mode),
      optional_(optional),
      start_(std::chrono::steady_clock::now()),
      wall_before_(wall_before) {
  const bool timed =
      mode != CheckpointMode::None && every_minutes > 0 && std::isfinite(every_minutes);
  every_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(timed ? every_minutes * 60 : 0));
  next_due_ = timed ? (start_ + every_).time_since_epoch().count() : INT64_MAX;
}

CheckpointSignals::CheckpointSignals() {
  g_term = 0;
  g_usr1 = 0;
  struct sigaction sa {};
  sa.sa_handler = on_checkpoint_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &sa, &old_term_);
  ::sigaction(SIGUSR1, &sa, &old_usr1_);
}

CheckpointSignals::~CheckpointSignals() {
  ::sigaction(SIGTERM, &old_term_, nullptr);
  ::sigaction(SIGUSR1, &old_usr1_, nullptr);
}

double RunCheckpoints::wall() const {
  return wall_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

int RunCheckpoints::stop_signal() const {
  return g_term.load() ? SIGTERM : 0;
}

RunControl RunCheckpoints::control() {
  RunControl c;
  if (mode_ == CheckpointMode::None) {
    // Nothing to save, so nothing kept for a checkpoint; SIGTERM still stops
    // the run at a milestone (exit status 3, no results, nothing saved).
    c.stop_requested = [] { return g_term.load() != 0; };
    // The driver stops only where it could save: a save that keeps nothing.
    c.save = [](const RunState&, const std::vector<const ReplicaRun*>&) {};
    return c;
  }
  c.keep_marks = true;
  c.keep_states = true;
  c.stop_requested = [] { return g_term.load() != 0; };
  c.checkpoint_due = [this] {
    if (g_usr1.exchange(0)) return true;
    const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
    int64_t due = next_due_.load();
    // One thread wins the deadline and moves it on.
    return now >= due && next_due_.compare_exchange_strong(due, now + every_.count());
  };
  c.save = [this](const RunState& header, const std::vector<const ReplicaRun*>& replicas) {
    save(header, replicas);
  };
  return c;
}

void RunCheckpoints::save(const RunState& header, const std::vector<const ReplicaRun*>& replicas) {
  try {
    write_checkpoint(path_, config_toml_, header, replicas, wall());
    ++saves_;
  } catch (const std::runtime_error& e) {
    // A stopping run without its checkpoint is lost: that is no optional file.
    if (g_term.load() || !optional_)
      throw CannotProceed(std::string("cannot write the checkpoint: ") + e.what());
    optional_->failed(path_, e.what());
  }
}

void RunCheckpoints::save_final(const RunState& run) {
  if (mode_ == CheckpointMode::None) return;
  std::vector<const ReplicaRun*> all;
  for (const ReplicaRun& rr : run.replicas) all.push_back(&rr);
  save(run, all);
}

}  // namespace coatkmc
