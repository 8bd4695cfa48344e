#pragma once
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/simulation/Simulation.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

// The ion trajectory of a run (run.trajectory_samples > 0): every replica's
// frames, unwrapped positions of the mobile ions (Å) at the recorded times
// (s from the observed window's start, as msd.csv), with the periodic box.
// Each ion's element is that of the site it started on (element_of_site: the
// configured species when they are elements, else X); its `kind` is its
// species name, or else the sublattice.

// The file name in the run folder: trajectory.extxyz or trajectory.h5md.
std::string trajectory_file_name(const SimulationSettings& settings);

// Bytes the file will take (an estimate made before the run; refused past
// kTrajectoryLimitBytes, host/run/KmcRun).
double trajectory_bytes(const SimulationSettings& settings, int64_t ions);
constexpr double kTrajectoryLimitBytes = 4e9;

// Extended XYZ, one frame after another (replica 0's frames first): comment
// line `Lattice="..." Properties=species:S:1:pos:R:3:ion:I:1:kind:S:1
// time=T replica=R frame=K pbc="T T T"`.
std::string trajectory_extxyz(const Lattice& lattice, const SimulationSettings& settings,
                              const SimulationOutcome& outcome);

// Writes the trajectory into `path` (the format of settings.trajectory_format);
// throws std::runtime_error when it cannot (h5md in a build without HDF5).
void write_trajectory(const std::string& path, const Lattice& lattice,
                      const SimulationSettings& settings, const SimulationOutcome& outcome);

// True when every replica of the outcome carries its whole trajectory.
bool has_trajectory(const SimulationOutcome& outcome);

}  // namespace coatkmc
