#pragma once
#include <string>

#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

// profile.csv: one row per layer of a multilayer, then per slab (run.slabs):
//   kind,index,name,z_low_A,z_high_A,open_sites,occupancy,occupancy_err,D_tracer,D_tracer_err
// D in cm^2/s pooled over the blocks of every replica (ions counted in the bin
// they stood in when a block began), its error the standard error of the block
// values; occupancy the mean over block ends of ions / open host sites.
std::string make_profile_csv(const SimulationOutcome& outcome);

}  // namespace coatkmc
