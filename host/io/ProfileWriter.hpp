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

// species_profile.csv, with several species: the concentration of every
// species in every layer and slab at the start of the observed window and at
// every block end (docs/observables.md), one row per (time, bin, species):
//   time_s,kind,index,name,z_low_A,z_high_A,open_sites,species,ions,site_fraction,density_cm3
// time_s the mean over replicas of the time since the window began; ions the
// mean per replica; site_fraction = ions / open_sites; density_cm3 = ions /
// bin volume in ions per cm^3. `species` names the species in table order.
std::string make_species_profile_csv(const SimulationOutcome& outcome,
                                     const std::vector<std::string>& species);

}  // namespace coatkmc
