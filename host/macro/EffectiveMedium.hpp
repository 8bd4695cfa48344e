#pragma once
#include <vector>

namespace coatkmc::macro {

struct Phase {
  double fraction = 0;      // volume fraction
  double conductivity = 0;  // S/cm, >= 0
};

// Symmetric Bruggeman effective-medium conductivity of a random 3D mixture of
// spherical inclusions: sum_i f_i (s_i - s) / (s_i + 2 s) = 0. Exact for
// vanishing contrast; a conducting phase in an insulator percolates at f = 1/3.
// Fractions must be >= 0 and sum to 1 (within 1e-9).
double bruggeman_conductivity(const std::vector<Phase>& phases);

}  // namespace coatkmc::macro
