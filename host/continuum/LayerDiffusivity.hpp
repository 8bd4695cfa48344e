#pragma once
#include <vector>

namespace coatkmc {

// D(c, T) of the diffusing species in one layer, cm^2/s. Either Arrhenius
// (D0 exp(-Ea/kT), independent of c) or a table of ln D on a grid of
// temperatures (and optionally site fractions), interpolated linearly in
// (c, 1/T); outside the grid it extrapolates along the end intervals in 1/T
// (Arrhenius-like) and holds the end values in c.
class LayerDiffusivity {
 public:
  static LayerDiffusivity arrhenius(double D0_cm2_s, double Ea_eV);
  // D_by_T[i] at temperatures_K[i] (at least one point), the same at every c.
  static LayerDiffusivity table(std::vector<double> temperatures_K, std::vector<double> D_by_T);
  // D[j][i] at fractions[j], temperatures_K[i]; both axes strictly increasing.
  static LayerDiffusivity table(std::vector<double> fractions, std::vector<double> temperatures_K,
                                std::vector<std::vector<double>> D);

  double operator()(double c, double T) const;
  bool depends_on_concentration() const { return fractions_.size() > 1; }

 private:
  double ln_at_row(const std::vector<double>& ln_row, double inv_T) const;

  bool arrhenius_ = true;
  double D0_ = 0, Ea_ = 0;
  std::vector<double> fractions_;          // empty or size 1: no c dependence
  std::vector<double> inv_T_;              // 1/T, increasing (T decreasing)
  std::vector<std::vector<double>> ln_D_;  // [fraction][inv_T]
};

}  // namespace coatkmc
