#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kmc/backend/Backend.hpp"
#include "kernels/IonWindow.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/HopSteps.hpp"
#include "kmc/state/ObservableSums.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// Independent walkers (no exclusion, no interaction) on one lattice, in
// groups: each group has its own hop model (temperature, field, landscape
// realization), seed and state, and one launch advances every group to its
// own target time (kernels/WalkerStep.hpp). An Arrhenius sweep or a disorder
// average is then one batch instead of many small runs.
//
// A group's state keeps ion_site, displacement (from its travel record:
// SystemState::travel_cells, exact integers) and the counters up to date
// after every round; site_ion, occupied and occupied_neighbors keep the
// initial placement (several walkers may share a site, which they cannot
// express). Each round advances state.rng_step by one: it keys the random
// numbers of the round, so the same calls give the same trajectories on any
// backend and thread count.
class WalkerBatch {
 public:
  WalkerBatch(const Lattice& lattice, BackendKind backend, int threads = 1);
  ~WalkerBatch();
  WalkerBatch(const WalkerBatch&) = delete;
  WalkerBatch& operator=(const WalkerBatch&) = delete;

  // Adds a group before the first round; `model` and `state` must outlive the
  // batch. Returns the group's index.
  int add_group(const HopModel& model, uint64_t seed, SystemState& state);
  int groups() const { return static_cast<int>(groups_.size()); }
  // One round: group g goes from its state's time to times[g] (>= it).
  void advance_to(const std::vector<double>& times);
  // Many rounds of a batch of one group in one launch, without a round trip
  // to the host (kernels/WalkerEngine.hpp run_rounds): round r goes to
  // ends[r] (1 to WalkerEngine::kMaxRounds of them), every walker runs every
  // round, and the state ends at ends.back(): the same state as one
  // advance_to() call per round end. Returns the hops of the rounds.
  uint64_t advance_rounds(const std::vector<double>& ends);
  // The engine's window arrays (kernels/IonWindow.hpp) for the walkers of
  // group g; one group at a time (a later call replaces them).
  IonWindows& bind_windows(int group, const ObservableLayout& layout);
  // Sum of the escape rates of group g's walkers at their present sites, 1/s
  // (from the engine when the positions stay there).
  double total_rate(int group) const;
  // Positions stay in the engine after each call (the groups' counters stay
  // current); sync_states() brings ion_site, travel_cells and displacement
  // of every group up to date.
  void keep_positions_on_engine(bool keep) { resident_ = keep; }
  void sync_states();
  // BackendKind::Replay: seed of the replay's block and lane orders (0: natural order).
  void set_replay_shuffle(uint64_t seed) { replay_shuffle_ = seed; }

 private:
  struct Group {
    const HopModel* model;
    SystemState* state;
    uint64_t seed;
    int64_t first, count;
    bool per_site;
    std::vector<double> cumulative;
  };
  struct Device;
  void start();
  void sync(Group& g);

  const Lattice& lattice_;
  BackendKind backend_;
  int threads_;
  HopSteps hops_;
  std::vector<Group> groups_;
  std::vector<int32_t> site_, cells_;  // host arrays (the CPU backend works on them)
  int64_t walkers_ = 0;
  bool started_ = false;
  bool resident_ = false;
  bool stale_ = false;  // the groups' positions on the host lag the engine's
  uint64_t replay_shuffle_ = 0x5eed;
  std::unique_ptr<Device> device_;
};

}  // namespace coatkmc
