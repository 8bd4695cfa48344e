#pragma once
#include <string>
#include <vector>

#include "host/io/OptionalFiles.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/simulation/Simulation.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

// The optional files a run writes after its results, from them: the ion
// trajectory (run.trajectory_samples) and msd.png. Each goes through
// `optional` (host/io/OptionalFiles: a failure is reported on stderr and makes
// the exit status 4). A plot skipped because no Python with matplotlib is
// found is not a failure: a line for `notes` says so.
struct OptionalOutputRequest {
  bool plots = true;  // msd.png (`--no-plots`: none)
};

// The names of the files written.
std::vector<std::string> write_optional_outputs(const std::string& out, const Lattice& lattice,
                                                const SimulationSettings& settings,
                                                const SimulationOutcome& outcome,
                                                const OptionalOutputRequest& request,
                                                OptionalFiles& optional, std::string& notes);

// A plot drawn by scripts/run_plots.py (matplotlib): `what` is "msd" (a run
// folder: msd.png) or "arrhenius" (a collected sweep folder: arrhenius.png).
// True when drawn.
bool draw_plot(const std::string& what, const std::string& folder, OptionalFiles& optional,
               std::string& notes);

}  // namespace coatkmc
