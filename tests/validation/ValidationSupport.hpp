#pragma once
// Shared set-up for the physics validation tests: textbook geometry written out
// independently of the engine, settings for the common cases, and a one-line
// report of each measured figure so a failure (or a pass) shows its numbers.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <stdexcept>
#include <string>

#include "host/analysis/TransportEstimates.hpp"
#include "kernels/HopEnergy.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/simulation/Simulation.hpp"

namespace coatkmc::validation {

// Geometry of the textbook lattices from crystallography, not from the engine.
struct TextbookGeometry {
  const char* type;
  int coordination;
  double hop_length_over_a;
  int dimension;
};

inline const TextbookGeometry kTextbookGeometry[] = {
    {"sc", 6, 1.0, 3},
    {"bcc", 8, std::sqrt(3.0) / 2, 3},
    {"fcc", 12, 1 / std::sqrt(2.0), 3},
    {"diamond", 4, std::sqrt(3.0) / 4, 3},
    {"square", 4, 1.0, 2},
    {"triangular", 6, 1.0, 2},
    {"honeycomb", 3, 1 / std::sqrt(3.0), 2},
};

// Readable test parameters in gtest and ctest output.
inline void PrintTo(const TextbookGeometry& g, std::ostream* os) {
  *os << g.type;
}

inline const TextbookGeometry& geometry_of(const std::string& type) {
  for (const TextbookGeometry& g : kTextbookGeometry)
    if (type == g.type) return g;
  throw std::invalid_argument("no textbook geometry for " + type);
}

constexpr double kLatticeParameter = 3.0;   // Å
constexpr double kBarrier = 0.30;           // eV
constexpr double kAttemptFrequency = 1e13;  // Hz

// Hop rate Gamma = nu exp(-Eb / kT) of one bare hop, 1/s.
inline double bare_hop_rate(double temperature, double barrier = kBarrier) {
  return kAttemptFrequency * std::exp(-barrier / (kBoltzmannEv * temperature));
}

// D0 = z Gamma l^2 / (2 d) of a lone walker, cm^2/s.
inline double lone_walker_diffusivity(const std::string& type, double temperature,
                                      double barrier = kBarrier) {
  const TextbookGeometry& g = geometry_of(type);
  const double l_cm = g.hop_length_over_a * kLatticeParameter * 1e-8;
  return g.coordination * bare_hop_rate(temperature, barrier) * l_cm * l_cm / (2.0 * g.dimension);
}

// A textbook lattice with bare hops and no interaction; occupancy, run length
// and statistics are left for the caller.
inline SimulationSettings textbook_settings(const std::string& type, std::array<int, 3> cells,
                                            double temperature, uint64_t seed) {
  SimulationSettings s;
  s.lattice = make_textbook_lattice(type, kLatticeParameter);
  s.cells = cells;
  s.hop.barrier = kBarrier;
  s.hop.attempt_frequency = kAttemptFrequency;
  s.hop.temperature = temperature;
  s.msd_samples = 1;
  s.threads = 2;
  s.seed = seed;
  s.solver = "bkl";
  s.backend = "cpu";
  return s;
}

// (measured - expected) in units of the standard error.
inline double pull(const Estimate& measured, double expected) {
  return (measured.value - expected) / measured.error;
}

inline void report(const std::string& what, const Estimate& measured, double expected) {
  std::printf("  %-40s measured %.6g +- %.3g (%.2f%%), expected %.6g, pull %+.2f\n", what.c_str(),
              measured.value, measured.error, 100 * measured.error / std::fabs(measured.value),
              expected, pull(measured, expected));
}

}  // namespace coatkmc::validation
