#pragma once
#include <memory>
#include <string>
#include <vector>

#include "kmc/backend/Backend.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/Solver.hpp"

namespace coatkmc {

// Names accepted by run.solver (besides "auto").
const std::vector<std::string>& solver_names();
// The solver `auto` picks for a model.
std::string auto_solver(const HopParameters& params);
bool solver_has_cuda(const std::string& name);
// Where a new solver is registered.
std::unique_ptr<Solver> make_solver(const std::string& name, BackendKind backend,
                                    const Lattice& lattice, const HopModel& model, uint64_t seed);

}  // namespace coatkmc
