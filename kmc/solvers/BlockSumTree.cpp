#include "kmc/solvers/BlockSumTree.hpp"

#include <algorithm>

namespace coatkmc {

void BlockSumTree::resize(int64_t leaves) {
  n_ = leaves;
  level_.clear();
  int64_t width = std::max<int64_t>(leaves, 1);
  // Pad every level to a whole number of groups; stop at a single total.
  while (true) {
    const int64_t padded = (width + kFanout - 1) / kFanout * kFanout;
    level_.emplace_back(padded, 0.0);
    width = padded / kFanout;
    if (padded == kFanout) break;
  }
  level_.emplace_back(1, 0.0);
  dirty_flag_.assign(level_[1].size(), 0);
  parent_flag_.clear();
  for (size_t l = 2; l < level_.size(); ++l) parent_flag_.emplace_back(level_[l].size(), 0);
  dirty_.clear();
}

void BlockSumTree::refresh() {
  if (dirty_.empty()) return;
  for (int64_t g : dirty_) dirty_flag_[g] = 0;
  const size_t levels = level_.size();
  if (dirty_.size() * 8 > level_[1].size()) {
    // Many changes (a rebuild): recompute every sum bottom-up.
    for (size_t l = 0; l + 1 < levels; ++l)
      for (size_t j = 0; j < level_[l].size() / kFanout; ++j)
        level_[l + 1][j] = group_sum(&level_[l][j * kFanout]);
    dirty_.clear();
    return;
  }
  // Level by level: the few dirty groups of one level are independent of each
  // other (so their sums pipeline), and shared ancestors are summed once. The
  // order within a level does not matter: each sum reads only finished children.
  std::vector<int64_t>& groups = dirty_;
  for (size_t l = 0; l + 1 < levels; ++l) {
    for (int64_t g : groups) level_[l + 1][g] = group_sum(&level_[l][g * kFanout]);
    if (l + 2 == levels) break;
    std::vector<uint8_t>& seen = parent_flag_[l];
    size_t m = 0;
    for (size_t i = 0; i < groups.size(); ++i) {
      const int64_t parent = groups[i] / kFanout;
      if (!seen[parent]) {
        seen[parent] = 1;
        groups[m++] = parent;
      }
    }
    groups.resize(m);
    for (int64_t p : groups) seen[p] = 0;
  }
  dirty_.clear();
}

int64_t BlockSumTree::select(double x, double& remainder) const {
  int64_t node = 0;
  for (size_t l = level_.size() - 1; l-- > 0;) {
    const double* c = &level_[l][node * kFanout];
    int last = -1, pick = -1;
    for (int i = 0; i < kFanout; ++i) {
      if (c[i] <= 0) continue;
      last = i;
      if (x < c[i]) {
        pick = i;
        break;
      }
      x -= c[i];
    }
    if (pick < 0) {
      // Round-off carried x past the last non-empty child: take that child's end.
      pick = last;
      x = c[last] * 0.5;
    }
    node = node * kFanout + pick;
  }
  remainder = x;
  return node;
}

}  // namespace coatkmc
