#pragma once
// The coefficients file of the environment model (environment.coefficients):
// JSON, documented in docs/environment.md ("Coefficients file").
#include <string>

#include "kmc/model/EnvironmentSpec.hpp"

namespace coatkmc::config {

// Reads `path`. Throws EnvironmentError (key environment.coefficients) with
// one line "PATH POINTER: what" (POINTER the JSON pointer of the entry, or
// "byte N" for a syntax error).
EnvironmentCoefficients read_environment_coefficients(const std::string& path);

}  // namespace coatkmc::config
