#pragma once
// Shared set-up of the environment-model validation tests (issue 16): one
// Hamiltonian written once as decorated clusters on the A sites of the cubic
// perovskite, handed to the engine as coefficient entries and to the
// independent reference (EnvironmentReference.hpp) as cubic orbits; the map
// from the engine's sites to the reference's grid; and equilibrium sampling of
// a solver at fixed time intervals.
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "EnvironmentReference.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/simulation/RunPlan.hpp"
#include "kmc/simulation/SimulationSettings.hpp"
#include "kmc/solvers/Solver.hpp"

namespace coatkmc::validation {

namespace ref = envref;

constexpr double kPerovskiteA = 3.87;  // Å, LLTO's A-A distance

// A decorated cluster: offsets (units of a) on the A grid and the occupant of
// each site. For a KRA term the hop runs from (0,0,0) to (1,0,0).
struct DecoratedCluster {
  std::vector<ref::Offset> offsets;
  std::vector<uint8_t> occupants;
  double eci_eV = 0;
};

inline std::string occupant_name(uint8_t o) {
  if (o == ref::kLi) return "Li";
  if (o == ref::kLa) return "La";
  throw std::invalid_argument("no name for a vacancy in a cluster");
}

inline ClusterCoefficient engine_coefficient(const DecoratedCluster& c, bool kra) {
  ClusterCoefficient e;
  if (kra) {
    e.hop_from = Vec3{0, 0, 0};
    e.hop_to = Vec3{1, 0, 0};
  }
  for (size_t j = 0; j < c.offsets.size(); ++j) {
    e.sites.push_back(Vec3{double(c.offsets[j][0]), double(c.offsets[j][1]), double(c.offsets[j][2])});
    e.species.push_back(occupant_name(c.occupants[j]));
  }
  e.eci_eV = c.eci_eV;
  e.where = kra ? "/kra" : "/site";
  return e;
}

// The reference's form of the same site terms: every decorated cluster of
// each orbit once.
inline std::vector<ref::ClusterShape> reference_shapes(const std::vector<DecoratedCluster>& site) {
  std::vector<ref::ClusterShape> out;
  for (const DecoratedCluster& c : site) {
    const std::vector<ref::ClusterShape> orbit = ref::cubic_orbit({c.offsets, c.occupants, c.eci_eV});
    out.insert(out.end(), orbit.begin(), orbit.end());
  }
  return out;
}

// Settings of a run on the cubic perovskite with Li on the A sites, La frozen
// on them layer by layer along c (fractions `la_layers`, repeating) and the
// given environment terms.
inline SimulationSettings perovskite_environment_settings(std::array<int, 3> cells,
                                                          std::vector<double> la_layers,
                                                          const std::vector<DecoratedCluster>& site,
                                                          const std::vector<DecoratedCluster>& kra,
                                                          double temperature, uint64_t seed) {
  SimulationSettings s;
  OxideOptions o;
  o.a = kPerovskiteA;
  s.lattice = make_oxide_lattice("perovskite", o);
  s.cells = cells;
  s.hop.barrier = 0.30;
  s.hop.attempt_frequency = 1e13;
  s.hop.temperature = temperature;
  s.seed = seed;
  s.solver = "bkl";
  s.backend = "cpu";
  s.threads = 2;
  s.msd_samples = 1;
  EnvironmentSpec& e = s.environment;
  e.active = true;
  e.mobile = {"Li"};
  // Cutoffs just above the farthest site any term uses: a sqrt(2) between two
  // sites of a site cluster, a sqrt(5)/2 from a window's centre to its eight
  // A-site neighbours.
  e.site_cutoff_A = 1.01 * std::sqrt(2.0) * kPerovskiteA;
  e.site_max_sites = 3;
  e.kra_cutoff_A = 1.01 * std::sqrt(1.25) * kPerovskiteA;
  e.kra_max_sites = 4;
  if (!la_layers.empty()) {
    ImmobileSpec la;
    la.name = "La";
    la.sublattice = "A";
    la.fraction = la_layers.front();
    la.layers = la_layers;
    la.where = "environment.immobile[1]";
    e.immobile.push_back(la);
  }
  e.coefficients.path = "test coefficients";
  for (const DecoratedCluster& c : site) e.coefficients.site.push_back(engine_coefficient(c, false));
  for (const DecoratedCluster& c : kra) e.coefficients.kra.push_back(engine_coefficient(c, true));
  return s;
}

// The engine's A sites on the reference grid (the A site of cell (i, j, k) is
// grid site (i, j, k)), and back.
struct GridMap {
  ref::Grid grid;
  std::vector<int64_t> engine_site;  // per grid site
};

inline GridMap grid_map(const Lattice& lattice) {
  GridMap m;
  m.grid = {lattice.cells()[0], lattice.cells()[1], lattice.cells()[2]};
  m.engine_site.assign(m.grid.size(), -1);
  for (int64_t s = 0; s < lattice.num_sites(); ++s) {
    if (!lattice.is_host(s)) continue;
    const Vec3 p = lattice.position(s);
    const int x = static_cast<int>(std::lround(p.x / kPerovskiteA));
    const int y = static_cast<int>(std::lround(p.y / kPerovskiteA));
    const int z = static_cast<int>(std::lround(p.z / kPerovskiteA));
    const int g = m.grid.index(x, y, z);
    if (m.engine_site[g] != -1) throw std::logic_error("two A sites on one grid site");
    m.engine_site[g] = s;
  }
  for (int64_t s : m.engine_site)
    if (s < 0) throw std::logic_error("a grid site without an A site");
  return m;
}

// The reference's occupation array of an engine state: La where the
// environment fixed it, Li where an ion sits.
inline std::vector<uint8_t> reference_occupation(const GridMap& m, const RunWorld& world,
                                                 const SystemState& state) {
  const std::vector<uint8_t>& fixed = world.environment->fixed_occupant();
  std::vector<uint8_t> occ(m.grid.size(), ref::kVacancy);
  for (int g = 0; g < m.grid.size(); ++g) {
    const int64_t s = m.engine_site[g];
    if (!fixed.empty() && fixed[s] != 0) occ[g] = ref::kLa;
    if (state.occupied[s]) occ[g] = ref::kLi;
  }
  return occ;
}

// Site classes: open sites of the even (La-rich) layers 0, of the odd ones 1.
inline std::vector<int> layer_classes(const ref::Grid& g, const std::vector<uint8_t>& frame) {
  std::vector<int> c(g.size(), -1);
  for (int i = 0; i < g.size(); ++i)
    if (frame[i] != ref::kLa) c[i] = g.coords(i)[2] % 2;
  return c;
}

// Samples `solver` in equilibrium: after `burn_hops_per_ion` hops per ion, a
// sample every `hops_between` hops per ion on average, at fixed time intervals
// (the state at a fixed time is distributed as the stationary measure; the
// state after a fixed number of hops is not).
inline ref::ObservableBatches sample_kmc(Solver& solver, SystemState& state, const GridMap& m,
                                         const RunWorld& world, const std::vector<int>& classes,
                                         int nclasses, double burn_hops_per_ion, double hops_between,
                                         int batches, int per_batch) {
  const double ions = static_cast<double>(state.num_ions());
  AdvanceTarget burn;
  burn.hops = state.hops + static_cast<uint64_t>(burn_hops_per_ion * ions);
  solver.advance(state, burn);
  // Mean hop rate of the whole box from the burn-in (hops per second).
  const double rate = static_cast<double>(state.hops) / state.time;
  const double interval = hops_between * ions / rate;
  ref::ObservableBatches out(nclasses, batches, per_batch);
  while (!out.full()) {
    AdvanceTarget t;
    t.time = state.time + interval;
    solver.advance(state, t);
    out.add(ref::measure(m.grid, reference_occupation(m, world, state), classes, nclasses));
  }
  return out;
}

}  // namespace coatkmc::validation
