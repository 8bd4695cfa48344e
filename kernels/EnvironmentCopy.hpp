#pragma once
// A host engine's own copy of the environment tables (the CPU and replay
// sublattice engines; the CUDA engine keeps them in device buffers): what
// SublatticeSetup points to at creation, and the full/partial thresholds or
// bases set_environment() brings.
#include <cstdint>
#include <vector>

#include "kernels/EnvironmentEnergy.hpp"
#include "kernels/SublatticeEngine.hpp"

namespace coatkmc {

class EnvironmentCopy {
 public:
  explicit EnvironmentCopy(const SublatticeSetup& s)
      : on_(s.env_entries > 0 || s.env_slots > 0), width_(s.env_width), radix_(s.env_radix),
        threshold_count_(s.env_threshold_count), slots_(s.env_slots) {
    if (!on_) return;
    entry_.assign(s.env_entry, s.env_entry + s.env_entries);
    if (entry_.empty()) entry_.push_back(EnvironmentEntry{0, {0, 0, 0}, 0, 0});  // a valid pointer
    begin_.assign(s.env_begin, s.env_begin + s.env_slots + 1);
    factor_.assign(s.env_factor, s.env_factor + s.env_factors);
  }
  void set(bool partial, const uint32_t* threshold, const double* base) {
    const int i = partial ? 1 : 0;
    if (threshold_count_ > 0)
      threshold_[i].assign(threshold, threshold + threshold_count_);
    else
      base_[i].assign(base, base + slots_);
  }
  // The tables of full sweeps (0) or of the partial one (1); entry == nullptr without a model.
  EnvironmentTables tables(int i) const {
    EnvironmentTables t{};
    if (!on_) return t;
    t.entry = entry_.data();
    t.begin = begin_.data();
    t.threshold = threshold_count_ > 0 ? threshold_[i].data() : nullptr;
    t.base = threshold_count_ > 0 ? nullptr : base_[i].data();
    t.factor = factor_.empty() ? nullptr : factor_.data();
    t.width = width_;
    t.radix = radix_;
    return t;
  }

 private:
  bool on_;
  int32_t width_, radix_;
  int64_t threshold_count_, slots_;
  std::vector<EnvironmentEntry> entry_;
  std::vector<int32_t> begin_;
  std::vector<double> factor_;
  std::vector<uint32_t> threshold_[2];
  std::vector<double> base_[2];
};

}  // namespace coatkmc
