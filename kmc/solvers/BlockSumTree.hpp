#pragma once
#include <cstdint>
#include <vector>

namespace coatkmc {

// Partial sums over non-negative leaf values for O(log N) sampling of a leaf
// with probability value/total. Leaves are grouped in blocks of kBlock; a
// binary tree sits over the block sums. Every sum is recomputed from its
// children in a fixed order (never updated by differences), so totals carry
// no accumulated round-off and the same leaf values always give the same tree.
class BlockSumTree {
 public:
  static constexpr int kBlock = 16;

  explicit BlockSumTree(int64_t leaves = 0) { resize(leaves); }
  void resize(int64_t leaves);

  int64_t size() const { return n_; }
  double leaf(int64_t i) const { return leaf_[i]; }
  // Sets a leaf; sums are brought up to date by refresh().
  void set(int64_t i, double value) {
    leaf_[i] = value;
    const int64_t b = i / kBlock;
    if (!dirty_flag_[b]) {
      dirty_flag_[b] = 1;
      dirty_.push_back(b);
    }
  }
  void refresh();
  // Sum of every leaf (after refresh()).
  double total() const { return node_[1]; }
  // Leaf whose cumulative interval holds `x` in [0, total()); `remainder`
  // gets x minus the sum of the leaves before it. Never returns a zero leaf.
  int64_t select(double x, double& remainder) const;

 private:
  double block_sum(int64_t b) const;
  int64_t n_ = 0, blocks_ = 0, width_ = 1;  // width_: power of two >= blocks_
  std::vector<double> leaf_;
  std::vector<double> node_;  // node_[width_ + b] = sum of block b; node_[1] = total
  std::vector<uint8_t> dirty_flag_;
  std::vector<int64_t> dirty_;
};

}  // namespace coatkmc
