#include "host/macro/KramersKronig.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "host/macro/PhysicalConstants.hpp"

namespace coatkmc::macro {

KramersKronigResult kramers_kronig_check(const std::vector<ImpedancePoint>& spectrum,
                                         const KramersKronigOptions& options) {
  const int n = static_cast<int>(spectrum.size());
  if (n < 4) throw std::invalid_argument("Kramers-Kronig check needs at least 4 frequencies");
  double w_min = 1e300, w_max = 0;
  for (const auto& p : spectrum) {
    w_min = std::min(w_min, 2 * kPi * p.frequency);
    w_max = std::max(w_max, 2 * kPi * p.frequency);
  }
  const double log_lo = std::log10(1.0 / w_max) - options.tau_extension;
  const double log_hi = std::log10(1.0 / w_min) + options.tau_extension;
  const int m =
      std::max(2, static_cast<int>(std::ceil((log_hi - log_lo) * options.elements_per_decade)) + 1);
  std::vector<double> tau(m);
  for (int k = 0; k < m; ++k) tau[k] = std::pow(10.0, log_lo + (log_hi - log_lo) * k / (m - 1));

  // Columns: R0, R_1..R_m, [1/C]. Rows: real parts then imaginary parts, each / |Z|.
  const int cols = 1 + m + (options.series_capacitance ? 1 : 0);
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(2 * n, cols);
  Eigen::VectorXd b(2 * n);
  for (int i = 0; i < n; ++i) {
    const double w = 2 * kPi * spectrum[i].frequency;
    const double weight = 1.0 / std::abs(spectrum[i].z);
    a(i, 0) = weight;
    for (int k = 0; k < m; ++k) {
      const Complex voigt = 1.0 / Complex(1.0, w * tau[k]);
      a(i, 1 + k) = voigt.real() * weight;
      a(n + i, 1 + k) = voigt.imag() * weight;
    }
    if (options.series_capacitance) a(n + i, 1 + m) = -weight / w;  // 1/(j w C) = -j (1/C) / w
    b(i) = spectrum[i].z.real() * weight;
    b(n + i) = spectrum[i].z.imag() * weight;
  }
  // Scale columns to unit norm so the QR sees a well-conditioned problem.
  Eigen::VectorXd scale(cols);
  for (int j = 0; j < cols; ++j) {
    scale(j) = a.col(j).norm();
    if (scale(j) > 0) a.col(j) /= scale(j);
  }
  const Eigen::VectorXd coef = a.colPivHouseholderQr().solve(b);
  const Eigen::VectorXd fit = a * coef;

  KramersKronigResult r;
  r.elements = m;
  double sum2 = 0;
  for (int i = 0; i < n; ++i) {
    r.residual_real.push_back(b(i) - fit(i));
    r.residual_imag.push_back(b(n + i) - fit(n + i));
    r.max_residual = std::max(
        {r.max_residual, std::fabs(r.residual_real.back()), std::fabs(r.residual_imag.back())});
    sum2 += r.residual_real.back() * r.residual_real.back() +
            r.residual_imag.back() * r.residual_imag.back();
  }
  r.rms_residual = std::sqrt(sum2 / (2.0 * n));
  return r;
}

}  // namespace coatkmc::macro
