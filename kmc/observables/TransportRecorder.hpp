#pragma once
#include <vector>

#include "kmc/observables/TransportSample.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// Reads unwrapped ion displacements at milestones chosen by the driver and
// turns them into per-block TransportSamples, a whole-run sample and MSD rows.
class TransportRecorder {
 public:
  // Marks the start of the observed window (after any equilibration).
  void start(const SystemState& state);
  // Closes the current block at the state's present instant and opens the next.
  void close_block(const SystemState& state);
  void sample_msd(const SystemState& state);

  // Window from start() to the present instant.
  TransportSample whole_run(const SystemState& state) const;
  const std::vector<TransportSample>& blocks() const { return blocks_; }
  const std::vector<MsdPoint>& msd() const { return msd_; }

 private:
  TransportSample window(const SystemState& state, const std::vector<Vec3>& from, double t0,
                         uint64_t hops0, uint64_t attempts0, double l2_0) const;
  std::vector<Vec3> origin_, block_origin_;
  double t_origin_ = 0, t_block_ = 0;
  uint64_t hops_origin_ = 0, hops_block_ = 0, att_origin_ = 0, att_block_ = 0;
  double l2_origin_ = 0, l2_block_ = 0;
  std::vector<TransportSample> blocks_;
  std::vector<MsdPoint> msd_;
};

}  // namespace coatkmc
