#pragma once
#include <string>

namespace coatkmc::macro {

// A coating on a lithium-metal anode (seeds/002). Li+ enters the coating's
// top face from the electrolyte and diffuses to the Li metal beneath, where
// the coating is in equilibrium with Li (concentration c_Li). To carry a flux
// down, the top face must be supersaturated by Delta c; Li nucleates on top
// once the supersaturation reaches what a nucleation overpotential eta_n
// allows, Delta c = c_Li F eta_n / (R T) (ideal dilute supersaturation), or an
// explicitly given composition window. The steady flux D Delta c / L then
// sets the threshold current density
//   j* = F D Delta c / L = F^2 D c_Li eta_n / (R T L)   (A/cm^2; x1e3 for mA/cm^2).
struct PlatingCoating {
  std::string name;
  double diffusivity_cm2_s = 0;
  double li_concentration_mol_cm3 = 0;  // c_Li of the coating at equilibrium with Li metal
  double thickness_cm = 0;
  double nucleation_overpotential = 0.03;  // V; used when delta_c_fraction is 0
  double delta_c_fraction = 0;             // explicit Delta c / c_Li, overrides the above
  double temperature = 298.15;

  double supersaturation_mol_cm3() const;  // Delta c
  double threshold_mA_cm2() const;         // j*
};

// The time (s) after which Li nucleates on top at a current density j
// (mA/cm^2) above the threshold: the first instant the top face's excess
// concentration reaches Delta c, from implicit finite differences of 1D
// diffusion across the coating (Dirichlet at the Li metal, flux at the top),
// refined by interpolation within the step. +inf at or below the threshold.
// For j >> j* it tends to Sand's time pi D (F Delta c)^2 / (4 j^2).
double plating_onset_time(const PlatingCoating& coating, double j_mA_cm2, int cells = 200);

}  // namespace coatkmc::macro
