#include "host/macro/MacroStudy.hpp"

#include "host/macro/MacroCaseModel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "host/macro/ButlerVolmer.hpp"
#include "host/macro/EffectiveMedium.hpp"
#include "host/macro/ImpedanceSpectrum.hpp"
#include "host/macro/KramersKronig.hpp"
#include "host/macro/LiPlatingThreshold.hpp"
#include "host/macro/MixedConductingZone.hpp"
#include "host/macro/PhysicalConstants.hpp"
#include "host/macro/SingleParticleModel.hpp"
#include "host/macro/StackResistance.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc::macro {

using namespace study;


namespace {

// The parameters a study may fit (docs/macro-model.md), as given or fitted.
struct Fitted {
  double constriction = 1, transfer = 0, spread = 0;
};

// What the cases add up for the study: rate_capability.csv, discharge
// capacities (case -> rate -> mAh/g) and interfacial ASRs, for the expectations.
struct CaseTotals {
  std::ostringstream rate_csv;
  std::map<std::string, std::map<std::string, double>> capacities;
  std::map<std::string, double> asrs;
};

void record_kmc(const MacroConfig& m, const KmcValues& kmc, json& s) {
  s["kmc"] = json::array();
  for (const auto& [name, v] : kmc) {
    json j = v.json();
    try {
      j["conductivity_at_model_T_S_cm"] = v.conductivity_at(m.temperature);
      j["conductivity_err_at_model_T_S_cm"] = num(v.conductivity_err_at(m.temperature));
    } catch (const std::invalid_argument&) {
      j["conductivity_at_model_T_S_cm"] = nullptr;
    }
    s["kmc"].push_back(j);
  }
}

// The one free parameter of [fit] (and the contact spread with it), fitted to its target.
Fitted fit_free_parameter(const MacroConfig& m, const KmcValues& kmc, StudyOutput& out) {
  json& s = out.summary;
  Fitted f;
  double& constriction = f.constriction;
  double& transfer = f.transfer;
  double& spread = f.spread;
  constriction = m.coating_transport.constriction_factor;
  transfer = m.mixed_zone.transfer_conductance;
  spread = m.cathode.contact_spread;
  s["fitted_parameters"] = json::array();
  if (!m.fit.enabled) return f;
  {
    const CaseSpec* target_case = nullptr;
    for (const auto& c : m.cases)
      if (c.name == m.fit.case_name) target_case = &c;
    FitResult fr;
    std::string target_text;
    const bool capacity_fit = m.fit.parameter == "coating_transport.constriction_factor";
    if (capacity_fit) {
      const CaseModel cm = build_case(m, *target_case, kmc, transfer);
      const CycleProtocol p = make_protocol(m, m.fit.c_rate);
      auto fit_g = [&](double sp) {
        return bisect(
            [&](double g) {
              return run_cycle(make_cell(m, cm, g, sp), p).discharge.capacity_mAh_g;
            },
            m.fit.target, m.fit.lo, m.fit.hi);
      };
      if (m.fit.spread) {
        // Outer: the spread, so that the second rate's capacity matches with
        // G refitted at each trial; the second-rate capacity falls as the spread grows.
        const CycleProtocol p2 = make_protocol(m, m.fit.spread_c_rate);
        auto second = [&](double sp) {
          const FitResult g = fit_g(sp);
          return run_cycle(make_cell(m, cm, g.value, sp), p2).discharge.capacity_mAh_g;
        };
        const FitResult sr = solve_monotone(second, m.fit.spread_target, m.fit.spread_lo,
                                            m.fit.spread_hi, false, 1e-4);
        spread = sr.value;
        s["fitted_parameters"].push_back({{"name", "cathode.contact_spread"},
                                          {"value", sr.value},
                                          {"target", target_case->name + " discharge capacity at " +
                                                         rate_key(m.fit.spread_c_rate) + " = " +
                                                         fmt("%g mAh/g", m.fit.spread_target)},
                                          {"achieved", sr.achieved},
                                          {"status", sr.status},
                                          {"bracket", {m.fit.spread_lo, m.fit.spread_hi}},
                                          {"evaluations", sr.evaluations},
                                          {"unit", "1"},
                                          {"achieved_unit", "mAh/g"}});
        out.report.push_back("fitted cathode.contact_spread = " + fmt("%.4g", sr.value) +
                             " so that " + target_case->name + " capacity at " +
                             rate_key(m.fit.spread_c_rate) + " = " +
                             fmt("%g mAh/g", m.fit.spread_target) + " (" + sr.status + ")");
      }
      fr = fit_g(spread);
      constriction = fr.value;
      target_text = target_case->name + " discharge capacity at " + rate_key(m.fit.c_rate) + " = " +
                    fmt("%g mAh/g", m.fit.target);
    } else {
      fr = bisect([&](double g) { return build_case(m, *target_case, kmc, g).zone.asr; },
                  m.fit.target, m.fit.lo, m.fit.hi);
      transfer = fr.value;
      target_text = target_case->name + " interface ASR = " + fmt("%g Ohm cm^2", m.fit.target);
    }
    s["fitted_parameters"].push_back({{"name", m.fit.parameter},
                                      {"value", fr.value},
                                      {"target", target_text},
                                      {"achieved", fr.achieved},
                                      {"status", fr.status},
                                      {"bracket", {m.fit.lo, m.fit.hi}},
                                      {"evaluations", fr.evaluations},
                                      // The units of value/bracket and of achieved (summary.json units).
                                      {"unit", capacity_fit ? "1" : "S/cm^3"},
                                      {"achieved_unit", capacity_fit ? "mAh/g" : "ohm cm^2"}});
    out.report.push_back("fitted " + m.fit.parameter + " = " + fmt("%.4g", fr.value) + " so that " +
                         target_text + " (" + fr.status + ")");
  }
  return f;
}

json layers_json(const CaseModel& cm) {
  json cj;
  cj["layers"] = json::array();
  for (size_t i = 0; i < cm.layers.size(); ++i) {
    const StackLayer& l = cm.layers[i];
    cj["layers"].push_back(
        {{"name", l.name},
         {"thickness_nm", l.thickness_cm * 1e7},
         {"conductivity_S_cm", l.ionic_conductivity},
         {"conductivity_rel_err", num(cm.sigmas[i].rel_err)},
         {"conductivity_origin", cm.sigmas[i].origin},
         {"coverage", l.coverage},
         {"patch_fraction", l.patch_fraction},
         {"asr_share_ohm_cm2", cm.increments[i]},
         {"asr_L_over_sigma_ohm_cm2", l.asr()},
         {"capacitance_F_cm2", l.epsilon_r > 0 ? json(l.capacitance()) : json(nullptr)},
         {"arc_frequency_Hz",
          l.epsilon_r > 0
              ? json(l.ionic_conductivity / (2 * kPi * l.epsilon_r * kVacuumPermittivity))
              : json(nullptr)}});
  }
  return cj["layers"];
}

// Area-specific resistance terms, each on its own.
StackResistance stack_terms(const MacroConfig& m, const CaseModel& cm, const SpmCell* cell,
                            const Fitted& f) {
  const double constriction = f.constriction;
  StackResistance stack;
  const std::string layer_basis = m.cathode.enabled ? "particle surface" : "interface area";
  for (size_t i = 0; i < cm.layers.size(); ++i)
    stack.terms.push_back({cm.layers[i].name + (cm.layers[i].patch_fraction > 0
                                                    ? fmt(" (patches on %.3g of the surface)",
                                                          cm.layers[i].patch_fraction)
                                                    : std::string(" (L/sigma)")),
                           "layer", cm.increments[i], layer_basis, cm.sigmas[i].origin});
  if (cell) {
    if (constriction != 1 && cm.coating_sum > 0)
      stack.terms.push_back(
          {"coating constriction (G - 1) x sum L/sigma", "constriction",
           (constriction - 1) * cm.coating_sum, "particle surface",
           fmt("G = %.4g", constriction) +
               (m.fit.enabled && m.fit.parameter == "coating_transport.constriction_factor"
                    ? " (fitted)"
                    : " (input)")});
  }
  for (const auto& ip : cm.interphases)
    stack.terms.push_back({ip.name, "interphase", ip.asr, ip.basis, "input"});
  if (cell && cell->kinetics.exchange_current > 0)
    stack.terms.push_back(
        {"charge transfer (RT / F i0)", "charge transfer", cell->kinetics.linear_resistance(),
         "particle surface",
         fmt("i0 = %.4g mA/cm^2 (input)", cell->kinetics.exchange_current * 1e3)});
  if (cm.zone.present && std::isfinite(cm.zone.asr))
    stack.terms.push_back(
        {"interface with mixed-conducting zone", "zone", cm.zone.asr, "interface area",
         fmt("planar %.4g Ohm cm^2 (input) in parallel with the zone's transfer",
             m.mixed_zone.planar_charge_transfer)});
  if (m.cell.separator_asr > 0)
    stack.terms.push_back({"separator", "bulk", m.cell.separator_asr, "electrode area", "input"});
  if (m.cell.anode_asr > 0)
    stack.terms.push_back({"anode", "bulk", m.cell.anode_asr, "electrode area", "input"});
  return stack;
}

// The interfacial ASR: everything between the particle and the electrolyte.
double case_asr(const CaseSpec& c, const CaseModel& cm, const SpmCell* cell,
                const StackResistance& stack, json& cj, StudyOutput& out) {
  for (const auto& t : stack.terms)
    cj["asr_terms"].push_back({{"name", t.name},
                               {"kind", t.kind},
                               {"asr_ohm_cm2", t.asr},
                               {"basis", t.basis},
                               {"origin", t.origin}});
  double asr = NAN;
  if (cell) {
    const double particle = stack.total("particle surface");
    const double a = cell->surface_per_area();
    cj["asr_particle_ohm_cm2"] = particle;
    cj["surface_per_electrode_area"] = a;
    asr = a > 0 ? particle / a + interphase_sum(cm, "electrode area") : particle;
    cj["asr_basis"] = a > 0 ? "electrode area" : "particle surface";
  } else if (cm.zone.present) {
    asr = cm.zone.asr;
    cj["asr_basis"] = "interface area";
    cj["zone"] = {
        {"anneal_temperature_C", c.anneal_temperature > 0 ? c.anneal_temperature - 273.15 : 0.0},
        {"anneal_hours", c.anneal_time / 3600},
        {"dopant_diffusivity_cm2_s", cm.zone.diffusivity},
        {"diffusion_length_nm", cm.zone.diffusion_length * 1e7},
        {"film_fraction_left", cm.zone.film_left},
        {"film_consumed", cm.zone.film_consumed},
        {"planar_share_of_current", num(cm.zone.planar_share)},
        {"asr_if_electronic_conductivity_stayed_undoped_ohm_cm2",
         num(cm.zone.asr_undoped_electronic)}};
    if (!cm.zone.profile.depth_cm.empty()) {
      std::ostringstream pc;
      pc << "depth_nm,composition\n";
      for (size_t k = 0; k < cm.zone.profile.depth_cm.size(); ++k)
        pc << cm.zone.profile.depth_cm[k] * 1e7 << "," << cm.zone.profile.composition[k] << "\n";
      out.files["profile_" + c.name + ".csv"] = pc.str();
    }
  }
  cj["asr_ohm_cm2"] = num(asr);
  if (std::isfinite(asr) && !cm.sigmas.empty() && std::isfinite(cm.sigmas[0].rel_err))
    cj["asr_ohm_cm2_rel_err_from_kmc"] = cm.sigmas[0].rel_err;
  return asr;
}

// Rate capability: one cycle per C-rate.
void rate_capability(const MacroConfig& m, const CaseSpec& c, const SpmCell& cell_ref, json& cj,
                     CaseTotals& totals, StudyOutput& out) {
  const SpmCell* cell = &cell_ref;
  if (cell) {
    cj["capacity_mAh_g"] = json::object();
    cj["rate_capability"] = json::array();
    cj["equilibrium_capacity_mAh_g"] = equilibrium_capacity(*cell, make_protocol(m, 1.0));
    std::ostringstream vc;
    vc << "c_rate,half,capacity_mAh_g,voltage_V,x_surface,x_mean\n";
    for (double rate : m.rates) {
      const CycleResult r = run_cycle(*cell, make_protocol(m, rate));
      const std::string key = rate_key(rate);
      cj["capacity_mAh_g"][key] = r.discharge.capacity_mAh_g;
      totals.capacities[c.name][key] = r.discharge.capacity_mAh_g;
      cj["rate_capability"].push_back(
          {{"c_rate", rate},
           {"discharge_capacity_mAh_g", r.discharge.capacity_mAh_g},
           {"charge_capacity_mAh_g",
            m.cell.charge_first ? json(r.charge.capacity_mAh_g) : json(nullptr)},
           {"discharge_stop", r.discharge.stop},
           {"charge_stop", m.cell.charge_first ? json(r.charge.stop) : json(nullptr)},
           {"surface_current_A_cm2", r.surface_current_A_cm2},
           {"geometric_current_mA_cm2", r.geometric_current_mA_cm2},
           {"overpotential_V",
            {{"coating_and_interphases", r.eta_ohmic_surface},
             {"charge_transfer", r.eta_kinetic},
             {"separator_and_anode", r.eta_geometric}}},
           {"charge_balance_error_mAh_g", r.charge_balance_error_mAh_g}});
      totals.rate_csv << c.name << "," << rate << "," << r.discharge.capacity_mAh_g << ","
               << (m.cell.charge_first ? r.charge.capacity_mAh_g : NAN) << "," << r.discharge.stop
               << "," << (m.cell.charge_first ? r.charge.stop : "") << ","
               << r.surface_current_A_cm2 << "," << r.geometric_current_mA_cm2 << ","
               << r.charge_balance_error_mAh_g << "\n";
      for (const auto& p : r.charge.curve)
        vc << rate << ",charge," << p.capacity_mAh_g << "," << p.voltage << "," << p.x_surface
           << "," << p.x_mean << "\n";
      for (const auto& p : r.discharge.curve)
        vc << rate << ",discharge," << p.capacity_mAh_g << "," << p.voltage << "," << p.x_surface
           << "," << p.x_mean << "\n";
    }
    out.files["voltage_" + c.name + ".csv"] = vc.str();
  }
}

// Impedance spectrum and its Kramers-Kronig check.
void impedance(const MacroConfig& m, const CaseSpec& c, const CaseModel& cm, const SpmCell* cell,
               const Fitted& f, const std::vector<double>& freqs, json& cj, StudyOutput& out) {
  const double constriction = f.constriction;
  if (cell || cm.zone.present || !cm.layers.empty()) {
    const ImpedanceSpectrum z = case_spectrum(m, cm, cell, constriction);
    if (!z.elements().empty()) {
      out.files["impedance_" + c.name + ".csv"] = z.csv(freqs);
      KramersKronigOptions ko;
      for (const auto& e : z.elements())
        if (std::isinf(e.dc_resistance())) ko.series_capacitance = true;
      const KramersKronigResult kk = kramers_kronig_check(z.evaluate(freqs), ko);
      json elements = json::array();
      for (const auto& e : z.elements())
        elements.push_back({{"label", e.label},
                            {"R_ohm_cm2", e.r},
                            {"apex_frequency_Hz",
                             e.apex_frequency() > 0 ? json(e.apex_frequency()) : json(nullptr)},
                            {"tau_s", e.tau > 0 ? json(e.tau) : json(nullptr)}});
      cj["impedance"] = {{"csv", "impedance_" + c.name + ".csv"},
                         {"basis", cell && cell->surface_per_area() > 0 ? "electrode area"
                                   : cell                               ? "particle surface"
                                                                        : "interface area"},
                         {"elements", elements},
                         {"kramers_kronig_max_residual", kk.max_residual},
                         {"kramers_kronig_rms_residual", kk.rms_residual}};
    }
  }
}

json evaluate_case(const MacroConfig& m, const CaseSpec& c, const KmcValues& kmc, const Fitted& f,
                   const std::vector<double>& freqs, CaseTotals& totals, StudyOutput& out) {
  const CaseModel cm = build_case(m, c, kmc, f.transfer);
  json cj;
  cj["name"] = c.name;
  if (!c.paper.is_null()) cj["paper"] = c.paper;
  cj["layers"] = layers_json(cm);
  std::unique_ptr<SpmCell> cell;
  if (m.cathode.enabled) cell = std::make_unique<SpmCell>(make_cell(m, cm, f.constriction, f.spread));
  const StackResistance stack = stack_terms(m, cm, cell.get(), f);
  cj["asr_terms"] = json::array();
  const double asr = case_asr(c, cm, cell.get(), stack, cj, out);
  if (std::isfinite(asr)) totals.asrs[c.name] = asr;
  if (cell) rate_capability(m, c, *cell, cj, totals, out);
  impedance(m, c, cm, cell.get(), f, freqs, cj, out);
  return cj;
}

// Comparisons with the paper: ratios to the first case (or the fitted one).
json compare_with_paper(const MacroConfig& m, const json& s) {
  {
    const std::string ref = m.fit.enabled ? m.fit.case_name : m.cases.front().name;
    json comp = json::object();
    comp["reference_case"] = ref;
    comp["cases"] = json::array();
    const json* ref_paper = nullptr;
    const json* ref_model = nullptr;
    for (const auto& cj : s["cases"]) {
      if (cj["name"] == ref) ref_model = &cj;
      if (cj["name"] == ref && cj.contains("paper")) ref_paper = &cj["paper"];
    }
    for (const auto& cj : s["cases"]) {
      json row{{"name", cj["name"]}};
      if (ref_model && !cj["asr_ohm_cm2"].is_null() && !(*ref_model)["asr_ohm_cm2"].is_null())
        row["asr_ratio_model"] =
            cj["asr_ohm_cm2"].get<double>() / (*ref_model)["asr_ohm_cm2"].get<double>();
      if (ref_model && !cj["layers"].empty() && !(*ref_model)["layers"].empty())
        row["conductivity_ratio_model"] =
            cj["layers"][0]["conductivity_S_cm"].get<double>() /
            (*ref_model)["layers"][0]["conductivity_S_cm"].get<double>();
      if (ref_paper && cj.contains("paper")) {
        for (const char* k : {"interfacial_resistance_ohm", "asr_ohm_cm2", "conductivity_S_cm"}) {
          if (cj["paper"].contains(k) && ref_paper->contains(k) && cj["paper"][k].is_number() &&
              (*ref_paper)[k].is_number())
            row[std::string(k) + "_ratio_paper"] =
                cj["paper"][k].get<double>() / (*ref_paper)[k].get<double>();
        }
      }
      comp["cases"].push_back(row);
    }
    return comp;
  }

}

// The orderings the paper measured ([[expect]]), checked.
void check_expectations(const MacroConfig& m, const CaseTotals& totals, StudyOutput& out) {
  json& s = out.summary;
  const auto& capacities = totals.capacities;
  const auto& asrs = totals.asrs;
  s["expectations"] = json::array();
  for (const auto& e : m.expects) {
    bool ok = true;
    std::string text;
    std::vector<double> values;
    for (const auto& n : e.order) {
      double v = NAN;
      if (e.quantity == "capacity") {
        auto it = capacities.find(n);
        if (it != capacities.end() && it->second.count(rate_key(e.c_rate)))
          v = it->second.at(rate_key(e.c_rate));
      } else if (asrs.count(n)) {
        v = asrs.at(n);
      }
      values.push_back(v);
      text += (text.empty() ? "" : " > ") + n + " (" + fmt("%.4g", v) + ")";
    }
    for (size_t i = 1; i < values.size(); ++i)
      if (!(values[i - 1] > values[i])) ok = false;
    const std::string what =
        (e.quantity == "capacity" ? "capacity at " + rate_key(e.c_rate) : std::string("ASR")) +
        " ordered " + text;
    s["expectations"].push_back({{"what", what}, {"met", ok}});
    out.report.push_back(std::string(ok ? "as measured: " : "NOT as measured: ") + what);
    out.expectations_met = out.expectations_met && ok;
  }

}

// Li-metal anode coatings: plating thresholds and onset times.
void plating_thresholds(const MacroConfig& m, StudyOutput& out) {
  json& s = out.summary;
  if (m.plating.enabled) {
    const PlatingSpec& p = m.plating;
    json pj;
    pj["nucleation_overpotential_V"] = p.nucleation_overpotential;
    pj["current_density_mA_cm2"] = p.current_density;
    pj["alloys"] = json::array();
    std::ostringstream csv;
    csv << "alloy,thickness_um,D_cm2_s,threshold_mA_cm2,onset_time_s_at_j\n";
    for (const auto& a : p.alloys) {
      json aj{{"name", a.name},
              {"diffusivity_cm2_s", {a.d_min, a.d_max}},
              {"li_concentration_mol_cm3", a.li_concentration},
              {"note", a.note},
              {"thresholds", json::array()}};
      for (double l : p.thicknesses_cm) {
        json row{{"thickness_um", l * 1e4}};
        for (const double d : {a.d_min, a.d_max}) {
          PlatingCoating pc;
          pc.name = a.name;
          pc.diffusivity_cm2_s = d;
          pc.li_concentration_mol_cm3 = a.li_concentration;
          pc.thickness_cm = l;
          pc.nucleation_overpotential = p.nucleation_overpotential;
          pc.temperature = m.temperature;
          const double j = pc.threshold_mA_cm2();
          const double t = plating_onset_time(pc, p.current_density, 200);
          row[d == a.d_min ? "threshold_mA_cm2_at_D_min" : "threshold_mA_cm2_at_D_max"] = j;
          row[d == a.d_min ? "onset_time_s_at_D_min" : "onset_time_s_at_D_max"] = num(t);
          csv << a.name << "," << l * 1e4 << "," << d << "," << j << ","
              << (std::isfinite(t) ? std::to_string(t) : std::string("inf")) << "\n";
          if (a.d_min == a.d_max) break;
        }
        aj["thresholds"].push_back(row);
      }
      pj["alloys"].push_back(aj);
    }
    s["plating"] = pj;
    out.files["plating.csv"] = csv.str();
  }
}

}  // namespace

StudyOutput evaluate_study(const MacroConfig& m, const KmcValues& kmc) {
  StudyOutput out;
  json& s = out.summary;
  s["title"] = m.title;
  s["reference"] = m.reference;
  s["model_file"] = m.path;
  s["temperature_K"] = m.temperature;
  if (!m.paper.is_null()) s["paper"] = m.paper;

  record_kmc(m, kmc, s);
  const Fitted f = fit_free_parameter(m, kmc, out);
  s["coating_transport"] = {{"constriction_factor", f.constriction}};
  if (m.cathode.enabled)
    s["particles"] = {{"contact_spread", f.spread}, {"classes", m.cathode.particle_classes}};
  if (m.mixed_zone.enabled) s["mixed_zone"] = {{"transfer_conductance_S_cm3", f.transfer}};

  // ---- every case ----
  const std::vector<double> freqs =
      log_frequencies(m.impedance.f_min, m.impedance.f_max, m.impedance.per_decade);
  CaseTotals totals;
  totals.rate_csv << "case,c_rate,discharge_capacity_mAh_g,charge_capacity_mAh_g,discharge_stop,"
                     "charge_stop,surface_current_A_cm2,geometric_current_mA_cm2,"
                     "charge_balance_error_mAh_g\n";
  s["cases"] = json::array();
  for (const auto& c : m.cases) s["cases"].push_back(evaluate_case(m, c, kmc, f, freqs, totals, out));
  if (m.cathode.enabled && !m.cases.empty()) out.files["rate_capability.csv"] = totals.rate_csv.str();
  if (!m.cases.empty()) s["comparison"] = compare_with_paper(m, s);
  s["expectations"] = json::array();
  check_expectations(m, totals, out);
  if (m.plating.enabled) plating_thresholds(m, out);
  return out;
}

}  // namespace coatkmc::macro
