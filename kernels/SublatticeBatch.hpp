#pragma once
// A run of consecutive sublattice sweeps as both launchers take it: the class
// orders the host drew for each sweep and the hop budget after which no
// further sweep starts (so a batch can be queued on the GPU without a
// round trip per sweep and still stop where the CPU stops).
#include <cstdint>

namespace coatkmc {

struct SublatticeBatch {
  uint64_t first_sweep = 0;
  int32_t sweeps = 0;
  const uint8_t* parity_order = nullptr;  // [sweep][parity_classes] (lattice-wide class
                                          // rule: [sweep][its classes()], SublatticeSetup)
  const uint16_t* site_order = nullptr;   // [sweep][parity_classes][site_classes]
  int32_t last_partial = 0;               // the batch's last sweep uses the partial tables
  uint64_t hop_budget = UINT64_MAX;       // a sweep starts only while fewer hops were accepted
};

struct SublatticeBatchResult {
  int32_t sweeps_done = 0;
  uint64_t hops = 0;
};

}  // namespace coatkmc
