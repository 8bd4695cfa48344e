#pragma once
#include <string>

#include "host/continuum/LayerDiffusivity.hpp"
#include "kmc/microstructure/Microstructure.hpp"

namespace coatkmc {

// How the diffusivities of the amorphous and the crystallized parts of a
// layer combine (docs/interdiffusion.md, "Anneals that change the film"):
//   bruggeman  symmetric effective medium (3D), the default;
//   parallel   arithmetic mean, the upper (Wiener) bound: columns along z;
//   series     harmonic mean, the lower bound: sheets normal to z.
enum class DiffusivityMixing { Bruggeman, Parallel, Series };
DiffusivityMixing parse_diffusivity_mixing(const std::string& name);  // throws invalid_argument
const char* diffusivity_mixing_name(DiffusivityMixing m);

// A layer whose microstructure evolves during the anneal: an amorphous
// matrix crystallizing by JMAK kinetics (kmc/microstructure's jmak_rate,
// integrated over the schedule by the additivity rule) into grains that
// coarsen (d^2 = d0^2 + integral g0 exp(-Eg/kT) dt), with a grain-boundary
// shell of width w. The layer's own D is that of the grain interior.
struct FilmMicrostructureSettings {
  // crystallization_rate (1/s), crystallization_energy (eV), avrami_exponent,
  // grain_growth_rate (nm^2/s), grain_growth_energy (eV); other fields unused.
  MicrostructureSettings kinetics;
  double initial_crystallized_fraction = 0;
  double grain_size_nm = 5;  // at the start of the anneal
  double boundary_width_nm = 0;
  LayerDiffusivity amorphous_D = LayerDiffusivity::arrhenius(1e-12, 0);
  LayerDiffusivity boundary_D = LayerDiffusivity::arrhenius(1e-12, 0);
  DiffusivityMixing mixing = DiffusivityMixing::Bruggeman;
};

// Volume fraction of cubic grains of edge d taken by a boundary shell of
// total width w around each grain: 1 - (1 - w/d)^3 (1 when w >= d).
double boundary_volume_fraction(double grain_size_nm, double boundary_width_nm);

// D of the layer for crystallized fraction X and boundary fraction g of the
// crystallized part: the grain interior and its boundaries combine by Hart's
// rule (1-g) D_grain + g D_boundary (the boundary network is connected), and
// that crystallized medium mixes with the amorphous one by `mixing`. Exact
// end members: X = 0 gives D_amorphous, X = 1 with g = 0 gives D_grain.
double mixed_diffusivity(DiffusivityMixing mixing, double X, double g, double D_amorphous,
                         double D_grain, double D_boundary);

// The state of one such layer along an anneal.
class FilmMicrostructure {
 public:
  explicit FilmMicrostructure(const FilmMicrostructureSettings& s);

  // Advances through dt seconds of a temperature moving linearly from T0 to
  // T1 (K): the reduced JMAK time theta += integral k(T) dt and d^2 +=
  // integral g0 exp(-Eg/kT) dt (exact on a hold, composite Simpson on a ramp).
  void advance(double T0, double T1, double dt);

  double reduced_time() const { return theta_; }
  double crystallized_fraction() const;
  double grain_size_nm() const;
  double boundary_fraction() const;  // of the crystallized volume
  // The layer's D at (c, T) given the grain-interior D (its own table).
  double diffusivity(double D_grain, double c, double T) const;
  const FilmMicrostructureSettings& settings() const { return s_; }

 private:
  FilmMicrostructureSettings s_;
  double theta_ = 0;  // integral of k dt, starting where X = X0
  double d2_ = 0;     // grain size squared, nm^2
};

}  // namespace coatkmc
