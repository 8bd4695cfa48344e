#include "kmc/simulation/RunState.hpp"

#include <sstream>

namespace coatkmc {

namespace {
std::string describe(const WindowPlan& plan, const MilestoneTag& t) {
  std::ostringstream os;
  os.precision(12);
  if (plan.by_time)
    os << t.time << " s";
  else
    os << t.hops << " hops";
  return os.str();
}
}  // namespace

void replan_run(RunState& run, const WindowPlan& plan) {
  if (run.plan == plan) return;
  if (run.plan.by_time != plan.by_time)
    throw ReplanError(std::string("the checkpointed run stops by ") +
                      (run.plan.by_time ? "run.time" : "run.hops_per_particle") +
                      " and cannot continue by the other");
  const std::vector<Milestone> old_plan = plan_milestones(run.plan);
  const std::vector<Milestone> new_plan = plan_milestones(plan);
  const MilestoneTag end = milestone_tag(plan, new_plan.back());
  for (ReplicaRun& rr : run.replicas) {
    if (!rr.started) continue;
    const MilestoneTag reached =
        rr.next ? milestone_tag(run.plan, old_plan[rr.next - 1]) : MilestoneTag{};
    if (!not_after(plan, reached, end))
      throw ReplanError("replica " + std::to_string(rr.state.replica) + " has already run " +
                        describe(plan, reached) + ", more than the " + describe(plan, end) +
                        " asked for");
    std::vector<size_t> marks{0}, rows{0};
    uint32_t next = 0;
    for (; next < new_plan.size(); ++next) {
      const Milestone& m = new_plan[next];
      const MilestoneTag tag = milestone_tag(plan, m);
      if (!not_after(plan, tag, reached)) break;
      auto find = [&](const std::vector<MilestoneTag>& tags, const char* what) {
        for (size_t j = 0; j < tags.size(); ++j)
          if (same_point(plan, tags[j], tag)) return j;
        throw ReplanError(std::string("the new plan has a ") + what + " at " + describe(plan, tag) +
                          " that the checkpointed run did not record " +
                          "(continue to a whole multiple of its length, with the same " +
                          "run.blocks and run.msd_samples)");
      };
      if (m.block) marks.push_back(find(rr.mark_tags, "block boundary"));
      if (m.msd) rows.push_back(find(rr.msd_tags, "MSD sample"));
    }
    bool same_marks = marks.size() == rr.mark_tags.size();
    for (size_t i = 0; same_marks && i < marks.size(); ++i) same_marks = marks[i] == i;
    bool unchanged = same_marks && rows.size() == rr.msd_tags.size();
    for (size_t i = 0; unchanged && i < rows.size(); ++i) unchanged = rows[i] == i;
    // The profiles' blocks are sums over whole blocks: they go on only where
    // the new plan keeps every block boundary (N/2 with B blocks -> N with 2B).
    if (!same_marks) {
      rr.profiles.clear();
      rr.block_start_site.clear();
    }
    if (!unchanged) {
      if (!rr.recorder.keeps_marks())
        throw ReplanError("the checkpoint kept no block marks, so it can only resume its own plan");
      rr.recorder.rebase(marks, rows);
      std::vector<MilestoneTag> mark_tags, msd_tags;
      for (size_t j : marks) mark_tags.push_back(rr.mark_tags[j]);
      for (size_t j : rows) msd_tags.push_back(rr.msd_tags[j]);
      rr.mark_tags = std::move(mark_tags);
      rr.msd_tags = std::move(msd_tags);
    }
    rr.next = next;
  }
  run.plan = plan;
}

}  // namespace coatkmc
