#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kmc/lattice/LatticeDescription.hpp"
#include "kmc/microstructure/Microstructure.hpp"
#include "kmc/model/EnvironmentSpec.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/model/Landscape.hpp"
#include "kmc/model/SpeciesModel.hpp"
#include "kmc/solvers/SublatticeDefaults.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

struct KnownHops;  // kmc/lattice/Lattice.hpp

// Everything the engine needs for one run, already validated. host/config
// builds it from TOML; tests and benchmarks build it directly.
struct SimulationSettings {
  LatticeDescription lattice;
  std::array<int, 3> cells{8, 8, 8};
  // The hops of `lattice` as the configuration reader's geometry check found
  // them, for the hop network, the memory estimate and the run's Lattice: one
  // search instead of one in each. Used only while `lattice` is still the
  // description they were found for (hops_if_known compares); null: searched
  // where needed.
  std::shared_ptr<const KnownHops> hops;
  Occupancy occupancy;
  // Several ion species on the mobile sublattice (their counts replace
  // `occupancy`) and direct exchanges between them; inactive: one species.
  SpeciesSettings species;
  HopParameters hop;
  std::vector<double> site_energy;  // empty, or one value (eV) per site
  LandscapeSettings landscape;      // drawn when disordered and site_energy is empty
  // Grains, boundaries, phases, blocked sites (docs/structures.md); when active
  // it replaces the landscape and supplies site energies, bond barriers and blocked sites.
  MicrostructureSettings microstructure;
  // The local-environment energy model ([environment], docs/environment.md):
  // cluster expansions of E_KRA and the site energies, NEB tables, immobile
  // species. Inactive: none.
  EnvironmentSpec environment;
  // Slabs along the third lattice vector for D and occupancy profiles (0: none).
  int slabs = 0;

  // Stop after this many accepted hops per ion on average, or at `time` (s) when > 0.
  double hops_per_particle = 100;
  double time = 0;
  double equilibration_hops_per_particle = 0;

  int blocks = 10;        // independent blocks per replica for standard errors
  int msd_samples = 100;  // rows of msd.csv per replica
  // Frames of the ion trajectory after the window's start (0: none), at every
  // (msd_samples / trajectory_samples)-th MSD instant: a divisor of msd_samples.
  int trajectory_samples = 0;
  std::string trajectory_format = "extxyz";  // "extxyz" | "h5md" (host/io/TrajectoryWriter)
  int replicas = 1;       // independent systems (own placement and random stream)
  int threads = 1;        // replicas run side by side on this many threads
  uint64_t seed = 1;
  std::string solver = "bkl";
  std::string backend = "cpu";
  // run.checkpoint: when the host writes DIR/checkpoint.ckpt (end | periodic |
  // none; docs/checkpoints.md). The engine only sees it as RunControl/RunKeeping.
  std::string checkpoint = "end";
  // Sublattice solver: largest acceptance probability (max rate / gamma), and
  // what a site visit does (poisson | one_per_ion | one_per_site); see
  // docs/parallel-solvers.md.
  double acceptance_ceiling = kDefaultAcceptanceCeiling;
  std::string sublattice_attempts = "poisson";
  // Its classes: "tiles", "lattice" (the lattice-wide rule of
  // kernels/SublatticeLatticeRule.hpp) or "auto" (lattice where it applies).
  std::string sublattice_class_rule = "tiles";
};

}  // namespace coatkmc
