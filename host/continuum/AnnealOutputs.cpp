#include "host/continuum/AnnealOutputs.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "host/io/BuildInfo.hpp"
#include "host/io/Units.hpp"

namespace coatkmc {

namespace {

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

std::string anneal_profiles_csv(const AnnealStudyResult& r) {
  std::ostringstream csv;
  csv << std::setprecision(10) << "depth_nm";
  for (const AnnealCase& c : r.cases) csv << ",c_" << c.temperature_C << "C";
  csv << "\n";
  for (size_t i = 0; i < r.cases.front().depth_nm.size(); ++i) {
    csv << r.cases.front().depth_nm[i];
    for (const AnnealCase& c : r.cases) csv << "," << c.c[i];
    csv << "\n";
  }
  return csv.str();

}

std::string anneal_profiles_time_csv(const AnnealStudyResult& r) {
  std::ostringstream tcsv;
  tcsv << std::setprecision(10) << "case_C,time_s,temperature_C,depth_nm,c\n";
  for (const AnnealCase& c : r.cases)
    for (const AnnealCase::Snapshot& p : c.snapshots)
      for (size_t i = 0; i < p.c.size(); ++i)
        tcsv << c.temperature_C << "," << p.time_s << "," << p.temperature_C << "," << c.depth_nm[i]
             << "," << p.c[i] << "\n";
  return tcsv.str();

}

std::string anneal_microstructure_csv(const AnnealStudyResult& r) {
  bool evolving = false;
  std::ostringstream mcsv;
  mcsv << std::setprecision(10)
       << "case_C,layer,time_s,temperature_C,crystallized_fraction,grain_size_nm,"
          "boundary_fraction,D_cm2_s\n";
  for (const AnnealCase& c : r.cases)
    for (const AnnealCase::EvolvingLayer& e : c.microstructure) {
      evolving = true;
      for (const MicrostructurePoint& p : e.history)
        mcsv << c.temperature_C << ",\"" << e.layer << "\"," << p.time_s << ","
             << p.temperature_K - 273.15 << "," << p.crystallized_fraction << "," << p.grain_size_nm
             << "," << p.boundary_fraction << "," << p.D_cm2_s << "\n";
    }
  return evolving ? mcsv.str() : std::string();

}

std::string anneal_kmc_csv(const AnnealStudyResult& r) {
  if (!r.kmc) return "";
  std::ostringstream kc;
  kc << std::setprecision(10) << "temperature_K,D_kmc_cm2_s,D_kmc_err,D_cm2_s,D_err\n";
  for (const KmcDiffusivityRow& row : r.kmc->rows)
    kc << row.temperature_K << "," << row.D_kmc << "," << row.D_kmc_err << "," << row.D << ","
       << row.D_err << "\n";
  return kc.str();
}

namespace {

nlohmann::json kmc_summary(const AnnealStudySettings& s, const AnnealStudyResult& r) {
  nlohmann::json k;
  const KmcDiffusivitySettings& ks = *s.kmc;
  k["lattice"] = ks.lattice;
  k["a_angstrom"] = ks.a_angstrom;
  k["barrier_eV"] = ks.barrier_eV;
  k["attempt_frequency"] = ks.attempt_frequency;
  k["sites"] = r.kmc->sites;
  k["anchor_temperature_C"] = ks.anchor_K - 273.15;
  k["anchor_D_cm2_s"] = ks.anchor_D_cm2_s;
  k["vacancy_formation_eV"] = ks.vacancy_formation_eV;
  k["component"] = ks.component;
  k["vacancy_fraction_at_anchor"] = r.kmc->vacancy_fraction;
  k["correlation_factor"] = r.kmc->correlation_factor;
  k["activation_energy_eV"] = number(r.kmc->fit.activation_energy_eV);
  k["activation_energy_err"] = number(r.kmc->fit.activation_energy_err);
  k["wall_time"] = r.kmc->wall_s;
  for (const KmcDiffusivityRow& row : r.kmc->rows) {
    k["table"].push_back({{"temperature_K", row.temperature_K},
                          {"D_kmc_cm2_s", row.D_kmc},
                          {"D_kmc_err", number(row.D_kmc_err)},
                          {"D_cm2_s", row.D},
                          {"D_err", number(row.D_err)}});
  }
  return k;
}

nlohmann::json case_summary(const AnnealStudySettings& s, const AnnealCase& c) {
  nlohmann::json cj;
  cj["temperature_C"] = c.temperature_C;
  cj["time_s"] = c.time_s;
  cj["schedule_s"] = c.schedule_s;
  cj["D_cm2_s"] = number(c.D_fit);
  cj["D_err_cm2_s"] = number(c.D_fit_err);
  cj["D_fit_rms_residual"] = number(c.fit_rms);
  cj["D_fit_sqrt_Dt_nm"] = number(c.fit_sqrt_Dt_nm);
  // Below one cell of spreading the fitted D says only "too small to resolve".
  cj["D_resolved"] = c.D_resolved;
  cj["D_model_cm2_s"] = c.D_model_cm2_s;
  cj["penetration_depth_nm"] = c.penetration_depth_nm;
  cj["film_remaining_fraction"] = c.film_remaining_fraction;
  if (!s.species_name.empty())
    cj[s.species_name + "_remaining_fraction"] = c.film_remaining_fraction;
  for (const AnnealCase::Snapshot& p : c.snapshots)
    cj["snapshots"].push_back({{"time_s", p.time_s},
                               {"temperature_C", p.temperature_C},
                               {"film_remaining_fraction", p.film_remaining_fraction},
                               {"penetration_depth_nm", p.penetration_depth_nm}});
  cj["mass_balance_rel_error"] = c.mass_balance_rel_error;
  cj["steps"] = c.steps;
  for (const AnnealCase::EvolvingLayer& e : c.microstructure)
    cj["microstructure"].push_back({{"layer", e.layer},
                                    {"crystallized_fraction", e.crystallized_fraction},
                                    {"grain_size_nm", e.grain_size_nm},
                                    {"boundary_fraction", e.boundary_fraction},
                                    {"D_initial_cm2_s", e.D_initial_cm2_s},
                                    {"D_final_cm2_s", e.D_final_cm2_s}});
  return cj;
}

}  // namespace

nlohmann::json anneal_summary_json(const AnnealStudySettings& s, const AnnealStudyResult& r,
                                   const std::string& config_path, double wall_s) {
  nlohmann::json j;
  j["study"] = s.name;
  j["species"] = s.species;
  j["config"] = config_path;
  j["version"] = build_info().version;
  j["detection_limit"] = s.detection_limit;
  j["film"] = s.film;
  j["film_thickness_nm"] = r.film_thickness_nm;
  j["interface_depth_nm"] = r.film_bottom_nm;
  j["hold_s"] = s.hold_s;
  j["ramp_C_per_min"] = s.ramp_C_per_min;
  for (const AnnealProgramStep& p : s.program) {
    if (p.is_hold)
      j["segments"].push_back({{"hold_s", p.hold_s}});
    else if (p.rate_C_per_min > 0)
      j["segments"].push_back({{"to_C", p.to_case ? nlohmann::json("T") : nlohmann::json(p.to_C)},
                               {"rate_C_per_min", p.rate_C_per_min}});
    else
      j["segments"].push_back({{"to_C", p.to_case ? nlohmann::json("T") : nlohmann::json(p.to_C)},
                               {"duration_s", p.duration_s}});
  }
  if (s.reference_D_cm2_s) j["reference_D_cm2_s"] = *s.reference_D_cm2_s;
  if (r.kmc) j["kmc"] = kmc_summary(s, r);
  for (const AnnealCase& c : r.cases) j["cases"].push_back(case_summary(s, c));
  j["wall_time"] = wall_s;
  j["units"] = units_object(j);
  return j;
}

}  // namespace coatkmc
