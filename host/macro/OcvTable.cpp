#include "host/macro/OcvTable.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace coatkmc::macro {

namespace {

// NMC532 (LiNi0.5Mn0.3Co0.2O2) against Li/Li+: the fit "NMC_ocp_PeymanMPM" of
// the Mohtat et al. (2020) NMC532/graphite parameter set as PyBaMM ships it.
// Its stoichiometry is normalized to the electrode's usable lithium, so the
// table carries a capacity scale of its own (see docs/macro-model.md).
double nmc532_fit(double x) {
  return 4.3452 - 1.6518 * x + 1.6225 * x * x - 2.0843 * std::pow(x, 3) + 3.5146 * std::pow(x, 4) -
         2.2166 * std::pow(x, 5) - 0.5623e-4 * std::exp(109.451 * x - 100.006);
}

// LiCoO2 against Li/Li+: Ramadass et al. (2004), the rational fit in the
// lithium content y of LiyCoO2 (PyBaMM writes it with sto = y / 1.13). Valid
// for 0.46 <= y <= 1; below that the fit's denominator has a root.
double lco_fit(double y) {
  const double y2 = y * y;
  const double num = -4.656 + 88.669 * y2 - 401.119 * std::pow(y2, 2) + 342.909 * std::pow(y2, 3) -
                     462.471 * std::pow(y2, 4) + 433.434 * std::pow(y2, 5);
  const double den = -1 + 18.933 * y2 - 79.532 * std::pow(y2, 2) + 37.311 * std::pow(y2, 3) -
                     73.083 * std::pow(y2, 4) + 95.96 * std::pow(y2, 5);
  return num / den;
}

OcvTable sample(const std::string& name, double (*fit)(double), double x0, double x1, int n,
                double capacity, const std::string& source) {
  std::vector<double> x(n), u(n);
  for (int i = 0; i < n; ++i) {
    x[i] = x0 + (x1 - x0) * i / (n - 1);
    u[i] = fit(x[i]);
  }
  return OcvTable(name, x, u, capacity, source);
}

}  // namespace

OcvTable::OcvTable(std::string name, std::vector<double> x, std::vector<double> voltage,
                   double capacity_mAh_g, std::string source)
    : name_(std::move(name)), source_(std::move(source)), capacity_mAh_g_(capacity_mAh_g) {
  if (x.size() != voltage.size() || x.size() < 2)
    throw std::invalid_argument("an OCV table needs at least two (x, U) points");
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  for (size_t k : order) {
    x_.push_back(x[k]);
    u_.push_back(voltage[k]);
  }
  for (size_t i = 0; i < x_.size(); ++i) {
    if (!std::isfinite(x_[i]) || !std::isfinite(u_[i]))
      throw std::invalid_argument("OCV table has a non-finite value");
    if (i > 0 && !(x_[i] > x_[i - 1]))
      throw std::invalid_argument("OCV table has a repeated stoichiometry");
    if (i > 0 && !(u_[i] < u_[i - 1]))
      throw std::invalid_argument(
          "OCV table voltage must fall strictly as x grows (at x = " + std::to_string(x_[i]) + ")");
  }
  if (!(capacity_mAh_g_ > 0)) throw std::invalid_argument("OCV table capacity must be > 0");
}

std::vector<std::string> OcvTable::builtin_names() {
  return {"NMC532", "LCO"};
}

OcvTable OcvTable::builtin(const std::string& name) {
  if (name == "NMC532")
    // 170 mAh/g over the fit's x range puts 163 mAh/g between 3.0 and 4.3 V vs Li.
    return sample(
        name, nmc532_fit, 0.0, 1.0, 401, 170.0,
        "Mohtat et al. 2020 NMC532 fit (PyBaMM NMC_ocp_PeymanMPM), x scaled to 170 mAh/g");
  if (name == "LCO")
    // x is the lithium content y of LiyCoO2: 273.8 mAh/g is F / (3.6 M(LiCoO2)).
    return sample(name, lco_fit, 0.46, 1.0, 271, 273.8,
                  "Ramadass et al. 2004 LiCoO2 fit in y of LiyCoO2 (valid 0.46-1)");
  throw std::invalid_argument("unknown built-in OCV table '" + name + "'");
}

OcvTable OcvTable::from_csv(const std::string& path, double capacity_mAh_g) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open OCV table " + path);
  std::vector<double> x, u;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    for (char& c : line)
      if (c == ',' || c == ';' || c == '\t') c = ' ';
    std::istringstream row(line);
    double a, b;
    if (!(row >> a)) {
      if (line.find_first_not_of(" \r") == std::string::npos || x.empty()) continue;  // header
      throw std::runtime_error(path + ":" + std::to_string(number) + ": not two numbers");
    }
    if (!(row >> b))
      throw std::runtime_error(path + ":" + std::to_string(number) + ": not two numbers");
    x.push_back(a);
    u.push_back(b);
  }
  try {
    return OcvTable(path, x, u, capacity_mAh_g, path);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

double OcvTable::voltage(double x) const {
  if (x <= x_.front()) return u_.front();
  if (x >= x_.back()) return u_.back();
  const size_t i = std::upper_bound(x_.begin(), x_.end(), x) - x_.begin();
  const double t = (x - x_[i - 1]) / (x_[i] - x_[i - 1]);
  return u_[i - 1] + t * (u_[i] - u_[i - 1]);
}

double OcvTable::voltage_extrapolated(double x) const {
  if (x < x_.front()) return u_.front() + slope(x) * (x - x_.front());
  if (x > x_.back()) return u_.back() + slope(x) * (x - x_.back());
  return voltage(x);
}

double OcvTable::slope(double x) const {
  size_t i = std::upper_bound(x_.begin(), x_.end(), x) - x_.begin();
  i = std::clamp<size_t>(i, 1, x_.size() - 1);
  return (u_[i] - u_[i - 1]) / (x_[i] - x_[i - 1]);
}

double OcvTable::stoichiometry(double voltage) const {
  if (voltage >= u_.front()) return x_.front();
  if (voltage <= u_.back()) return x_.back();
  // u_ is decreasing: find the first point below `voltage`.
  const size_t i =
      std::upper_bound(u_.begin(), u_.end(), voltage, std::greater<double>()) - u_.begin();
  const double t = (voltage - u_[i - 1]) / (u_[i] - u_[i - 1]);
  return x_[i - 1] + t * (x_[i] - x_[i - 1]);
}

}  // namespace coatkmc::macro
