#pragma once
#include <cstdint>
#include <vector>

namespace coatkmc {

// What the milestones of a run are computed from: its length and how finely it is observed.
struct WindowPlan {
  bool by_time = false;
  uint64_t run_hops = 0;  // accepted hops of the observed window, per replica
  double run_time = 0;    // s, when by_time
  int blocks = 10, msd_samples = 100;
  bool operator==(const WindowPlan& o) const {
    return by_time == o.by_time && run_hops == o.run_hops && run_time == o.run_time &&
           blocks == o.blocks && msd_samples == o.msd_samples;
  }
  bool operator!=(const WindowPlan& o) const { return !(*this == o); }
};

// A point of the run where something is observed, at fraction num/den of the
// observed window. Fractions are kept reduced so that equal points computed
// from different grids give bit-identical times.
struct Milestone {
  uint64_t num, den;
  bool block = false, msd = false;
};

// Where a milestone lies, counted from the start of the observed window: the
// hop count or the simulated time (s) the solver is advanced to.
struct MilestoneTag {
  uint64_t hops = 0;
  double time = 0;
};

// Block ends, MSD samples and progress points, in order, equal points merged.
std::vector<Milestone> plan_milestones(const WindowPlan& plan);
MilestoneTag milestone_tag(const WindowPlan& plan, const Milestone& m);
// Same point of the window (time tags within 1e-12 relative: grids of
// different lengths can round the same instant differently).
bool same_point(const WindowPlan& plan, const MilestoneTag& a, const MilestoneTag& b);
// a lies at or before b.
bool not_after(const WindowPlan& plan, const MilestoneTag& a, const MilestoneTag& b);

}  // namespace coatkmc
