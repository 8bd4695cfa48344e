#pragma once
#include <string>

#include "kmc/backend/Backend.hpp"
#include "kmc/simulation/RunMemory.hpp"
#include "kmc/simulation/SimulationSettings.hpp"

namespace coatkmc {

// What this machine offers a run (the estimate itself is the engine's:
// kmc/simulation/RunMemory.hpp, checked by plan_run).

// Memory this process may use: physical memory, or the control group's limit
// when that is lower. 0 when unknown.
double usable_memory_bytes();

// Bytes an unprivileged writer may still use on the filesystem that holds
// `path` (or, when it does not exist yet, its nearest existing parent); 0
// when unknown.
double free_disk_bytes(const std::string& path);

// Free memory of the CUDA device the run would use; 0 when unknown or none.
double free_device_memory_bytes();

// Refuses a run that cannot fit into `available`: throws InputError at
// `where` naming what is needed and what there is (plan_run's memory problem).
void check_run_fits(const SimulationSettings& settings, const std::string& solver,
                    BackendKind backend, const MemoryBudget& available, const std::string& where);

}  // namespace coatkmc
