// The environment model's tables on the sublattice solver (issue 16 part B):
// the device evaluation (kernels/EnvironmentEnergy.hpp) of both forms accepts
// exactly the attempts the model's rate says it should, computed here
// independently from the model's terms; bad models are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "EnvironmentPairSpec.hpp"
#include "EnvironmentTestModel.hpp"
#include "kernels/EnvironmentEnergy.hpp"
#include "kernels/SpeciesEnergy.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/model/EnvironmentCompiler.hpp"
#include "kmc/model/EnvironmentModel.hpp"
#include "kmc/solvers/SolverFactory.hpp"
#include "kmc/solvers/SublatticeSolver.hpp"

using namespace coatkmc;

namespace {

constexpr double kTwo32 = 4294967296.0;

// State of a site byte, written out rather than through state_of().
int state_by_hand(uint8_t byte) {
  if (byte == 0) return 0;
  return 1 + (byte >> 2);  // an ion (bit 0) or a host cation: species bits, hosts after ions
}

struct Tables {
  std::vector<uint32_t> threshold;
  std::vector<double> base;
  EnvironmentTables view{};
};

// cutoff: of the environment around the hop midpoint (3 A hops); hosts: 0 or
// 1 (on a fifth of the sites); width: the integer form's codes per slot.
void check_both_forms(double cutoff, int host_kinds, int width, int reach) {
  SCOPED_TRACE("cutoff " + std::to_string(cutoff) + " A, " + std::to_string(host_kinds) +
               " host kinds");
  const Lattice lat(make_textbook_lattice("sc", 3.0), {8, 7, 9});
  const HopSteps hops = make_hop_steps(lat);
  const LatticeView view = hops.view(lat);
  const double kT = 0.05;
  test::EnvironmentTestSpec spec;
  spec.cutoff_A = cutoff;
  spec.hosts = host_kinds;
  spec.host_fraction = {host_kinds ? 0.2 : 0.0};
  spec.energy_scale_ev = 0.03;
  const SublatticeEnvironmentModel model = test::make_test_environment(lat, spec, kT);
  const int R = model.radix();
  SublatticeEnvironmentModel product_model = model;
  product_model.max_codes_per_slot = 0;
  const SublatticeEnvironment integer(lat, hops, model, true);
  const SublatticeEnvironment product(lat, hops, product_model, true);
  ASSERT_TRUE(integer.integer());
  ASSERT_FALSE(product.integer());
  ASSERT_EQ(integer.width(), width);
  EXPECT_EQ(integer.reach(), (std::array<int, 3>{reach, reach, reach}));

  const int zmax = lat.max_coordination();
  const double rate = 1e12;
  double most = 0;
  for (int k = 0; k < zmax; ++k) most = std::max(most, integer.max_factor(k));
  // A p above 1 would be clipped to "always" by both forms (and by the reference).
  const double gamma = 2 * rate;
  EXPECT_GT(most, 1.0);
  Tables ti, tp;
  const std::vector<double> slot_rate(zmax, rate), slot_scale(zmax, rate * (kTwo32 / gamma));
  integer.thresholds(slot_rate, gamma, 1.0, ti.threshold);
  product.bases(slot_scale, 1.0, tp.base);
  ti.view = {integer.entries().data(), integer.begin().data(), ti.threshold.data(), nullptr,
             nullptr, integer.width(), integer.radix()};
  tp.view = {product.entries().data(), product.begin().data(), nullptr, tp.base.data(),
             product.factors().data(), 0, product.radix()};

  std::mt19937_64 rng(11);
  std::vector<uint8_t> site = integer.host_bytes();
  if (host_kinds == 0) site.assign(lat.num_sites(), 0);
  ASSERT_EQ(site.size(), static_cast<size_t>(lat.num_sites()));
  int hosts = 0;
  for (uint8_t& b : site) {
    hosts += b != 0;
    if (b == 0 && rng() % 2) b = 1 | (rng() % 2 ? 2 : 0);  // an ion, stamp either way
  }
  if (host_kinds) EXPECT_GT(hosts, lat.num_sites() / 10);

  int tried = 0, accepted[2] = {0, 0};
  double lowest = 1e300, highest = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    const int32_t i = static_cast<int32_t>(rng() % lat.num_sites());
    const int k = static_cast<int>(rng() % zmax);
    if (!(site[i] & 1)) continue;
    const SiteCoord s = view.coord(i);
    const SiteCoord t = view.target(s, view.step(s.b, k));
    if (site[view.index(t)] != 0) continue;
    // The model's energy from its terms, sites located by hand.
    const HopEnvironment& env = model.hops[k];
    std::vector<int> state;
    for (const HopEnvironmentSite& e : env.sites) {
      int64_t c[3];
      for (int a = 0; a < 3; ++a)
        c[a] = ((s.c[a] + e.dcell[a]) % lat.cells()[a] + lat.cells()[a]) % lat.cells()[a];
      const int64_t at = ((c[2] * lat.cells()[1] + c[1]) * lat.cells()[0] + c[0]) * 1 + e.basis;
      state.push_back(state_by_hand(site[at]));
    }
    double energy = env.constant_ev;
    for (const HopEnvironmentTerm& term : env.terms) {
      int64_t code = 0;
      for (int m : term.sites) code = code * R + state[m];
      energy += term.energy_ev[code];
    }
    const double p = rate * std::exp(-energy / kT) / gamma;
    lowest = std::min(lowest, p);
    highest = std::max(highest, p);
    // Words around the threshold (up to twice it), so that every decision tells.
    const double near = p * kTwo32 * (static_cast<double>(rng() % 2000000) / 1e6);
    const uint32_t draw = static_cast<uint32_t>(std::min(near, kTwo32 - 2));
    // Away from the edge, where rounding (exp of a sum against a product of
    // exps) could tip it either way.
    if (std::fabs(p * kTwo32 - draw) < 1e-9 * kTwo32) continue;
    ++tried;
    const bool want = draw < p * kTwo32;
    const bool got_i =
        EnvironmentEnergy::accepts(view, ti.view, site.data(), nullptr, s, i, k, k, draw);
    const bool got_p =
        EnvironmentEnergy::accepts(view, tp.view, site.data(), nullptr, s, i, k, k, draw);
    ASSERT_EQ(got_i, want) << "integer form, site " << i << " slot " << k << " p " << p;
    ASSERT_EQ(got_p, want) << "product form, site " << i << " slot " << k << " p " << p;
    accepted[0] += got_i;
    accepted[1] += got_p;
  }
  EXPECT_GT(tried, 2000);
  EXPECT_GT(accepted[0], tried / 10);
  EXPECT_LT(accepted[0], tried - tried / 10);
  EXPECT_GT(highest / lowest, 2.0) << "the environment must change the rate";
}

TEST(SublatticeEnvironment, BothFormsAcceptWhatTheModelsRateSays) {
  check_both_forms(3.4, 1, 3 * 3 * 3 * 3 * 3 * 3 * 3 * 3, 1);  // first shell: 8 sites, 3 states
  check_both_forms(4.6, 0, 1 << 18, 2);  // two shells: 18 sites, ion or vacancy
}

// A per-site landscape: the product form multiplies the per-site rate in.
TEST(SublatticeEnvironment, ProductFormTakesThePerSiteRate) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {6, 6, 6});
  const HopSteps hops = make_hop_steps(lat);
  const LatticeView view = hops.view(lat);
  test::EnvironmentTestSpec spec;
  spec.cutoff_A = 3.4;
  SublatticeEnvironmentModel model = test::make_test_environment(lat, spec, 0.05);
  for (HopEnvironment& h : model.hops)  // the pair term: no energy, so a vacant shell has factor 1
    for (double& e : h.terms.back().energy_ev) e = 0;
  const SublatticeEnvironment env(lat, hops, model, false);
  ASSERT_FALSE(env.integer()) << "a per-site landscape cannot be enumerated per slot";
  std::vector<double> base;
  env.bases(std::vector<double>(lat.max_coordination(), 1.0), 1.0, base);
  std::vector<uint8_t> site(lat.num_sites(), 0);
  site[0] = 1;
  std::vector<double> site_rate(lat.num_sites() * lat.max_coordination(), 0.0);
  const EnvironmentTables t{env.entries().data(), env.begin().data(), nullptr, base.data(),
                            env.factors().data(), 0, env.radix()};
  const SiteCoord s = view.coord(0);
  // Every neighbour vacant: p = base x site rate x the vacant states' factors (all 1 here).
  site_rate[2] = 1000.0;
  EXPECT_TRUE(EnvironmentEnergy::accepts(view, t, site.data(), site_rate.data(), s, 0, 2, 2, 999));
  EXPECT_FALSE(
      EnvironmentEnergy::accepts(view, t, site.data(), site_rate.data(), s, 0, 2, 2, 1001));
  site_rate[2] = 0.0;
  EXPECT_FALSE(EnvironmentEnergy::accepts(view, t, site.data(), site_rate.data(), s, 0, 2, 2, 0));
}

void expect_refused(const Lattice& lat, const SublatticeEnvironmentModel& m, const std::string& part) {
  try {
    SublatticeEnvironment env(lat, make_hop_steps(lat), m, true);
    ADD_FAILURE() << "accepted; expected a refusal naming '" << part << "'";
  } catch (const CannotProceed& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(SublatticeEnvironment, RefusesModelsTheLatticeCannotCarry) {
  const Lattice small(make_textbook_lattice("sc", 3.0), {3, 3, 3});
  test::EnvironmentTestSpec spec;
  spec.cutoff_A = 4.6;  // reaches two cells: on 3 cells (2,0,0) is (-1,0,0) again
  expect_refused(small, test::make_test_environment(small, spec, 0.05), "same site");
  const Lattice lat(make_textbook_lattice("sc", 3.0), {6, 6, 6});
  SublatticeEnvironmentModel m = test::make_test_environment(lat, spec, 0.05);
  m.hops[1].terms[0].energy_ev.pop_back();
  expect_refused(lat, m, "needs 2^1 energies, it has 1");
  m = test::make_test_environment(lat, spec, 0.05);
  m.hops[2].terms[0].energy_ev[1] = -800.0;  // exp(16000) overflows
  expect_refused(lat, m, "overflow");
  m = test::make_test_environment(lat, spec, 0.05);
  m.hops[3].sites[0].dcell = {7, 0, 0};
  expect_refused(lat, m, "beyond the 6 cells");
  m = test::make_test_environment(lat, spec, 0.05);
  m.hosts = 63;
  expect_refused(lat, m, "at most 63");
}

TEST(SublatticeEnvironment, SolverRefusesAnInteractionBesideTheModelAndGrowsItsSpacing) {
  const Lattice lat(make_textbook_lattice("sc", 3.0), {12, 12, 12});
  test::EnvironmentTestSpec spec;
  spec.cutoff_A = 4.6;
  const SublatticeEnvironmentModel m = test::make_test_environment(lat, spec, 0.05);
  HopParameters hp;
  hp.interaction = 0.02;
  const HopModel with_j(lat, hp);
  SublatticeOptions o;
  o.environment = &m;
  try {
    SublatticeSolver solver(lat, with_j, 1, BackendKind::Cpu, o);
    ADD_FAILURE() << "J and the environment model together were accepted";
  } catch (const CannotProceed& e) {
    EXPECT_NE(std::string(e.what()).find("pair cluster"), std::string::npos) << e.what();
  }
  const HopModel plain(lat, HopParameters{});
  const SublatticeSolver bare(lat, plain, 1, BackendKind::Cpu, SublatticeOptions{});
  const SublatticeSolver env(lat, plain, 1, BackendKind::Cpu, o);
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(bare.tiling().axis[a].spacing, 3);  // hop reach 1: 1 + 1 + 1
    EXPECT_EQ(env.tiling().axis[a].spacing, 4);   // environment reach 2: 1 + 2 + 1
  }
  // The most favourable environment sets the uniformization rate.
  EXPECT_LT(env.sweep_time(), bare.sweep_time());
}

}  // namespace

namespace coatkmc {
namespace {

// The [environment] model of part A on the sublattice solver, through the
// solver factory: a nearest-neighbour site pair of ECI J is today's
// interaction J, and the integer form enumerates its rates with the host's
// own evaluation, so the trajectory is the J model's bit for bit, on the CPU
// and in the replayed device code; walkers refuse the model.
TEST(SublatticeEnvironment, NearestNeighbourPairIsTheInteractionModelBitForBit) {
  const Lattice lattice(make_textbook_lattice("sc", 3.0), {12, 10, 12});
  HopParameters with_j, plain;
  with_j.temperature = plain.temperature = 400;
  with_j.interaction = 0.043;
  const HopModel model_j(lattice, with_j), model_0(lattice, plain);
  const EnvironmentSpec spec = test::nearest_neighbour_pair_spec(3.0, 0.043);
  const EnvironmentModel env(lattice, compile_environment(lattice, spec), {}, model_0.kT());
  Occupancy occ;
  occ.fraction = 0.45;
  const SystemState start = place_ions(lattice, occ, 21, 0);
  AdvanceTarget target;
  target.hops = 4000;
  SystemState reference = start;
  make_solver("sublattice", BackendKind::Cpu, lattice, model_j, 21)->advance(reference, target);
  for (BackendKind backend : {BackendKind::Cpu, BackendKind::Replay}) {
    SolverOptions o;
    o.environment = &env;
    SystemState s = start;
    make_solver("sublattice", backend, lattice, model_0, 21, o)->advance(s, target);
    EXPECT_EQ(s.time, reference.time);
    EXPECT_EQ(s.hops, reference.hops);
    EXPECT_EQ(s.ion_site, reference.ion_site);
    EXPECT_EQ(s.travel_cells, reference.travel_cells);
  }
  EXPECT_GE(reference.hops, 4000u);
  SolverOptions o;
  o.environment = &env;
  try {
    make_solver("walkers", BackendKind::Cpu, lattice, model_0, 21, o);
    ADD_FAILURE() << "walkers took the environment model";
  } catch (const CannotProceed& e) {
    EXPECT_NE(std::string(e.what()).find("[environment]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace coatkmc
