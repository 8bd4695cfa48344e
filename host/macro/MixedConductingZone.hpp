#pragma once
#include <vector>

namespace coatkmc::macro {

// The dopant profile left by annealing a film of thickness h on a substrate
// with one diffusivity D for both (seeds/000: Co from a LiCoO2 film into
// LLTO). The film's outer face (the current collector) reflects, so
// (Crank, The Mathematics of Diffusion, eq. 2.15 with an image source)
//   c(y, t) / c0 = [erf((h - y) / 2 sqrt(Dt)) + erf((h + y) / 2 sqrt(Dt))] / 2,
// y measured from the outer face; the substrate starts at y = h.
struct DopantProfile {
  std::vector<double> depth_cm;     // into the substrate, from the film|substrate interface
  std::vector<double> composition;  // c / c0 there
  double film_fraction_left = 1;    // dopant still inside the film, of what it held
  double diffusion_length_cm = 0;   // 2 sqrt(D t)
};
DopantProfile finite_film_profile(double film_thickness_cm, double diffusivity_cm2_s, double time_s,
                                  double depth_cm, int points);

// The same from a tabulated profile (e.g. the profiles.csv of the anneal
// study, docs/interdiffusion.md): y measured from the film's outer face
// (increasing), c / c0 at each y. The film is y < h; the dopant left in it is
// the trapezoid integral to y = h (interpolated there); the returned depths
// start at the interface. diffusion_length_cm is NaN (not defined by a table).
DopantProfile profile_from_table(const std::vector<double>& y_cm,
                                 const std::vector<double>& composition, double film_thickness_cm);

// A mixed ionic-electronic conducting zone on the electrolyte side of an
// interface, as a transmission line (de Levie): an electronic rail fed from
// the electrode at x = 0 and ending at x = L, an ionic rail leaving into the
// bulk electrolyte at x = L, and charge transfer between them with
// conductance g(x) per volume; the sharp interface at x = 0 transfers with
// its own area resistance. Finite volumes, one cell per profile interval.
struct MixedZoneLine {
  std::vector<double> depth_cm;                 // cell boundaries, increasing from 0
  std::vector<double> ionic_conductivity;       // S/cm, one per cell
  std::vector<double> electronic_conductivity;  // S/cm, one per cell (0 blocks electrons)
  std::vector<double> transfer_conductance;     // S/cm^3, one per cell
  double planar_resistance = 0;                 // Ohm cm^2 of the sharp interface (> 0)

  // DC area resistance from the electrode to the electrolyte at x = L, Ohm cm^2.
  double resistance() const;
  // Fraction of the current that crosses the sharp interface (the rest
  // transfers inside the zone).
  double planar_share() const;
};

}  // namespace coatkmc::macro
