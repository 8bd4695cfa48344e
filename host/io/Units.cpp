#include "host/io/Units.hpp"

#include <map>
#include <utility>
#include <vector>

namespace coatkmc {

namespace {

// Names the outputs use without a unit in them. Written once here, so that
// result.json, sweep.json and summary.json say the same thing of the same name.
const std::map<std::string, std::string>& named_units() {
  static const std::map<std::string, std::string> units = {
      // result.json (docs/observables.md)
      {"D_tracer", "cm^2/s"}, {"D_jump", "cm^2/s"}, {"conductivity", "S/cm"},
      {"conductivity_field", "S/cm"}, {"haven_ratio", "1"}, {"correlation_factor", "1"},
      {"drift_velocity", "cm/s"}, {"carrier_density", "cm^-3"}, {"simulated_time", "s"},
      {"wall_time", "s"}, {"wall_time_total", "s"}, {"hops_per_second", "1/s"},
      {"temperature", "K"}, {"hops", "count"}, {"attempts", "count"}, {"particles", "count"},
      {"sites", "count"}, {"ions", "count"}, {"fraction", "1"}, {"replicas", "count"},
      {"blocks", "count"}, {"seed", "1"}, {"dimension", "count"}, {"D_jump_dof", "1"},
      {"hop_network.dimensionality", "count"}, {"hop_network.best_dimensionality", "count"},
      {"hop_network.clusters", "count"},
      {"hop_network.largest_cluster_host_sites_per_cell", "count"},
      {"hop_network.host_sites_per_cell", "count"},
      // sweep.json (docs/sweeps.md)
      {"task", "count"}, {"replica", "count"}, {"exit_status", "1"}, {"tasks_total", "count"},
      {"tasks_done", "count"}, {"activation_energy", "eV"}, {"prefactor", "cm^2/s"},
      {"chi2", "1"}, {"dof", "count"}, {"points", "count"},
      // the varied keys of a sweep (values, fixed): their units in docs/configuration.md
      {"run.temperature", "K"}, {"hop.barrier", "eV"}, {"hop.attempt_frequency", "1/s"},
      {"lattice.a", "angstrom"}, {"lattice.c", "angstrom"}, {"occupancy.fraction", "1"},
      {"occupancy.vacancies", "1"}, {"run.seed", "1"}, {"run.field", "V/cm"},
      {"run.hops_per_particle", "1"}, {"run.time", "s"}, {"hop.interaction", "eV"},
      {"landscape.site_energy_sigma", "eV"}, {"landscape.barrier_sigma", "eV"},
      {"microstructure.grain_size", "angstrom"}, {"microstructure.grain_barrier", "eV"},
      {"microstructure.boundary_width", "angstrom"}, {"microstructure.boundary_barrier", "eV"},
      {"microstructure.blocked_fraction", "1"}, {"microstructure.defect_fraction", "1"},
      {"microstructure.anneal_temperature", "K"}, {"microstructure.anneal_time", "s"},
      // summary.json of the macro model (docs/macro-model.md) and anneal study
      {"D", "cm^2/s"}, {"D_kmc", "cm^2/s"}, {"c_rate", "1/h"}, {"classes", "count"},
      {"contact_spread", "1"}, {"constriction_factor", "1"}, {"coverage", "1"},
      {"evaluations", "count"}, {"surface_per_electrode_area", "1"}, {"steps", "count"},
      {"detection_limit", "1"}, {"layer", "count"}, {"attempt_frequency", "1/s"},
      {"D_fit_rms_residual", "1"}, {"kramers_kronig_max_residual", "1"},
      {"kramers_kronig_rms_residual", "1"}, {"planar_share_of_current", "1"},
      {"fitted_parameters.value", "the unit in `unit` of the same entry"},
      {"fitted_parameters.achieved", "the unit in `achieved_unit` of the same entry"},
      {"fitted_parameters.bracket", "the unit in `unit` of the same entry"},
      {"threshold_mA_cm2_at_D_min", "mA/cm^2"}, {"threshold_mA_cm2_at_D_max", "mA/cm^2"},
      {"onset_time_s_at_D_min", "s"}, {"onset_time_s_at_D_max", "s"},
      {"asr_ohm_cm2_rel_err_from_kmc", "1"}, {"anneal_hours", "h"},
      {"vacancy_fraction_at_anchor", "1"}, {"film_fraction_left", "1"},
      // provenance: identifiers of the job (null outside MPI and Slurm)
      {"mpi_rank", "1"}, {"slurm", "1"}, {"sweep_task", "count"}, {"sweep_replica", "count"}};
  return units;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The unit a name ends in, longest first (S_cm3 before S_cm).
const std::vector<std::pair<std::string, std::string>>& suffix_units() {
  static const std::vector<std::pair<std::string, std::string>> units = {
      {"_C_per_min", "degC/min"}, {"_mol_cm3", "mol/cm^3"}, {"_ohm_cm2", "ohm cm^2"},
      {"_angstrom3", "angstrom^3"}, {"_angstrom", "angstrom"}, {"_mA_cm2", "mA/cm^2"},
      {"_A_cm2", "A/cm^2"}, {"_F_cm2", "F/cm^2"}, {"_mAh_g", "mAh/g"}, {"_cm2_s", "cm^2/s"},
      {"_S_cm3", "S/cm^3"}, {"_S_cm", "S/cm"}, {"_hours", "h"}, {"_ohm", "ohm"},
      {"_eV", "eV"}, {"_Hz", "Hz"}, {"_nm", "nm"}, {"_um", "um"}, {"_A2", "angstrom^2"},
      {"_K", "K"}, {"_C", "degC"}, {"_V", "V"}, {"_s", "s"},
      // pure numbers by what they are
      {"_fraction", "1"}, {"_ratio", "1"}, {"_rel_err", "1"}, {"_rel_error", "1"},
      {"_ratio_paper", "1"}, {"_ratio_model", "1"}};
  return units;
}

}  // namespace

std::string unit_of_field(const std::string& name) {
  if (const auto it = named_units().find(name); it != named_units().end()) return it->second;
  // An error, an interval or the three components of X have the unit of X;
  // a ratio to a paper's or a model's value is a pure number.
  for (const char* tail : {"_err", "_ci95", "_xyz"})
    if (ends_with(name, tail) && name.size() > std::string(tail).size()) {
      if (ends_with(name, "_rel_err")) return "1";
      return unit_of_field(name.substr(0, name.size() - std::string(tail).size()));
    }
  for (const char* tail : {"_ratio_paper", "_ratio_model"})
    if (ends_with(name, tail)) return "1";
  for (const auto& [tail, unit] : suffix_units())
    if (ends_with(name, tail) && name.size() > tail.size()) return unit;
  return "";
}

namespace {

void collect_units(const nlohmann::json& node, std::vector<std::string>& path,
                   nlohmann::json& units) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (path.empty() && (it.key() == "config" || it.key() == "units")) continue;
      path.push_back(it.key());
      collect_units(it.value(), path, units);
      path.pop_back();
    }
    return;
  }
  if (node.is_array()) {
    for (const auto& item : node) collect_units(item, path, units);
    return;
  }
  // null: a number that could not be estimated (listed when its name has a
  // unit), or an absent text field (left out).
  if (!(node.is_number() || node.is_null()) || path.empty()) return;
  // parent.name, name, then the enclosing keys from the nearest out.
  if (path.size() >= 2) {
    const std::string both = path[path.size() - 2] + "." + path.back();
    if (const auto it = named_units().find(both); it != named_units().end()) {
      units[both] = it->second;
      return;
    }
  }
  for (size_t k = path.size(); k-- > 0;) {
    const std::string unit = unit_of_field(path[k]);
    if (!unit.empty()) {
      units[path[k]] = unit;
      return;
    }
  }
}

}  // namespace

nlohmann::json units_object(const nlohmann::json& document) {
  nlohmann::json units = nlohmann::json::object();
  std::vector<std::string> path;
  collect_units(document, path, units);
  return units;
}

}  // namespace coatkmc
