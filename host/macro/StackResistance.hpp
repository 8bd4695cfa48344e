#pragma once
#include <string>
#include <vector>

namespace coatkmc::macro {

// One layer of an interface stack: Li+ crosses its thickness.
struct StackLayer {
  std::string name;
  double thickness_cm = 0;
  double ionic_conductivity = 0;       // S/cm at the model temperature
  double electronic_conductivity = 0;  // S/cm (reported; 0 = not given)
  double epsilon_r = 0;                // relative permittivity, for the layer's capacitance
  double cpe_alpha = 1;                // CPE exponent of the layer's arc
  double coverage = 1;                 // fraction of the surface the layer covers (0, 1]
  // > 0: a patchy layer on only this fraction of the surface, which the
  // current may go around (through the rest of the stack beside it).
  double patch_fraction = 0;

  // Area-specific resistance L / (sigma * coverage), Ohm cm^2.
  double asr() const;
  // Geometric capacitance eps_r eps0 coverage / L, F/cm^2.
  double capacitance() const;
};

// A zone whose composition varies with depth (an interdiffusion profile):
// the conductivities at each depth interpolate log-linearly between their
// values at composition 0 and 1; the zone's resistances are the integrals
// of 1/sigma over its depth (trapezoid rule on the profile's points).
struct ProfileZone {
  std::string name;
  std::vector<double> depth_cm;                     // increasing
  std::vector<double> composition;                  // in [0, 1], one per depth
  double ionic_at_0 = 0, ionic_at_1 = 0;            // S/cm
  double electronic_at_0 = 0, electronic_at_1 = 0;  // S/cm

  double ionic_conductivity(double c) const;
  double electronic_conductivity(double c) const;
  double ionic_asr() const;       // Ohm cm^2
  double electronic_asr() const;  // Ohm cm^2 (inf when an electronic conductivity is 0)
  double thickness() const { return depth_cm.empty() ? 0 : depth_cm.back() - depth_cm.front(); }
};

// A named area-specific resistance term of the stack, each reported on its
// own: where it comes from and which area it is per.
struct StackTerm {
  std::string name;
  std::string kind;    // "layer", "zone", "interphase", "charge transfer", "interfacial transport"
  double asr = 0;      // Ohm cm^2
  std::string basis;   // "particle surface" or "electrode area"
  std::string origin;  // how the number was obtained (kMC run, input, fit)
};

// Layers in series: sum of L / (sigma coverage) over the continuous layers;
// then each patchy layer p in turn puts the stack so far (R) in parallel
// with itself over its patches: R <- 1 / [f_p / (R + L_p/sigma_p) + (1 - f_p) / R]
// (each patch and each gap a straight path; the layers' order among the
// continuous ones does not matter). `increments`, when given, receives each
// layer's share of the total.
double series_resistance(const std::vector<StackLayer>& layers,
                         std::vector<double>* increments = nullptr);

struct StackResistance {
  std::vector<StackTerm> terms;
  double total(const std::string& basis) const;  // sum of the terms on that basis
};

}  // namespace coatkmc::macro
