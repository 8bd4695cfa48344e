#pragma once
#include <cstdint>
#include <vector>

#include "kmc/observables/TransportSample.hpp"
#include "kmc/state/ObservableSums.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// Reads unwrapped ion displacements at milestones chosen by the driver and
// turns them into per-block TransportSamples, a whole-run sample and MSD rows.
class TransportRecorder {
 public:
  // The state at a block boundary: what a window starting there needs.
  struct Mark {
    std::vector<Vec3> displacement;  // Å, per ion
    double time = 0;
    uint64_t hops = 0, attempts = 0;
    double sum_hop_length_sq = 0;
  };

  // keep_marks: keep the mark of every block boundary, not only the window's
  // start and the open block's, so that a continued run with a longer plan
  // can rebuild its blocks from them (rebase). Costs one displacement copy per block.
  explicit TransportRecorder(bool keep_marks = false) : keep_marks_(keep_marks) {}

  // Marks the start of the observed window (after any equilibration); with
  // ion species every window also sums the displacements per species.
  void start(const SystemState& state);
  // Closes the current block at the state's present instant and opens the next.
  void close_block(const SystemState& state);
  void sample_msd(const SystemState& state);

  // Window from start() to the present instant.
  TransportSample whole_run(const SystemState& state) const;

  // The same from window sums the solver reduced where it keeps the ions
  // (Solver::reduce_window; the driver, kmc/simulation/Simulation.cpp): then
  // `state` is read for its counters and ion_species only, and a mark holds
  // no displacements until set_mark_ions() gives them (before a checkpoint).
  // The samples are equal bit for bit to those of the state-based calls
  // (sums in ion order; tests/unit/test_observable_sums.cpp).
  void start_from_sums(const SystemState& state);
  void close_block(const ObservableSums& block, const SystemState& state);
  void sample_msd(const ObservableSums& whole);
  TransportSample whole_run(const ObservableSums& whole) const;
  bool mark_has_ions(size_t mark) const { return !marks_.at(mark).displacement.empty(); }
  void set_mark_ions(size_t mark, std::vector<Vec3> displacement);
  const std::vector<TransportSample>& blocks() const { return blocks_; }
  const std::vector<MsdPoint>& msd() const { return msd_; }

  // Checkpoints: the marks (the window's start first, the open block's start
  // last; with keep_marks one per block boundary), closed blocks and MSD rows.
  const std::vector<Mark>& marks() const { return marks_; }
  bool keeps_marks() const { return keep_marks_; }
  // `species`: the ions' species labels (SystemState::ion_species of the
  // restored state; a label never changes), empty with one species.
  void restore(std::vector<Mark> marks, std::vector<TransportSample> blocks,
               std::vector<MsdPoint> msd, bool keep_marks, std::vector<uint8_t> species);
  // Re-plans a recorder that kept its marks: the block boundaries become the
  // marks listed (ascending indices, the first 0, the last the open block's
  // start), the blocks between them are recomputed exactly as close_block()
  // would have, and only the MSD rows listed remain.
  void rebase(const std::vector<size_t>& marks, const std::vector<size_t>& msd_rows);

 private:
  static Mark mark_of(const SystemState& state);
  static Mark counters_of(const SystemState& state);
  TransportSample sample_of(const ObservableSums& sums) const;
  void push_mark(Mark mark);
  void set_species(std::vector<uint8_t> labels);
  TransportSample window(const std::vector<Vec3>& displacement, double time, uint64_t hops,
                         uint64_t attempts, double l2, const Mark& from) const;
  bool keep_marks_;
  // Species of each ion, copied at start() or restore() (a label never
  // changes); empty with one species.
  std::vector<uint8_t> species_;
  int species_count_ = 0;
  std::vector<Mark> marks_;
  std::vector<TransportSample> blocks_;
  std::vector<MsdPoint> msd_;
};

}  // namespace coatkmc
