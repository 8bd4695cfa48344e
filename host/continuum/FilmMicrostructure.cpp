#include "host/continuum/FilmMicrostructure.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace coatkmc {

DiffusivityMixing parse_diffusivity_mixing(const std::string& name) {
  if (name == "bruggeman") return DiffusivityMixing::Bruggeman;
  if (name == "parallel") return DiffusivityMixing::Parallel;
  if (name == "series") return DiffusivityMixing::Series;
  throw std::invalid_argument("expected \"bruggeman\", \"parallel\" or \"series\"");
}

const char* diffusivity_mixing_name(DiffusivityMixing m) {
  switch (m) {
    case DiffusivityMixing::Bruggeman:
      return "bruggeman";
    case DiffusivityMixing::Parallel:
      return "parallel";
    case DiffusivityMixing::Series:
      return "series";
  }
  return "?";
}

double boundary_volume_fraction(double d, double w) {
  if (!(w > 0)) return 0;
  if (!(w < d)) return 1;
  return 1 - std::pow(1 - w / d, 3);
}

double mixed_diffusivity(DiffusivityMixing mixing, double X, double g, double Da, double Dg,
                         double Db) {
  const double Dx = g > 0 ? (1 - g) * Dg + g * Db : Dg;  // Hart: the crystallized medium
  if (!(X > 0)) return Da;
  if (!(X < 1)) return Dx;
  switch (mixing) {
    case DiffusivityMixing::Parallel:
      return (1 - X) * Da + X * Dx;
    case DiffusivityMixing::Series:
      return 1 / ((1 - X) / Da + X / Dx);
    case DiffusivityMixing::Bruggeman: {
      // (1-X)(Da - D)/(Da + 2D) + X (Dx - D)/(Dx + 2D) = 0, the positive root.
      const double beta = (3 * X - 1) * Dx + (2 - 3 * X) * Da;
      return (beta + std::sqrt(beta * beta + 8 * Da * Dx)) / 4;
    }
  }
  return Da;
}

FilmMicrostructure::FilmMicrostructure(const FilmMicrostructureSettings& s) : s_(s) {
  const double X0 = s.initial_crystallized_fraction;
  if (!(X0 >= 0 && X0 <= 1) || !(s.grain_size_nm > 0) || !(s.boundary_width_nm >= 0) ||
      !(s.kinetics.avrami_exponent > 0))
    throw std::invalid_argument("film microstructure: 0 <= X0 <= 1, grain size > 0, n > 0");
  // The reduced time at which JMAK gives X0 (infinite for X0 = 1: crystal).
  theta_ = X0 < 1 ? std::pow(-std::log1p(-X0), 1 / s.kinetics.avrami_exponent) : HUGE_VAL;
  d2_ = s.grain_size_nm * s.grain_size_nm;
}

void FilmMicrostructure::advance(double T0, double T1, double dt) {
  if (!(dt > 0)) return;
  const MicrostructureSettings& k = s_.kinetics;
  double dtheta = 0, dd2 = 0;
  if (T0 == T1) {
    dtheta = jmak_rate(k, T0) * dt;
    dd2 = grain_growth_rate_at(k, T0) * dt;
  } else {
    // Composite Simpson over 16 intervals; the test compares a ramp with a
    // fine quadrature of the same integral.
    const int n = 16;
    for (int i = 0; i <= n; ++i) {
      const double T = T0 + (T1 - T0) * i / n;
      const double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
      dtheta += w * jmak_rate(k, T);
      dd2 += w * grain_growth_rate_at(k, T);
    }
    dtheta *= dt / (3.0 * n);
    dd2 *= dt / (3.0 * n);
  }
  theta_ += dtheta;
  d2_ += dd2;
}

double FilmMicrostructure::crystallized_fraction() const {
  if (std::isinf(theta_)) return 1;
  return jmak_fraction(theta_, s_.kinetics.avrami_exponent);
}

double FilmMicrostructure::grain_size_nm() const {
  return std::sqrt(d2_);
}

double FilmMicrostructure::boundary_fraction() const {
  return boundary_volume_fraction(grain_size_nm(), s_.boundary_width_nm);
}

double FilmMicrostructure::diffusivity(double D_grain, double c, double T) const {
  const double X = crystallized_fraction();
  const double g = boundary_fraction();
  const double Da = X < 1 ? s_.amorphous_D(c, T) : 0;
  const double Db = g > 0 ? s_.boundary_D(c, T) : 0;
  return mixed_diffusivity(s_.mixing, X, g, Da, D_grain, Db);
}

}  // namespace coatkmc
