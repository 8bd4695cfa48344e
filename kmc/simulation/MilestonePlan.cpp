#include "kmc/simulation/MilestonePlan.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace coatkmc {

namespace {
constexpr int kProgressChunks = 200;
}

std::vector<Milestone> plan_milestones(const WindowPlan& plan) {
  std::vector<Milestone> m;
  auto add = [&](uint64_t num, uint64_t den, bool block, bool msd) {
    const uint64_t g = std::gcd(num, den);
    m.push_back({num / g, den / g, block, msd});
  };
  for (int b = 1; b <= plan.blocks; ++b) add(b, plan.blocks, true, false);
  for (int k = 1; k <= plan.msd_samples; ++k) add(k, plan.msd_samples, false, true);
  for (int c = 1; c <= kProgressChunks; ++c) add(c, kProgressChunks, false, false);
  std::sort(m.begin(), m.end(), [](const Milestone& a, const Milestone& b) {
    return static_cast<unsigned __int128>(a.num) * b.den <
           static_cast<unsigned __int128>(b.num) * a.den;
  });
  std::vector<Milestone> merged;
  for (const Milestone& x : m) {
    if (!merged.empty() && merged.back().num == x.num && merged.back().den == x.den) {
      merged.back().block |= x.block;
      merged.back().msd |= x.msd;
    } else {
      merged.push_back(x);
    }
  }
  return merged;
}

MilestoneTag milestone_tag(const WindowPlan& plan, const Milestone& m) {
  MilestoneTag t;
  if (plan.by_time)
    t.time = plan.run_time * static_cast<double>(m.num) / static_cast<double>(m.den);
  else
    t.hops = static_cast<uint64_t>((static_cast<unsigned __int128>(plan.run_hops) * m.num) / m.den);
  return t;
}

bool same_point(const WindowPlan& plan, const MilestoneTag& a, const MilestoneTag& b) {
  if (!plan.by_time) return a.hops == b.hops;
  return std::fabs(a.time - b.time) <= 1e-12 * std::max(std::fabs(a.time), std::fabs(b.time));
}

bool not_after(const WindowPlan& plan, const MilestoneTag& a, const MilestoneTag& b) {
  if (!plan.by_time) return a.hops <= b.hops;
  return a.time <= b.time || same_point(plan, a, b);
}

}  // namespace coatkmc
