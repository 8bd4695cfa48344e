#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"

namespace coatkmc {

// What a region of a coating is made of. Each phase has its own migration
// barrier, site-energy offset and disorder (MicrostructureSettings).
enum class Phase : uint8_t {
  Crystal = 0,    // grains: the perfect lattice
  Boundary = 1,   // grain-boundary / amorphous-crystal interface shell
  Amorphous = 2,  // amorphous matrix or glassy phase: Gaussian disorder
};
const char* phase_name(Phase p);

struct LayerSettings;

// The microstructure of [microstructure] (docs/structures.md). Barriers are
// absolute (eV); a value < 0 means "the bare hop.barrier".
struct MicrostructureSettings {
  // none | crystalline | amorphous | polycrystalline | composite | annealed | multilayer
  std::string type = "none";
  uint64_t seed = 1;

  // Any type: sites no ion may enter (La on the A sites of LLTO, pinned
  // dopants), drawn independently with a probability per host sublattice;
  // and point defects, host sites with an extra site energy (traps).
  std::vector<std::string> blocked_sublattices;  // empty: every host sublattice
  std::vector<double> blocked_fractions;         // one value, or one per blocked sublattice
  double defect_fraction = 0;
  double defect_energy = 0;  // eV

  // Crystal grains.
  double grain_barrier = -1;
  // Amorphous phase (everywhere for "amorphous", the glass of "composite",
  // the untransformed matrix of "annealed").
  double amorphous_barrier = -1;
  double amorphous_energy = 0;   // eV offset of the mean site energy
  double site_energy_sigma = 0;  // eV, Gaussian site energies
  double barrier_sigma = 0;      // eV, standard deviation of the bond barriers
  // Shape of the bond-barrier spread: "gaussian"; "uniform", a box of half
  // width sqrt(3) sigma (the classic random-barrier model); "bimodal", +-sigma
  // with probability 1/2 each (a random two-phase bond mixture).
  std::string barrier_distribution = "gaussian";
  // Voronoi grains: mean grain size (Å, the cube root of the volume per
  // grain) and a boundary shell of total width boundary_width (Å) around
  // every boundary plane, with its own barrier and site-energy offset.
  double grain_size = 0;
  double boundary_width = 0;
  double boundary_barrier = -1;
  double boundary_energy = 0;
  // Space charge: grain sites get space_charge_energy * exp(-x / debye_length),
  // x the distance (Å) from the edge of the boundary shell.
  double space_charge_energy = 0;
  double debye_length = 0;
  // composite: volume fraction of the glassy phase between the ceramic grains.
  double glass_fraction = 0;
  // annealed: JMAK crystallization X = 1 - exp(-(k t)^n), k = k0 exp(-E/kT),
  // nuclei spaced grain_size apart growing as spheres until they fill X; the
  // spacing coarsens as d^2 = grain_size^2 + g0 exp(-Eg/kT) t.
  double anneal_temperature = 0;  // K
  double anneal_time = 0;         // s
  double avrami_exponent = 3;
  double crystallization_rate = 0;    // k0, 1/s
  double crystallization_energy = 0;  // eV
  double grain_growth_rate = 0;       // g0, Å^2/s
  double grain_growth_energy = 0;     // eV

  // type "multilayer": layers stacked along the third lattice vector, each
  // with its own microstructure (MultilayerSettings below), bottom first.
  std::vector<LayerSettings> layers;

  bool active() const { return type != "none"; }
};

// One layer of a multilayer stack (coating | interphase | cathode ...). All
// layers share the lattice; each has its own microstructure and a site-energy
// offset (the step in the ions' chemical potential between materials), and
// bonds across its top interface get an extra barrier.
struct LayerSettings {
  std::string name;
  int cells = 1;                 // thickness in cells along the third lattice vector
  double energy = 0;             // eV added to every site energy of the layer
  double interface_barrier = 0;  // eV added to bonds across the interface to the next layer up
  MicrostructureSettings microstructure;  // its type ("none": the perfect lattice) and keys
};

// JMAK crystallized fraction and coarsened nucleus spacing (Å) of an anneal.
double jmak_crystallized_fraction(const MicrostructureSettings& s);
double annealed_grain_size(const MicrostructureSettings& s);

// The same kinetics at temperature T (K), for anneals whose temperature
// changes (host/continuum/FilmMicrostructure integrates them over a
// schedule): the JMAK rate k(T) (1/s), the coarsening rate of d^2 (units of
// grain_growth_rate per s), and X for a reduced time theta = integral of
// k dt, which is Cahn's additivity rule (exact when nucleation and growth
// share one activation energy).
double jmak_rate(const MicrostructureSettings& s, double T);
double grain_growth_rate_at(const MicrostructureSettings& s, double T);
double jmak_fraction(double reduced_time, double avrami_exponent);

// A microstructure laid on a lattice: what feeds HopModel and placement,
// plus the per-site labels the site map shows.
struct SiteMap {
  std::vector<uint8_t> phase;       // Phase of every site (immobile atoms too)
  std::vector<int32_t> grain;       // grain of every site, -1 where none
  std::vector<uint8_t> layer;       // layer of every site (0 without layers)
  std::vector<uint8_t> blocked;     // 1: no ion may sit here; empty when none is
  std::vector<double> site_energy;  // eV per site; empty when all zero
  std::vector<double>
      bond_barrier;  // eV added to hop.barrier per [site * zmax + k]; empty when none
  int grains = 0;
  double grain_size = 0;      // Å, the spacing used
  double boundary_width = 0;  // Å, the shell width used (composite: found from glass_fraction)
  double crystallized_fraction = 1;  // annealed: JMAK X
  int64_t open_host_sites = 0;       // host sites not blocked
  // Host sites per phase (Crystal, Boundary, Amorphous), blocked ones included.
  int64_t phase_sites[3] = {0, 0, 0};
};

// Builds the site map: a pure function of (lattice, settings, seed), drawn on
// the landscape stream (kmc/model/Landscape.hpp) with replicas 1.. so it never
// coincides with a [landscape] draw. hop_barrier is the bare barrier the
// absolute phase barriers are measured against. Throws std::invalid_argument
// for settings that make no sense on this lattice.
SiteMap build_microstructure(const Lattice& lattice, const MicrostructureSettings& settings,
                             double hop_barrier);

}  // namespace coatkmc
