#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>

#include "kmc/lattice/HopNetwork.hpp"
#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// What makes a lattice geometry unusable, found before a run starts.
struct GeometryProblem {
  enum class Cause {
    Cutoff,  // the hop cutoff reaches no neighbour, or more than the engine supports
    Cells,   // too few cells: periodic images of a hop coincide
  };
  Cause cause;
  std::string what;
};

// Checks that `cells` copies of `description` make a lattice the engine can
// run, with the rules of kmc/lattice/Lattice: at least one and at most
// max_hop_neighbors() hop neighbours per site, and periodic images of the hops
// of a site that never coincide. The hops come from hop_table (no neighbour
// table), so the check costs little for any cell counts and any basis size;
// supercells of modest size are also built outright, so nothing Lattice
// rejects gets past. With `made`, an accepted description's hop table is
// handed out for the later users of it (SimulationSettings::hops).
std::optional<GeometryProblem> check_lattice_geometry(
    const LatticeDescription& description, const std::array<int, 3>& cells,
    std::shared_ptr<const KnownHops>* made = nullptr);

// Largest number of hop neighbours of a site, from hop_table (`known`'s when
// it was made from this description). For a description
// check_lattice_geometry() accepts; throws std::invalid_argument otherwise.
int hop_coordination(const LatticeDescription& description, const KnownHops* known = nullptr);

// How the hop network of a description hangs together (kmc/lattice/HopNetwork),
// from hop_table (`known`'s when it was made from this description). For a
// description check_lattice_geometry() accepts.
HopNetwork hop_network(const LatticeDescription& description, const KnownHops* known = nullptr);

// Occupied-neighbour counts are bytes (SystemState), so a site may have at most this many hops.
int max_hop_neighbors();

}  // namespace coatkmc
