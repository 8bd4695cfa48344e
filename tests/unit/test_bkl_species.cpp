// Several species on one sublattice in bkl (issue 6): per-species rate
// factors (a barrier offset per species, vacancy-mediated exchange).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/BklSolver.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {
namespace {

struct SpeciesSystem {
  Lattice lattice{make_textbook_lattice("sc", 3.0), {12, 12, 12}};
  HopModel model{lattice, [] {
                   HopParameters p;
                   p.barrier = 0.3;
                   p.temperature = 500;
                   return p;
                 }()};
};

// One species, labelled or not, with factor 1: the same trajectory bit for bit.
TEST(BklSpecies, OneSpeciesIsBitIdentical) {
  SpeciesSystem s;
  Occupancy occ;
  occ.fraction = 0.4;
  SystemState a = place_ions(s.lattice, occ, 7, 0), b = a;
  b.ion_species.assign(b.num_ions(), 0);
  BklSolver plain(s.lattice, s.model, 7), labelled(s.lattice, s.model, 7);
  labelled.set_species_rate_factors({1.0});
  AdvanceTarget target;
  target.hops = 20000;
  plain.advance(a, target);
  labelled.advance(b, target);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.ion_site, b.ion_site);
  for (int64_t i = 0; i < a.num_ions(); ++i) {
    EXPECT_EQ(a.displacement[i].x, b.displacement[i].x);
    EXPECT_EQ(a.displacement[i].z, b.displacement[i].z);
  }
}

// A dilute two-species gas: each ion is nearly a free walker, so the tracer
// D of species B over that of A is its rate factor 0.25. Half the ions are B;
// 8 replicas of 86 ions each give ~340 walkers per species and a standard
// error of ~5% on each MSD (var R^2 / <R^2>^2 = 2/3 for a 3D Gaussian walk),
// ~7% on the ratio: the tolerance is 4 of those.
TEST(BklSpecies, DiluteTracerRatioIsTheRateFactor) {
  SpeciesSystem s;
  Occupancy occ;
  occ.fraction = 0.05;
  const double factor_B = 0.25;
  double r2[2] = {0, 0}, n[2] = {0, 0};
  for (uint32_t rep = 0; rep < 8; ++rep) {
    SystemState st = place_ions(s.lattice, occ, 11, rep);
    st.ion_species.resize(st.num_ions());
    for (int64_t i = 0; i < st.num_ions(); ++i) st.ion_species[i] = i % 2;
    BklSolver solver(s.lattice, s.model, 11);
    solver.set_species_rate_factors({1.0, factor_B});
    AdvanceTarget target;
    target.hops = 200 * st.num_ions();
    solver.advance(st, target);
    for (int64_t i = 0; i < st.num_ions(); ++i) {
      const Vec3& d = st.displacement[i];
      r2[st.ion_species[i]] += d.x * d.x + d.y * d.y + d.z * d.z;
      n[st.ion_species[i]] += 1;
    }
    // Species is a label of the ion: the count of each species never changes.
    EXPECT_EQ(static_cast<int64_t>(st.ion_species.size()), st.num_ions());
  }
  const double ratio = (r2[1] / n[1]) / (r2[0] / n[0]);
  std::printf("two species: D_B / D_A = %.4f (factor %.2f), %.0f + %.0f walkers\n", ratio, factor_B,
              n[0], n[1]);
  EXPECT_NEAR(ratio, factor_B, 4 * 0.07 * factor_B) << "ratio " << ratio;
}

}  // namespace
}  // namespace coatkmc
