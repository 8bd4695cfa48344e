#pragma once
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

// A lower bound on the memory (bytes) a run of `settings` allocates: the
// neighbour table and rate tables, plus the state, rate tree and observables
// of each replica that runs at the same time. Counting only the big arrays
// keeps it a bound, so a run refused for it could never have fitted.
double minimum_run_bytes(const SimulationSettings& settings);

// Memory this process may use: physical memory, or the control group's limit
// when that is lower. 0 when unknown.
double usable_memory_bytes();

}  // namespace coatkmc
