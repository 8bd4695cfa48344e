#pragma once
// The macro model's names for the constants of kernels/PhysicalConstants.hpp
// (the one place each is defined), in the units it works in (SI, with
// lengths in cm where an area or a conductivity is involved, as SPEC's are).
#include "kernels/PhysicalConstants.hpp"

namespace coatkmc::macro {

using coatkmc::kFaraday;
using coatkmc::kGasConstant;
using coatkmc::kPi;
using coatkmc::kVacuumPermittivity;
inline constexpr double kBoltzmannEvPerK = coatkmc::kBoltzmannEv;  // eV/K

// RT/F in volts: the thermal voltage that scales every kinetic overpotential.
inline double thermal_voltage(double temperature) {
  return kGasConstant * temperature / kFaraday;
}

}  // namespace coatkmc::macro
