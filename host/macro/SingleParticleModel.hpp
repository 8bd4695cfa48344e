#pragma once
#include <string>
#include <vector>

#include "host/macro/ButlerVolmer.hpp"
#include "host/macro/OcvTable.hpp"

namespace coatkmc::macro {

// A class of particles that differ from the nominal one only in the area
// resistance of their surface (coating contact with the electrolyte), by
// `resistance_factor`; `weight` is its share of the active mass.
struct ParticleClass {
  double weight = 1;
  double resistance_factor = 1;
};

// Particle classes for a log-normal spread of surface resistance across the
// particles: standard deviation sigma of ln R, n classes of equal mass at the
// quantile midpoints, factors scaled so that all classes in parallel have the
// resistance of one factor-1 class: sum_k w_k / f_k = 1. sigma = 0 gives one class.
std::vector<ParticleClass> lognormal_classes(double sigma, int n);

// A cathode as one representative spherical particle (the single-particle
// model): Fickian diffusion of lithium inside it (SphereDiffusion), and at its
// surface the current passes through the coating stack's area resistance
// (per cm^2 of particle surface) in series with Butler-Volmer kinetics;
// geometric-area terms (separator, anode) add their own ohmic drop. Currents
// are galvanostatic, at a C-rate of the material's nominal capacity. With
// several particle classes the particles sit in parallel: they share the
// electrode potential and split the current between them at every step.
struct SpmCell {
  OcvTable ocv;                        // U(x) vs Li/Li+, x from the table
  double radius_cm = 2e-4;             // particle radius
  double diffusivity_cm2_s = 1e-10;    // lithium diffusivity in the particle
  double density_g_cm3 = 4.7;          // active material density
  double surface_resistance = 0;       // Ohm cm^2 of particle surface (coating, interphases)
  ButlerVolmer kinetics;               // i0 per cm^2 of particle surface; i0 <= 0: no kinetic loss
  double loading_g_cm2 = 0;            // active mass per electrode area (for geometric terms)
  double geometric_resistance = 0;     // Ohm cm^2 of electrode area (separator, anode)
  double anode_potential = 0;          // V vs Li/Li+ of the counter electrode (Li-In: 0.62)
  std::vector<ParticleClass> classes;  // empty: one class of factor 1

  // Particle surface per gram, 3 / (rho R), cm^2/g.
  double surface_per_gram() const { return 3.0 / (density_g_cm3 * radius_cm); }
  // Particle surface per electrode area, cm^2/cm^2.
  double surface_per_area() const { return surface_per_gram() * loading_g_cm2; }
};

struct CycleProtocol {
  double c_rate = 1.0;  // 1C = one_c_mAh_g per hour
  double one_c_mAh_g = 160;
  double v_min = 3.0, v_max = 4.3;  // cell voltage cut-offs, V (vs the anode)
  bool charge_first = true;         // CC charge from equilibrium at v_min, then CC discharge;
                                    // else CC discharge from equilibrium at v_max
  int shells = 30;                  // radial finite-volume shells
  int steps = 2000;                 // time steps per nominal half cycle (1 / c_rate hours)
  int record_points = 200;          // voltage-curve points kept per half cycle
};

struct CurvePoint {
  double capacity_mAh_g = 0;  // charge passed in this half cycle
  double voltage = 0;         // cell voltage, V
  double x_surface = 0, x_mean = 0;
};

struct HalfCycle {
  double capacity_mAh_g = 0;
  std::string stop;  // "cut-off voltage", "surface stoichiometry limit", "time limit"
  std::vector<CurvePoint> curve;
};

struct CycleResult {
  HalfCycle charge, discharge;          // charge is empty when the protocol does not charge first
  double surface_current_A_cm2 = 0;     // |i| on the particle surface
  double geometric_current_mA_cm2 = 0;  // |i| per electrode area (0 without a loading)
  double initial_x = 0;
  // Charge balance: change of the particle's mean stoichiometry times the
  // table capacity, against the charge counted from the current (mAh/g).
  double charge_balance_error_mAh_g = 0;
  // Overpotential terms at the start of discharge, V.
  double eta_ohmic_surface = 0, eta_kinetic = 0, eta_geometric = 0;
};

// Runs one protocol. Throws std::invalid_argument on unusable parameters.
CycleResult run_cycle(const SpmCell& cell, const CycleProtocol& protocol);

// The equilibrium capacity between the cut-offs (what an infinitely slow
// cycle delivers): table capacity times |x(v_min) - x(v_max)|.
double equilibrium_capacity(const SpmCell& cell, const CycleProtocol& protocol);

}  // namespace coatkmc::macro
