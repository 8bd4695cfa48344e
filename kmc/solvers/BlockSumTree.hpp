#pragma once
#include <cstdint>
#include <vector>

namespace coatkmc {

// Partial sums over non-negative leaf values for O(log N) sampling of a leaf
// with probability value/total. The tree is 8-ary: the eight children of a
// node are contiguous (one cache line of doubles), so a descent or an update
// touches one line per level, log8 N levels. Every sum is recomputed from its
// children in a fixed order (never updated by differences), so totals carry
// no accumulated round-off and the same leaf values always give the same tree
// (which is what makes a restarted run continue bit for bit).
class BlockSumTree {
 public:
  static constexpr int kFanout = 8;

  explicit BlockSumTree(int64_t leaves = 0) { resize(leaves); }
  void resize(int64_t leaves);

  int64_t size() const { return n_; }
  double leaf(int64_t i) const { return level_[0][i]; }
  // Starts loading leaf i's cache line (the leaves outgrow L2 from ~64^3 sites).
  void prefetch_leaf(int64_t i) const { __builtin_prefetch(&level_[0][i], 1); }
  // Sets a leaf; sums are brought up to date by refresh().
  void set(int64_t i, double value) {
    level_[0][i] = value;
    const int64_t parent = i / kFanout;
    if (!dirty_flag_[parent]) {
      dirty_flag_[parent] = 1;
      dirty_.push_back(parent);
    }
  }
  void refresh();
  // Sum of every leaf (after refresh()).
  double total() const { return level_.back()[0]; }
  // Leaf whose cumulative interval holds `x` in [0, total()); `remainder`
  // gets x minus the sum of the leaves before it. Never returns a zero leaf.
  int64_t select(double x, double& remainder) const;

 private:
  // level_[0] holds the leaves, level_[l + 1][j] the sum of level_[l][8j .. 8j+7];
  // the last level has one entry, the total. Levels are padded to whole groups.
  std::vector<std::vector<double>> level_;
  int64_t n_ = 0;
  std::vector<uint8_t> dirty_flag_;  // per group of leaves (entry of level 1)
  std::vector<int64_t> dirty_;
  std::vector<std::vector<uint8_t>> parent_flag_;  // per level >= 2, for de-duplication
  static double group_sum(const double* c) {
    return ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]));
  }
};

}  // namespace coatkmc
