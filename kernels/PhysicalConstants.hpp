#pragma once
// Physical constants, each defined once for every layer (CODATA 2018). They
// sit in the bottom layer because device code needs kT too.
namespace coatkmc {

// Boltzmann constant, eV/K (exact).
inline constexpr double kBoltzmannEv = 8.617333262e-5;
// Elementary charge, C (exact), and kB in J/K (exact).
inline constexpr double kElementaryCharge = 1.602176634e-19;
inline constexpr double kBoltzmannJ = 1.380649e-23;
// Faraday constant, C/mol, and the gas constant, J/(mol K) (CODATA 2018).
inline constexpr double kFaraday = 96485.33212;
inline constexpr double kGasConstant = 8.314462618;
// Vacuum permittivity in F/cm (the unit the macro model's areas use).
inline constexpr double kVacuumPermittivity = 8.8541878128e-14;
inline constexpr double kPi = 3.14159265358979323846;

}  // namespace coatkmc
