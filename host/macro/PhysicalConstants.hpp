#pragma once

// CODATA 2018 values in the units the macro model works in (SI, with lengths
// in cm where an area or a conductivity is involved, as SPEC's units are).
namespace coatkmc::macro {

inline constexpr double kFaraday = 96485.33212;                  // C/mol
inline constexpr double kGasConstant = 8.314462618;              // J/(mol K)
inline constexpr double kBoltzmannEvPerK = 8.617333262e-5;       // eV/K
inline constexpr double kVacuumPermittivity = 8.8541878128e-14;  // F/cm
inline constexpr double kPi = 3.14159265358979323846;

// RT/F in volts: the thermal voltage that scales every kinetic overpotential.
inline double thermal_voltage(double temperature) {
  return kGasConstant * temperature / kFaraday;
}

}  // namespace coatkmc::macro
