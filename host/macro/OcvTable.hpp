#pragma once
#include <string>
#include <vector>

namespace coatkmc::macro {

// Open-circuit voltage of a cathode against its lithium stoichiometry:
// piecewise linear between tabulated points, strictly decreasing in x (more
// lithium, lower voltage). x is the normalized lithium content the table is
// written in; `capacity_mAh_g` is the charge that x = 0 -> 1 holds per gram of
// active material, which turns the table into capacities.
class OcvTable {
 public:
  OcvTable() = default;
  // Points need not be sorted; they must give a strictly decreasing U(x).
  OcvTable(std::string name, std::vector<double> x, std::vector<double> voltage,
           double capacity_mAh_g, std::string source);

  // A built-in table by name ("NMC532", "LCO"); std::invalid_argument if unknown.
  static OcvTable builtin(const std::string& name);
  static std::vector<std::string> builtin_names();
  // A two-column CSV (x, U in V; '#' comments and a header line allowed).
  // Throws std::runtime_error naming the line of a bad row.
  static OcvTable from_csv(const std::string& path, double capacity_mAh_g);

  double voltage(double x) const;  // clamped to the table's ends
  // Extended linearly beyond the ends with the end segments' slopes: a
  // particle pushed past the table keeps a voltage that pushes back.
  double voltage_extrapolated(double x) const;
  double slope(double x) const;                // dU/dx, V per unit x
  double stoichiometry(double voltage) const;  // inverse, clamped to [x_min, x_max]
  double x_min() const { return x_.front(); }
  double x_max() const { return x_.back(); }

  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  double capacity_mAh_g() const { return capacity_mAh_g_; }
  const std::vector<double>& x() const { return x_; }
  const std::vector<double>& u() const { return u_; }

 private:
  std::string name_, source_;
  std::vector<double> x_, u_;
  double capacity_mAh_g_ = 0;
};

}  // namespace coatkmc::macro
