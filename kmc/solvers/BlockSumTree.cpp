#include "kmc/solvers/BlockSumTree.hpp"

#include <algorithm>

namespace coatkmc {

void BlockSumTree::resize(int64_t leaves) {
  n_ = leaves;
  blocks_ = (leaves + kBlock - 1) / kBlock;
  width_ = 1;
  while (width_ < blocks_) width_ *= 2;
  leaf_.assign(blocks_ * kBlock, 0.0);
  node_.assign(2 * width_, 0.0);
  dirty_flag_.assign(blocks_, 0);
  dirty_.clear();
}

double BlockSumTree::block_sum(int64_t b) const {
  // Four interleaved partial sums: a fixed order that still pipelines.
  const double* p = &leaf_[b * kBlock];
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (int i = 0; i < kBlock; i += 4) {
    s0 += p[i];
    s1 += p[i + 1];
    s2 += p[i + 2];
    s3 += p[i + 3];
  }
  return (s0 + s1) + (s2 + s3);
}

void BlockSumTree::refresh() {
  if (dirty_.empty()) return;
  for (int64_t b : dirty_) {
    dirty_flag_[b] = 0;
    node_[width_ + b] = block_sum(b);
  }
  if (dirty_.size() * 8 > static_cast<size_t>(blocks_)) {
    // Many changes (a rebuild): recompute every inner node bottom-up.
    for (int64_t node = width_ - 1; node >= 1; --node)
      node_[node] = node_[2 * node] + node_[2 * node + 1];
    dirty_.clear();
    return;
  }
  // Level by level: the few dirty nodes of one level are independent of each
  // other (so their sums pipeline), and shared ancestors are summed once.
  std::vector<int64_t>& level = dirty_;
  for (int64_t& b : level) b += width_;
  std::sort(level.begin(), level.end());
  while (level.front() > 1) {
    size_t m = 0;
    for (size_t i = 0; i < level.size(); ++i) {
      const int64_t parent = level[i] >> 1;
      if (m == 0 || level[m - 1] != parent) level[m++] = parent;
    }
    level.resize(m);
    for (int64_t node : level) node_[node] = node_[2 * node] + node_[2 * node + 1];
  }
  dirty_.clear();
}

int64_t BlockSumTree::select(double x, double& remainder) const {
  int64_t node = 1;
  while (node < width_) {
    const int64_t left = 2 * node;
    // Round-off can leave x at or past a subtree's sum; never descend into an empty side.
    if ((x < node_[left] && node_[left] > 0) || node_[left + 1] <= 0) {
      node = left;
    } else {
      x -= node_[left];
      node = left + 1;
    }
  }
  const int64_t b = node - width_;
  const double* p = &leaf_[b * kBlock];
  int64_t last = -1;
  for (int i = 0; i < kBlock; ++i) {
    if (p[i] <= 0) continue;
    last = i;
    if (x < p[i]) {
      remainder = x;
      return b * kBlock + i;
    }
    x -= p[i];
  }
  remainder = last >= 0 ? p[last] * 0.5 : 0.0;  // x fell off the end by round-off
  return b * kBlock + last;
}

}  // namespace coatkmc
