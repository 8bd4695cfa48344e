#include <gtest/gtest.h>

#include <memory>

#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/observables/ProfileRecorder.hpp"
#include "kmc/observables/TransportRecorder.hpp"
#include "kmc/solvers/SolverFactory.hpp"
#include "kmc/state/ObservableSums.hpp"

using namespace coatkmc;

namespace {

// A moved bkl state with two species on a two-site basis (bcc), a field along x.
struct Moved {
  Lattice lattice{make_textbook_lattice("bcc", 3.0), {5, 4, 6}};
  HopModel model;
  SystemState state;
  ObservableMark mark;
  Moved() : model(lattice, [] {
                    HopParameters hp;
                    hp.temperature = 500;
                    hp.field = {3e6, 0, 0};
                    return hp;
                  }()) {
    Occupancy occ;
    occ.fraction = 0.4;
    state = place_ions(lattice, occ, 3, 0);
    state.ion_species.resize(state.ion_site.size());
    for (size_t i = 0; i < state.ion_species.size(); ++i) state.ion_species[i] = i % 3 == 0;
    auto bkl = make_solver("bkl", BackendKind::Cpu, lattice, model, 9);
    AdvanceTarget t;
    t.hops = 200;
    bkl->advance(state, t);
    mark = ObservableMark::of(state);
    t.hops = 2000;
    bkl->advance(state, t);
  }
};

// The per-axis sums are what they say, and their isotropic parts are bit for
// bit what TransportRecorder has always computed (issue 13 builds on this).
TEST(ObservableSums, HostReferenceMatchesTheRecordersAndPerAxisDefinitions) {
  Moved m;
  ObservableLayout layout;
  layout.species = 2;
  SiteBinning halves;
  halves.bins = 2;
  for (int64_t s = 0; s < m.lattice.num_sites(); ++s)
    halves.bin_of_site.push_back(s < m.lattice.num_sites() / 2 ? 0 : 1);
  layout.binnings.push_back(halves);
  const ObservableSums sums = reduce_observables(m.state, m.mark, layout);

  TransportRecorder rec;
  SystemState at_mark = m.state;
  at_mark.displacement = m.mark.displacement;
  at_mark.time = m.mark.time;
  at_mark.hops = m.mark.hops;
  at_mark.attempts = m.mark.attempts;
  at_mark.sum_hop_length_sq = m.mark.sum_hop_length_sq;
  rec.start(at_mark);
  const TransportSample w = rec.whole_run(m.state);
  EXPECT_EQ(sums.all.r2_total, w.sum_r2);
  EXPECT_EQ(sums.all.com_r2(), w.com_r2);
  EXPECT_EQ(sums.all.r[0], w.sum_r.x);
  EXPECT_EQ(sums.hops, 1800u);
  EXPECT_EQ(sums.duration, w.duration);
  ASSERT_EQ(sums.species.size(), 2u);
  ASSERT_EQ(w.species.size(), 2u);
  for (int q = 0; q < 2; ++q) {
    EXPECT_EQ(sums.species[q].r2_total, w.species[q].sum_r2);
    EXPECT_EQ(sums.species[q].ions, w.species[q].ions);
  }

  double r2[3] = {0, 0, 0}, r[3] = {0, 0, 0};
  int64_t start_low = 0, now_low = 0;
  for (size_t i = 0; i < m.state.ion_site.size(); ++i) {
    const Vec3 d = m.state.displacement[i] - m.mark.displacement[i];
    r2[0] += d.x * d.x, r2[1] += d.y * d.y, r2[2] += d.z * d.z;
    r[0] += d.x, r[1] += d.y, r[2] += d.z;
    start_low += halves.bin_of_site[m.mark.ion_site[i]] == 0;
    now_low += halves.bin_of_site[m.state.ion_site[i]] == 0;
  }
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(sums.all.r2[a], r2[a]) << "axis " << a;
    EXPECT_EQ(sums.all.r[a], r[a]) << "axis " << a;
  }
  // The field along x drifts the ions: the collective x sum is positive, and
  // the per-axis tracer sums add up to the isotropic one (to rounding).
  EXPECT_GT(sums.all.r[0], 0);
  EXPECT_NEAR(r2[0] + r2[1] + r2[2], sums.all.r2_total, 1e-9 * sums.all.r2_total);
  const BinnedSums& b = sums.binnings.at(0);
  EXPECT_EQ(b.by_start_bin[0].ions, start_low);
  EXPECT_EQ(b.by_start_bin[0].ions + b.by_start_bin[1].ions, m.state.num_ions());
  EXPECT_EQ(b.ions_now[0] + b.ions_now[1], now_low);
  EXPECT_EQ(b.ions_now[0] + b.ions_now[1] + b.ions_now[2] + b.ions_now[3], m.state.num_ions());
}

}  // namespace
