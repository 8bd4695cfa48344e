// Species placed in regions along the third lattice vector ([[occupancy.species]]
// z_range, issue 6 item 3) and the per-species concentration profiles written
// against time (species_profile.csv, item 3 of the profiles).
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "host/io/ProfileWriter.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {
namespace {

// Species A in the lower 40 % of the box, B in the upper half, C anywhere.
SpeciesSettings couple() {
  SpeciesSettings s;
  SpeciesSpec a{"A", 0.9, -1, 0.30, {}};
  a.region = true;
  a.z_low = 0.0;
  a.z_high = 0.4;
  SpeciesSpec b{"B", 0, 150, 0.32, {}};
  b.region = true;
  b.z_low = 0.5;
  b.z_high = 1.0;
  SpeciesSpec c{"C", 0, 20, 0.30, {}};
  s.species = {a, b, c};
  return s;
}

double height_of(const Lattice& lat, int32_t site) {
  const int cz = static_cast<int>((site / lat.basis_size()) / (lat.cells()[0] * lat.cells()[1]));
  return height_fraction(cz, lat.cells()[2],
                         lat.description().basis[lat.basis_of(site)].fractional.z);
}

TEST(SpeciesRegions, EachSpeciesFillsItsRegionReproducibly) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {5, 5, 10});
  const SpeciesSettings s = couple();
  // 250 sites, 10 planes: A's region is planes 0-3 (100 sites), B's planes 5-9 (125).
  const std::vector<int64_t> region = s.region_sites(lat, {});
  ASSERT_EQ(region, (std::vector<int64_t>{100, 125, 250}));
  const std::vector<int64_t> counts = s.counts(region);
  ASSERT_EQ(counts, (std::vector<int64_t>{90, 150, 20}));
  // B asks for more ions than its region has sites.
  EXPECT_THROW(place_species(lat, s, counts, 7, 0), std::invalid_argument);
  try {
    place_species(lat, s, counts, 7, 0);
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("occupancy.species: species 'B'", 0), 0u) << e.what();
  }
  const std::vector<int64_t> fit = {90, 110, 20};
  const SystemState st = place_species(lat, s, fit, 7, 0);
  ASSERT_EQ(st.num_ions(), 220);
  std::vector<int64_t> seen(3, 0);
  for (int64_t i = 0; i < st.num_ions(); ++i) {
    const int q = st.ion_species[i];
    ++seen[q];
    const double h = height_of(lat, st.ion_site[i]);
    EXPECT_TRUE(s.species[q].in_region(h)) << "ion " << i << " of species " << q << " at " << h;
    EXPECT_EQ(st.site_ion[st.ion_site[i]], i);
    EXPECT_EQ(st.occupied[st.ion_site[i]], 1);
  }
  EXPECT_EQ(seen, fit);
  // A pure function of (seed, replica).
  EXPECT_EQ(place_species(lat, s, fit, 7, 0).ion_site, st.ion_site);
  EXPECT_NE(place_species(lat, s, fit, 7, 1).ion_site, st.ion_site);
  EXPECT_NE(place_species(lat, s, fit, 8, 0).ion_site, st.ion_site);
}

TEST(SpeciesRegions, BlockedSitesAreLeftOpenAndNotCounted) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {4, 4, 4});
  SpeciesSettings s;
  SpeciesSpec a{"A", 1.0, -1, 0.30, {}};
  a.region = true;
  a.z_low = 0.0;
  a.z_high = 0.5;
  s.species = {a};
  std::vector<uint8_t> blocked(lat.num_sites(), 0);
  for (int64_t site = 0; site < lat.num_sites(); site += 3) blocked[site] = 1;
  const std::vector<int64_t> region = s.region_sites(lat, blocked);
  int64_t open_lower = 0;
  for (int64_t site = 0; site < lat.num_sites(); ++site)
    open_lower += !blocked[site] && height_of(lat, static_cast<int32_t>(site)) < 0.5;
  ASSERT_EQ(region[0], open_lower);
  const SystemState st = place_species(lat, s, s.counts(region), 3, 0, blocked);
  ASSERT_EQ(st.num_ions(), open_lower);  // fraction 1: every open site of the region
  for (int32_t site : st.ion_site) EXPECT_EQ(blocked[site], 0);
}

// A couple run through run_simulation: the profile snapshots start from the
// placement, conserve every species' ions at every sample, and spread.
TEST(SpeciesProfiles, SnapshotsStartFromTheCoupleConserveIonsAndSpread) {
  SimulationSettings s;
  s.lattice = make_textbook_lattice("sc", 3.0);
  s.cells = {6, 6, 20};
  s.species = couple();
  s.species.species[0].z_high = 0.5;
  s.species.species[1].count = 300;
  s.species.species.pop_back();  // A and B only
  s.hop.temperature = 600;
  s.slabs = 10;
  s.blocks = 5;
  s.replicas = 2;
  s.hops_per_particle = 60;
  const SimulationOutcome o = run_simulation(s);
  ASSERT_EQ(o.slabs.size(), 10u);
  ASSERT_EQ(o.slab_snapshots.size(), 6u);  // the start and 5 block ends
  const int64_t na = 324, nb = 300;        // 0.9 x 360 sites of the lower half
  for (size_t k = 0; k < o.slab_snapshots.size(); ++k) {
    const ProfileSnapshot& snap = o.slab_snapshots[k];
    ASSERT_EQ(snap.replicas, 2);
    ASSERT_EQ(snap.ions.size(), 20u);
    int64_t a = 0, b = 0;
    for (int bin = 0; bin < 10; ++bin) {
      a += snap.ions[2 * bin];
      b += snap.ions[2 * bin + 1];
    }
    EXPECT_EQ(a, 2 * na) << "sample " << k;
    EXPECT_EQ(b, 2 * nb) << "sample " << k;
    if (k > 0) EXPECT_GT(snap.time, o.slab_snapshots[k - 1].time);
  }
  const ProfileSnapshot& first = o.slab_snapshots.front();
  EXPECT_EQ(first.time, 0.0);
  int64_t a_upper_first = 0, a_upper_last = 0;
  for (int bin = 5; bin < 10; ++bin) {
    EXPECT_EQ(first.ions[2 * bin], 0);
    EXPECT_EQ(first.ions[2 * (9 - bin) + 1], 0);  // no B in the lower half
    a_upper_first += first.ions[2 * bin];
    a_upper_last += o.slab_snapshots.back().ions[2 * bin];
  }
  EXPECT_EQ(a_upper_first, 0);
  // 60 hops per ion at 3 Å spread the A ions ~23 Å (3 slabs of 6 Å) across
  // both interfaces of the periodic couple: far more than a handful cross.
  EXPECT_GT(a_upper_last, 2 * na / 10);

  // species_profile.csv: a header and one row per (sample, slab, species).
  const std::string csv = make_species_profile_csv(o, {"A", "B"});
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1u + 6 * 10 * 2);
  EXPECT_EQ(lines[0],
            "time_s,kind,index,name,z_low_A,z_high_A,open_sites,species,ions,site_fraction,"
            "density_cm3");
  // Slab 1 of the start: A's ions per replica over its 72 sites, and per cm^3
  // over its 6 x 6 x 2 cells of 27 Å^3.
  const double a1 = first.ions[0] / 2.0;
  std::ostringstream expect;
  expect << "0,slab,1,slab 1,0,6,72,A,";
  EXPECT_EQ(lines[1].rfind(expect.str(), 0), 0u) << lines[1];
  std::vector<double> cols;
  std::stringstream row(lines[1]);
  std::string cell;
  while (std::getline(row, cell, ',')) cols.push_back(std::atof(cell.c_str()));
  ASSERT_EQ(cols.size(), 11u);
  EXPECT_DOUBLE_EQ(cols[8], a1);
  EXPECT_NEAR(cols[9], a1 / 72.0, 1e-6);
  EXPECT_NEAR(cols[10], a1 / (72 * 27.0) * 1e24, 1e-5 * a1 / (72 * 27.0) * 1e24);
}

}  // namespace
}  // namespace coatkmc
