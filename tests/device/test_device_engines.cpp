// The device code on every backend: each test body is written once and
// instantiated for the CPU launchers (cpu), the device kernel bodies replayed
// on the host with shuffled block and lane orders (replay), and the GPU
// (cuda: skipped visibly without a usable device, a failure when the build
// sets COATKMC_REQUIRE_GPU). The reference is the CPU backend on one thread.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/WalkerEngine.hpp"
#include "kmc/backend/Backend.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/microstructure/Microstructure.hpp"
#include "kmc/model/Landscape.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/solvers/SolverFactory.hpp"
#include "kmc/solvers/SublatticeSolver.hpp"
#include "kmc/solvers/WalkerBatch.hpp"
#include "kmc/solvers/WalkersSolver.hpp"
#include "kmc/state/ObservableSums.hpp"

#include "DeviceBackends.hpp"
#include "EnvironmentTestModel.hpp"

using namespace coatkmc;
using namespace coatkmc::device_tests;

namespace {

// One system on which a parallel solver runs, and the schedule of targets it
// runs through (like the driver's milestones: time targets, then hop targets).
struct Case {
  std::string name, solver, lattice;  // lattice: a textbook or oxide type
  std::array<int, 3> cells;
  double fraction = 0.5, interaction = 0, site_sigma = 0, barrier_sigma = 0;
  double ceiling = 0.25;
  std::string attempts = "poisson";
  int species = 0;        // 0: one species; 2: two species (with direct exchange)
  bool microstructure = false;
  int time_targets = 3;   // each 20 / (zmax max_rate) (about 20 sweeps / ceiling)
  double time_unit = 20;
  int hop_targets = 3;    // each `hops_per_ion` hops per ion more
  double hops_per_ion = 3;
  // The environment model (issue 16; tests/common/EnvironmentTestModel.hpp):
  // 0 none; 1 integer form, two shells of mobile sites; 2 product form;
  // 3 La host cations on the A sites of a perovskite, integer form;
  // 4 host cations on A and B sites, product form.
  int environment = 0;
};

const Case kCases[] = {
    {"sc_lattice_gas", "sublattice", "sc", {16, 12, 10}},
    {"fcc_interaction", "sublattice", "fcc", {5, 6, 4}, 0.4, 0.03, 0, 0, 0.8},
    {"bcc_disordered_one_per_ion", "sublattice", "bcc", {6, 6, 6}, 0.6, 0, 0.04, 0.02, 0.5,
     "one_per_ion"},
    {"honeycomb_interaction_one_per_site", "sublattice", "honeycomb", {10, 9, 1}, 0.5, -0.02, 0, 0,
     1.0, "one_per_site"},
    {"sc_interaction_disorder_poisson", "sublattice", "sc", {16, 16, 12}, 0.3, 0.02, 0.03, 0, 0.5},
    {"perovskite", "sublattice", "perovskite", {4, 4, 4}, 0.9, 0, 0, 0, 0.5},
    {"spinel", "sublattice", "spinel", {2, 2, 2}, 0.5, 0, 0, 0, 0.5},
    {"rocksalt_interaction", "sublattice", "rocksalt", {3, 3, 3}, 0.6, 0.02, 0, 0, 0.5},
    {"layered", "sublattice", "layered", {4, 4, 2}, 0.7, 0, 0, 0, 0.5},
    {"species_exchange", "sublattice", "honeycomb", {8, 8, 1}, 0.6, 0, 0, 0, 0.5, "poisson", 2},
    {"species_disordered", "sublattice", "bcc", {6, 5, 6}, 0.5, 0, 0.03, 0, 0.5, "poisson", 2},
    {"microstructure", "sublattice", "sc", {20, 20, 20}, 0.4, 0, 0, 0, 0.5, "poisson", 0, true,
     1, 20, 1, 2},
    {"sc_48_cubed", "sublattice", "sc", {48, 48, 48}, 0.5, 0, 0, 0, 0.5, "poisson", 0, false, 1,
     2, 1, 0.2},
    // Tiles 24 x 24 x 10 cells: 8 x 8 x 4 = 256 class members per tile, more
    // than a block's 224 threads, so each site class runs in two scan/visit rounds.
    {"sc_two_rounds", "sublattice", "sc", {95, 95, 40}, 0.5, 0, 0, 0, 0.5, "poisson", 0, false, 1,
     2, 1, 0.2},
    {"walkers_sc_disordered", "walkers", "sc", {12, 12, 12}, 0.3, 0, 0.05, 0.03},
    {"walkers_fcc_full", "walkers", "fcc", {4, 4, 4}, 1.0},
    {"walkers_spinel", "walkers", "spinel", {2, 2, 2}, 0.2},
    {"walkers_bcc_48_cubed", "walkers", "bcc", {48, 48, 48}, 0.1, 0, 0.02, 0, 0.25, "", 0, false,
     1, 3, 1, 2},
    // The environment model: 64^3 makes 16-cell tiles, 64 members per site
    // class at spacing 4 (two warps per block).
    {"sc_environment_64_cubed", "sublattice", "sc", {64, 64, 64}, 0.5, 0, 0, 0, 0.5, "poisson", 0,
     false, 1, 2, 1, 0.2, 1},
    {"sc_environment_product_disordered", "sublattice", "sc", {20, 20, 20}, 0.4, 0, 0.03, 0, 0.5,
     "poisson", 0, false, 3, 20, 3, 3, 2},
    {"perovskite_environment_la_64_cubed", "sublattice", "perovskite", {64, 64, 64}, 0.3, 0, 0, 0,
     0.5, "poisson", 0, false, 1, 2, 1, 0.2, 3},
    {"perovskite_environment_hosts_one_per_ion", "sublattice", "perovskite", {12, 12, 12}, 0.4, 0,
     0, 0, 0.5, "one_per_ion", 0, false, 3, 20, 3, 3, 4},
    {"species_environment_one_per_site", "sublattice", "bcc", {10, 10, 10}, 0.5, 0, 0, 0, 0.5,
     "one_per_site", 2, false, 3, 20, 3, 3, 1},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// A case by name (an index into kCases goes stale when a case is added).
const Case& case_named(const std::string& name) {
  for (const Case& c : kCases)
    if (c.name == name) return c;
  throw std::invalid_argument("no test case " + name);
}

bool is_oxide(const std::string& type) {
  for (const std::string& n : oxide_lattice_names())
    if (n == type) return true;
  return false;
}

// Lattice, model, species and the placed state of a case.
struct Built {
  Lattice lattice;
  std::optional<HopModel> model;
  std::optional<SpeciesRates> species;
  std::optional<SublatticeEnvironmentModel> environment;
  SystemState initial;
  HopParameters hop;

  explicit Built(const Case& c)
      : lattice(is_oxide(c.lattice) ? make_oxide_lattice(c.lattice, OxideOptions{})
                                    : make_textbook_lattice(c.lattice, 3.0),
                c.cells) {
    hop.temperature = 500;
    hop.interaction = c.interaction;
    hop.field = {1e5, 0, 0};
    std::vector<double> site_energy, bond_barrier;
    std::vector<uint8_t> blocked;
    if (c.microstructure) {
      MicrostructureSettings m;
      m.type = "polycrystalline";
      m.seed = 3;
      m.grain_size = 20;
      m.boundary_width = 4;
      m.grain_barrier = 0.5;
      m.boundary_barrier = 0.25;
      m.boundary_energy = -0.05;
      SiteMap map = build_microstructure(lattice, m, hop.barrier);
      site_energy = std::move(map.site_energy);
      bond_barrier = std::move(map.bond_barrier);
      blocked = std::move(map.blocked);
    } else {
      LandscapeSettings land;
      land.site_energy_sigma = c.site_sigma;
      land.barrier_sigma = c.barrier_sigma;
      land.seed = 3;
      Landscape l = draw_landscape(lattice, land);
      site_energy = std::move(l.site_energy);
      bond_barrier = std::move(l.bond_barrier);
    }
    model.emplace(lattice, hop, std::move(site_energy), std::move(bond_barrier));
    if (c.environment > 0) {
      test::EnvironmentTestSpec e;
      e.species = c.species > 0 ? c.species : 1;
      if (c.lattice == "sc") e.cutoff_A = 4.6;  // two shells around the midpoint of a 3 A hop
      if (c.lattice == "bcc") e.cutoff_A = 3.0;
      if (c.environment == 2 || c.environment == 4) e.max_codes_per_slot = 0;
      if (c.environment == 3) {  // La on 30 % of the A sites, the A sites' first shell
        e.cutoff_A = 4.5;
        e.hosts = 1;
        e.host_fraction = {0.3};
      }
      if (c.environment == 4) {  // La on A, two cations on every B site, both in the environment
        e.cutoff_A = 5.9;
        e.hosts = 3;
        e.basis = {0, 1};
        e.host_fraction = {0.2, 1.0};
      }
      environment.emplace(test::make_test_environment(lattice, e, model->kT()));
      blocked = test::host_sites(*environment);
    }
    Occupancy occ;
    occ.fraction = c.fraction;
    initial = place_ions(lattice, occ, 21, 2, blocked);
    if (c.species > 0) {
      SpeciesSettings s;
      const int64_t ions = initial.num_ions();
      s.species.push_back({"P", 0, ions / 2, 0.30, {}});
      s.species.push_back({"Q", 0, ions - ions / 2, 0.34, {}});
      s.exchange.push_back({0, 1, 0.31});
      species.emplace(lattice, hop, s);
      assign_species(initial, {ions / 2, ions - ions / 2}, 21);
    }
  }

  std::unique_ptr<Solver> solver(const Case& c, BackendKind backend, int threads,
                                 uint64_t shuffle) const {
    if (c.solver == "walkers") {
      // WalkersSolver keeps the replay's default shuffle; a different seed is
      // exercised through WalkerBatch below.
      return std::make_unique<WalkersSolver>(lattice, *model, 99, backend, threads);
    }
    SublatticeOptions o;
    o.acceptance_ceiling = c.ceiling;
    o.rule = sublattice_attempt_rule(c.attempts);
    o.threads = threads;
    o.species = species ? &*species : nullptr;
    o.environment = environment ? &*environment : nullptr;
    o.replay_shuffle = shuffle;
    return std::make_unique<SublatticeSolver>(lattice, *model, 99, backend, o);
  }
};

// The schedule's targets from `first` (inclusive) to `last` (exclusive);
// time targets first.
void run_schedule(const Case& c, const Built& b, Solver& solver, SystemState& state, int first,
                  int last) {
  const double unit =
      c.time_unit / (b.lattice.max_coordination() * b.model->max_rate());
  for (int m = first; m < last; ++m) {
    AdvanceTarget t;
    if (m < c.time_targets) {
      t.time = (m + 1) * unit;
    } else {
      t.hops = state.hops + static_cast<uint64_t>(c.hops_per_ion * state.num_ions());
    }
    solver.advance(state, t);
  }
}

SystemState run_case(const Case& c, const Built& b, BackendKind backend, int threads,
                     uint64_t shuffle = 0x5eed) {
  SystemState state = b.initial;
  auto solver = b.solver(c, backend, threads, shuffle);
  run_schedule(c, b, *solver, state, 0, c.time_targets + c.hop_targets);
  return state;
}

// Positions, travel records, counters and clocks bit for bit.
void expect_same_trajectory(const SystemState& a, const SystemState& b) {
  EXPECT_EQ(a.ion_site, b.ion_site);
  EXPECT_EQ(a.site_ion, b.site_ion);
  EXPECT_EQ(a.travel_cells, b.travel_cells);
  EXPECT_EQ(a.hops_by_length, b.hops_by_length);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.rng_step, b.rng_step);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.sum_hop_length_sq, b.sum_hop_length_sq);
  ASSERT_EQ(a.displacement.size(), b.displacement.size());
  for (size_t i = 0; i < a.displacement.size(); ++i) {
    ASSERT_EQ(a.displacement[i].x, b.displacement[i].x) << "ion " << i;
    ASSERT_EQ(a.displacement[i].y, b.displacement[i].y) << "ion " << i;
    ASSERT_EQ(a.displacement[i].z, b.displacement[i].z) << "ion " << i;
  }
}

class DeviceEngines : public PerBackend<std::tuple<BackendParam, Case>> {};

// Against the CPU launcher on one thread: the same trajectory bit for bit,
// and the ions really moved.
TEST_P(DeviceEngines, SameTrajectoryAsTheCpuReference) {
  const auto& [backend, c] = GetParam();
  const Built b(c);
  const SystemState reference = run_case(c, b, BackendKind::Cpu, 1);
  const SystemState other = run_case(c, b, backend.kind, 2);
  expect_same_trajectory(reference, other);
  EXPECT_GT(reference.hops, static_cast<uint64_t>(reference.num_ions()) / 4);
}

// A run stopped half way and resumed from its state (what a checkpoint
// holds) on this backend equals the CPU run that never stopped; and one
// stopped on this backend resumes on the CPU.
TEST_P(DeviceEngines, ResumedMidRunOnAnotherBackend) {
  const auto& [backend, c] = GetParam();
  const Built b(c);
  const int all = c.time_targets + c.hop_targets, half = (all + 1) / 2;
  const SystemState reference = run_case(c, b, BackendKind::Cpu, 1);
  for (int way = 0; way < 2; ++way) {
    const BackendKind first = way == 0 ? BackendKind::Cpu : backend.kind;
    const BackendKind second = way == 0 ? backend.kind : BackendKind::Cpu;
    SystemState state = b.initial;
    {
      auto s = b.solver(c, first, 2, 0x5eed);
      run_schedule(c, b, *s, state, 0, half);
    }
    SystemState restored = state;  // a fresh solver binds it, as after a restart
    auto s = b.solver(c, second, 2, 0x5eed);
    run_schedule(c, b, *s, restored, half, all);
    SCOPED_TRACE(way == 0 ? "cpu then this backend" : "this backend then cpu");
    expect_same_trajectory(reference, restored);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DeviceEngines,
                         ::testing::Combine(::testing::ValuesIn(kBackends),
                                            ::testing::ValuesIn(kCases)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) + "_" +
                                  std::get<1>(info.param).name;
                         });

// Milestone sums reduced where the engine keeps its state (Thrust on the CPP
// system for cpu and replay, on CUDA for cuda) against the host reference
// reduce_observables() over the state the solver hands back: two marks (the
// window's start, a block's start), several species, a slab binning and a
// binning with sites in no bin, every textbook-case kind and walkers.
ObservableLayout test_layout(const Case& c, const Lattice& lattice) {
  ObservableLayout layout;
  layout.species = c.species;
  SiteBinning slabs, scattered;
  const int nz = lattice.cells()[2], per_layer = lattice.cells()[0] * lattice.cells()[1];
  slabs.bins = std::min(3, nz);
  scattered.bins = 5;
  for (int64_t s = 0; s < lattice.num_sites(); ++s) {
    const int z = static_cast<int>(s / lattice.basis_size() / per_layer);
    slabs.bin_of_site.push_back(z * slabs.bins / nz);
    scattered.bin_of_site.push_back(s % 7 == 3 ? -1 : static_cast<int32_t>((s * 7919) % 5));
  }
  layout.binnings = {slabs, scattered};
  return layout;
}

void expect_same_sums(const AxisSums& ref, const AxisSums& got, bool exact, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(ref.ions, got.ions);
  auto same = [&](double a, double b) {
    if (exact)
      EXPECT_EQ(a, b);
    else  // the GPU adds the same terms in another order
      EXPECT_NEAR(a, b, 1e-12 * (std::fabs(a) + 1.0));
  };
  for (int a = 0; a < 3; ++a) {
    same(ref.r2[a], got.r2[a]);
    same(ref.r[a], got.r[a]);
  }
  same(ref.r2_total, got.r2_total);
}

void expect_same_sums(const ObservableSums& ref, const ObservableSums& got, bool exact) {
  EXPECT_EQ(ref.duration, got.duration);
  EXPECT_EQ(ref.hops, got.hops);
  EXPECT_EQ(ref.attempts, got.attempts);
  EXPECT_EQ(ref.sum_hop_length_sq, got.sum_hop_length_sq);
  EXPECT_EQ(ref.hops_by_length, got.hops_by_length);
  expect_same_sums(ref.all, got.all, exact, "all ions");
  ASSERT_EQ(ref.species.size(), got.species.size());
  for (size_t q = 0; q < ref.species.size(); ++q)
    expect_same_sums(ref.species[q], got.species[q], exact, "species " + std::to_string(q));
  ASSERT_EQ(ref.binnings.size(), got.binnings.size());
  for (size_t k = 0; k < ref.binnings.size(); ++k) {
    EXPECT_EQ(ref.binnings[k].ions_now, got.binnings[k].ions_now) << "binning " << k;
    ASSERT_EQ(ref.binnings[k].by_start_bin.size(), got.binnings[k].by_start_bin.size());
    for (size_t bin = 0; bin < ref.binnings[k].by_start_bin.size(); ++bin)
      expect_same_sums(ref.binnings[k].by_start_bin[bin], got.binnings[k].by_start_bin[bin], exact,
                       "binning " + std::to_string(k) + " bin " + std::to_string(bin));
  }
}

class EngineWindowSums : public DeviceEngines {};

TEST_P(EngineWindowSums, EqualTheHostReference) {
  const auto& [backend, c] = GetParam();
  const Built b(c);
  const ObservableLayout layout = test_layout(c, b.lattice);
  SystemState state = b.initial;
  auto solver = b.solver(c, backend.kind, 2, 0x5eed);
  solver->set_observable_layout(layout);
  const int all = c.time_targets + c.hop_targets, half = (all + 1) / 2;
  run_schedule(c, b, *solver, state, 0, 1);
  solver->mark_window(state, 0);
  const ObservableMark start = ObservableMark::of(state);
  run_schedule(c, b, *solver, state, 1, half);
  solver->mark_window(state, 1);
  const ObservableMark block = ObservableMark::of(state);
  run_schedule(c, b, *solver, state, half, all);
  const bool exact = backend.kind != BackendKind::Cuda;
  const ObservableSums whole = reduce_observables(state, start, layout);
  {
    SCOPED_TRACE("window from mark 0");
    expect_same_sums(whole, solver->reduce_window(state, 0), exact);
  }
  {
    SCOPED_TRACE("window from mark 1");
    expect_same_sums(reduce_observables(state, block, layout), solver->reduce_window(state, 1),
                     exact);
  }
  // Not a vacuous comparison: ions moved and both binnings group them.
  EXPECT_EQ(whole.all.ions, state.num_ions());
  EXPECT_GT(whole.all.r2_total, 0.0);
  EXPECT_GE(std::count_if(whole.binnings[1].by_start_bin.begin(),
                          whole.binnings[1].by_start_bin.end(),
                          [](const AxisSums& s) { return s.ions > 0; }),
            2);
  if (c.species > 0) EXPECT_GT(whole.species[1].ions, 0);
}

// A mark restored from the host (a run resumed from a checkpoint) gives the
// window the engine's own mark gives.
TEST_P(EngineWindowSums, RestoredMarkEqualsTheEngineMark) {
  const auto& [backend, c] = GetParam();
  const Built b(c);
  const ObservableLayout layout = test_layout(c, b.lattice);
  SystemState state = b.initial;
  auto solver = b.solver(c, backend.kind, 2, 0x5eed);
  solver->set_observable_layout(layout);
  run_schedule(c, b, *solver, state, 0, 1);
  solver->mark_window(state, 0);
  const ObservableMark mark = ObservableMark::of(state);
  run_schedule(c, b, *solver, state, 1, 2);
  solver->restore_mark(state, 1, mark);
  expect_same_sums(solver->reduce_window(state, 0), solver->reduce_window(state, 1), true);
}

// The state resident in the engine: between milestones the solver reads no
// host copy of the ions (they are overwritten with garbage here after every
// advance), the milestone sums come from the engine, and sync() hands back the
// state of the run that downloaded after every advance, bit for bit.
TEST_P(EngineWindowSums, ResidentStateNeedsNoHostCopyBetweenMilestones) {
  const auto& [backend, c] = GetParam();
  const Built b(c);
  const ObservableLayout layout = test_layout(c, b.lattice);
  const int all = c.time_targets + c.hop_targets;
  // Reference: the state downloaded after every advance, sums on the host.
  SystemState ref = b.initial;
  std::vector<ObservableSums> ref_sums;
  {
    auto solver = b.solver(c, BackendKind::Cpu, 1, 0x5eed);
    ObservableMark start;
    for (int m = 0; m < all; ++m) {
      run_schedule(c, b, *solver, ref, m, m + 1);
      if (m == 0) start = ObservableMark::of(ref);
      if (m > 0) ref_sums.push_back(reduce_observables(ref, start, layout));
    }
  }
  SystemState state = b.initial;
  auto solver = b.solver(c, backend.kind, 2, 0x5eed);
  solver->set_observable_layout(layout);
  solver->keep_state_on_engine(true);
  const bool exact = backend.kind != BackendKind::Cuda;
  for (int m = 0; m < all; ++m) {
    run_schedule(c, b, *solver, state, m, m + 1);
    if (m == 0) solver->mark_window(state, 0);
    if (m > 0) {
      SCOPED_TRACE("milestone " + std::to_string(m));
      expect_same_sums(ref_sums[m - 1], solver->reduce_window(state, 0), exact);
    }
    // Whatever the host holds of the ions now must not matter.
    std::fill(state.ion_site.begin(), state.ion_site.end(), 0);
    if (c.solver == "sublattice") {  // walkers keep the initial placement there, never read
      std::fill(state.site_ion.begin(), state.site_ion.end(), 7);
      std::fill(state.occupied.begin(), state.occupied.end(), 1);
    }
    std::fill(state.travel_cells.begin(), state.travel_cells.end(), 99);
    std::fill(state.displacement.begin(), state.displacement.end(), Vec3{1e9, -1e9, 3});
  }
  solver->sync(state);
  expect_same_trajectory(ref, state);
  if (c.solver == "sublattice") EXPECT_EQ(ref.site_ion, state.site_ion);
}

bool reduced_case(const Case& c) {
  for (const char* n : {"sc_lattice_gas", "fcc_interaction", "layered", "species_exchange",
                        "species_disordered", "microstructure", "walkers_sc_disordered",
                        "walkers_spinel", "sc_environment_product_disordered"})
    if (c.name == n) return true;
  return false;
}

std::vector<Case> reduced_cases() {
  std::vector<Case> out;
  for (const Case& c : kCases)
    if (reduced_case(c)) out.push_back(c);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Backends, EngineWindowSums,
                         ::testing::Combine(::testing::ValuesIn(kBackends),
                                            ::testing::ValuesIn(reduced_cases())),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) + "_" +
                                  std::get<1>(info.param).name;
                         });

// Many rounds per launch (WalkerBatch::advance_rounds: every walker runs all
// the launch's rounds, no gate between them) give, bit for bit, the
// trajectory of one round per call through the same round ends, however the
// rounds are grouped into launches (1, 7, 32 and kMaxRounds rounds).
class WalkerRounds : public PerBackend<BackendParam> {};

TEST_P(WalkerRounds, ManyRoundsPerLaunchEqualOneRoundPerCall) {
  const Case& c = case_named("walkers_sc_disordered");
  const Built b(c);
  // The solver's grid: about one hop per walker per round.
  const double tau = WalkersSolver(b.lattice, *b.model, 99, BackendKind::Cpu).round_time();
  const std::vector<size_t> launches = {1, 7, 32, WalkerEngine::kMaxRounds};
  std::vector<double> ends;
  for (size_t r = 1; r <= 1 + 7 + 32 + WalkerEngine::kMaxRounds; ++r) ends.push_back(r * tau);
  SystemState single = b.initial, several = b.initial;
  WalkerBatch one(b.lattice, BackendKind::Cpu, 1), many(b.lattice, GetParam().kind, 2);
  one.add_group(*b.model, 99, single);
  many.add_group(*b.model, 99, several);
  for (double e : ends) one.advance_to({e});
  size_t at = 0;
  for (size_t rounds : launches) {
    const uint64_t before = several.hops;
    const std::vector<double> part(ends.begin() + at, ends.begin() + at + rounds);
    const uint64_t hops = many.advance_rounds(part);
    EXPECT_EQ(hops, several.hops - before);
    at += rounds;
  }
  ASSERT_EQ(at, ends.size());
  expect_same_trajectory(single, several);
  EXPECT_EQ(several.rng_step, ends.size());
  EXPECT_EQ(several.time, ends.back());
  EXPECT_GT(several.hops, static_cast<uint64_t>(several.num_ions()) * 10);
}

INSTANTIATE_TEST_SUITE_P(Backends, WalkerRounds, ::testing::ValuesIn(kBackends),
                         [](const auto& info) { return std::string(info.param.name); });

// The replay under other block and lane orders and thread counts: the same
// trajectory (members of a class and tiles of a parity class are independent).
class ReplayOrders : public ::testing::TestWithParam<Case> {};

TEST_P(ReplayOrders, SameTrajectoryWhateverTheBlockAndLaneOrders) {
  const Case& c = GetParam();
  const Built b(c);
  const SystemState natural = run_case(c, b, BackendKind::Replay, 1, 0);
  const SystemState shuffled = run_case(c, b, BackendKind::Replay, 3, 0xabcdef);
  expect_same_trajectory(natural, shuffled);
}

INSTANTIATE_TEST_SUITE_P(Cases, ReplayOrders,
                         ::testing::Values(kCases[0], kCases[1], kCases[4], kCases[9]),
                         [](const auto& info) { return info.param.name; });

// The shuffled cases above really run several blocks of a launch at once
// (what ThreadSanitizer watches in `make tsan-device-test`).
TEST(ReplayOrders, ShuffledCasesRunSeveralBlocksPerLaunch) {
  for (const Case& c : {kCases[0], kCases[4]}) {
    const Built b(c);
    SublatticeOptions o;
    o.acceptance_ceiling = c.ceiling;
    const SublatticeSolver solver(b.lattice, *b.model, 1, BackendKind::Replay, o);
    EXPECT_GE(solver.tiling().tiles_per_parity, 2) << c.name;
  }
}

TEST(ReplayOrders, WalkerBatchSameWhateverTheBlockAndLaneOrders) {
  const Case& c = case_named("walkers_sc_disordered");
  const Built b(c);
  std::vector<SystemState> states;
  for (uint64_t seed : {0, 77}) {
    SystemState st = b.initial;
    WalkerBatch batch(b.lattice, BackendKind::Replay, seed ? 3 : 1);
    batch.set_replay_shuffle(seed);
    batch.add_group(*b.model, 99, st);
    const double unit = 5.0 / (b.lattice.max_coordination() * b.model->max_rate());
    for (int m = 1; m <= 4; ++m) batch.advance_to({m * unit});
    states.push_back(st);
  }
  expect_same_trajectory(states[0], states[1]);
  EXPECT_GT(states[0].hops, 0u);
}

}  // namespace
