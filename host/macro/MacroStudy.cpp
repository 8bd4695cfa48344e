#include "host/macro/MacroStudy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
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

namespace {

using json = nlohmann::json;

std::string fmt(const char* f, double v) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

json num(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

// ---- conductivities -----------------------------------------------------------

struct Sigma {
  double value = 0, rel_err = 0;
  std::string origin;
};

Sigma conductivity(const ConductivitySpec& c, const KmcValues& kmc, double t,
                   const std::string& where) {
  Sigma s;
  if (c.kmc.empty()) {
    s.value = c.value;
    s.origin = "input " + fmt("%.4g S/cm", c.value);
    return s;
  }
  const KmcValue& v = kmc.at(c.kmc);
  try {
    s.value = v.conductivity_at(t) * c.scale;
    const double err = v.conductivity_err_at(t) * c.scale;
    s.rel_err = std::isfinite(err) ? err / s.value : NAN;
  } catch (const std::invalid_argument& e) {
    throw InputError(where, e.what());
  }
  s.origin = "kMC '" + c.kmc + "'" + (c.scale != 1 ? fmt(" x %.4g", c.scale) : "");
  if (!(s.value > 0))
    throw InputError(where, "kMC source '" + c.kmc + "' gave no positive conductivity");
  return s;
}

Sigma layer_conductivity(const LayerSpec& l, const KmcValues& kmc, double t) {
  if (l.phases.empty()) return conductivity(l.conductivity, kmc, t, l.where);
  std::vector<Phase> phases;
  Sigma out;
  out.origin = "Bruggeman mix of";
  double rel2 = 0;
  for (const auto& p : l.phases) {
    const Sigma s = conductivity(p.conductivity, kmc, t, l.where);
    phases.push_back({p.fraction, s.value});
    out.origin += " " + fmt("%.3g", p.fraction) + " x [" + s.origin + "]";
    if (std::isfinite(s.rel_err)) rel2 += std::pow(p.fraction * s.rel_err, 2);
  }
  out.value = bruggeman_conductivity(phases);
  out.rel_err = std::sqrt(rel2);  // a rough propagation: weights by fraction
  return out;
}

// ---- one case ------------------------------------------------------------------

struct ZoneResult {
  bool present = false;
  double asr = NAN;                     // interface ASR (sharp interface and zone), Ohm cm^2
  double asr_undoped_electronic = NAN;  // the same zone with the host's electronic conductivity
  double diffusivity = 0, diffusion_length = 0, film_left = 1, planar_share = 1, depth = 0;
  bool film_consumed = false;
  DopantProfile profile;
};

struct CaseModel {
  const CaseSpec* spec = nullptr;
  std::vector<StackLayer> layers;
  std::vector<Sigma> sigmas;
  std::vector<InterphaseSpec> interphases;
  double coating_sum = 0;  // the layers in series (series_resistance), Ohm cm^2 of particle surface
  std::vector<double> increments;  // each layer's share of coating_sum
  double exchange_current = 0;
  ZoneResult zone;
};

// One column of a CSV whose first column is depth_nm and whose header names
// the columns; depths returned in cm.
void read_profile_column(const std::string& path, const std::string& column,
                         std::vector<double>* depth_cm, std::vector<double>* values) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open the profile table");
  std::string line;
  if (!std::getline(in, line)) throw InputError(path, "empty profile table");
  std::vector<std::string> header;
  {
    std::stringstream hs(line);
    std::string cell;
    while (std::getline(hs, cell, ',')) header.push_back(cell);
  }
  size_t col = 0;
  for (size_t i = 1; i < header.size(); ++i)
    if (header[i] == column) col = i;
  if (col == 0) throw InputError(path, "no column '" + column + "' (the header is: " + line + ")");
  int number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    std::stringstream ls(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(ls, cell, ',')) {
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str())
        throw InputError(path + ":" + std::to_string(number), "not a number: '" + cell + "'");
      row.push_back(v);
    }
    if (row.size() <= col) throw InputError(path + ":" + std::to_string(number), "row too short");
    depth_cm->push_back(row[0] * 1e-7);
    values->push_back(row[col]);
  }
}

ZoneResult evaluate_zone(const MacroConfig& m, const CaseSpec& c, const KmcValues& kmc,
                         double transfer_conductance) {
  ZoneResult z;
  const MixedZoneSpec& s = m.mixed_zone;
  z.present = true;
  const double host = conductivity(s.host_ionic, kmc, m.temperature, s.where).value;
  if (c.anneal_time <= 0 || c.anneal_temperature <= 0) {
    z.asr = s.planar_charge_transfer;
    return z;
  }
  const double ta = c.anneal_temperature;
  if (!s.profile_csv.empty()) {
    // A tabulated profile (the anneal study's profiles.csv): depth from the
    // film's outer face in nm, one column per anneal.
    std::vector<double> y, comp;
    read_profile_column(s.profile_csv, c.profile_column, &y, &comp);
    for (double& v : comp) v /= s.profile_scale;
    try {
      z.profile = profile_from_table(y, comp, s.source_thickness_cm);
    } catch (const std::invalid_argument& e) {
      throw InputError(s.profile_csv, e.what());
    }
    if (s.depth_cm > 0) {
      while (z.profile.depth_cm.size() > 2 && z.profile.depth_cm.back() > s.depth_cm) {
        z.profile.depth_cm.pop_back();
        z.profile.composition.pop_back();
      }
    }
    z.depth = z.profile.depth_cm.back();
    z.diffusion_length = NAN;
  } else {
    if (!s.diffusion_kmc.empty()) {
      try {
        z.diffusivity = kmc.at(s.diffusion_kmc).tracer_at(ta);
      } catch (const std::invalid_argument& e) {
        throw InputError(s.where, e.what());
      }
    } else {
      z.diffusivity =
          s.diffusion_prefactor * std::exp(-s.diffusion_activation / (kBoltzmannEvPerK * ta));
    }
    const double ell = 2 * std::sqrt(z.diffusivity * c.anneal_time);
    z.depth = s.depth_cm > 0 ? s.depth_cm : std::max(4.0 * ell, 50e-7);
    z.profile = finite_film_profile(s.source_thickness_cm, z.diffusivity, c.anneal_time, z.depth,
                                    s.cells + 1);
    z.diffusion_length = z.profile.diffusion_length_cm;
  }
  z.film_left = z.profile.film_fraction_left;
  // A film that has given up nearly all its cobalt (more than 90 %) no longer
  // makes an interface (seeds/000: no interface arc after 700 C).
  if (z.film_left < 0.1) {
    z.film_consumed = true;
    return z;
  }
  MixedZoneLine line;
  line.depth_cm = z.profile.depth_cm;
  line.planar_resistance = s.planar_charge_transfer;
  double ionic_only = 0;
  const int cells = static_cast<int>(z.profile.depth_cm.size()) - 1;
  for (int k = 0; k < cells; ++k) {
    const double comp = 0.5 * (z.profile.composition[k] + z.profile.composition[k + 1]);
    const double doping = std::min(comp / s.saturation_fraction, 1.0);
    const double se =
        std::exp(std::log(s.electronic_host) +
                 (std::log(s.electronic_doped) - std::log(s.electronic_host)) * doping);
    const double si = host * std::exp(std::log(s.ionic_at_saturation_ratio) * doping);
    line.electronic_conductivity.push_back(se);
    line.ionic_conductivity.push_back(si);
    line.transfer_conductance.push_back(transfer_conductance * doping);
    ionic_only += (line.depth_cm[k + 1] - line.depth_cm[k]) / host;
  }
  // The bulk electrolyte's own resistance over the resolved depth is reported
  // with the bulk, not with the interface.
  z.asr = line.resistance() - ionic_only;
  z.planar_share = line.planar_share();
  // What the zone would do if doping did not raise the electronic conductivity.
  MixedZoneLine undoped = line;
  undoped.electronic_conductivity.assign(undoped.electronic_conductivity.size(), s.electronic_host);
  z.asr_undoped_electronic = undoped.resistance() - ionic_only;
  return z;
}

CaseModel build_case(const MacroConfig& m, const CaseSpec& c, const KmcValues& kmc,
                     double transfer_conductance) {
  CaseModel cm;
  cm.spec = &c;
  for (const auto& l : c.layers) {
    const Sigma s = layer_conductivity(l, kmc, m.temperature);
    StackLayer sl;
    sl.name = l.name;
    sl.thickness_cm = l.thickness_cm;
    sl.ionic_conductivity = s.value;
    sl.electronic_conductivity = l.electronic_conductivity;
    sl.epsilon_r = l.epsilon_r;
    sl.cpe_alpha = l.cpe_alpha;
    sl.coverage = l.coverage;
    sl.patch_fraction = l.patch_fraction;
    cm.layers.push_back(sl);
    cm.sigmas.push_back(s);
  }
  cm.coating_sum = series_resistance(cm.layers, &cm.increments);
  cm.interphases = m.interphases;
  cm.interphases.insert(cm.interphases.end(), c.interphases.begin(), c.interphases.end());
  cm.exchange_current = c.exchange_current > 0 ? c.exchange_current : m.cathode.exchange_current;
  if (m.mixed_zone.enabled) cm.zone = evaluate_zone(m, c, kmc, transfer_conductance);
  return cm;
}

double interphase_sum(const CaseModel& cm, const std::string& basis) {
  double s = 0;
  for (const auto& i : cm.interphases)
    if (i.basis == basis) s += i.asr;
  return s;
}

SpmCell make_cell(const MacroConfig& m, const CaseModel& cm, double constriction, double spread) {
  SpmCell cell;
  cell.classes = lognormal_classes(spread, m.cathode.particle_classes);
  const CathodeSpec& c = m.cathode;
  cell.ocv = c.ocv_file.empty() ? OcvTable::builtin(c.ocv)
                                : OcvTable::from_csv(c.ocv_file, c.table_capacity);
  cell.radius_cm = c.radius_cm;
  cell.diffusivity_cm2_s = c.diffusivity;
  cell.density_g_cm3 = c.density;
  cell.surface_resistance = constriction * cm.coating_sum + interphase_sum(cm, "particle surface");
  cell.kinetics.exchange_current = cm.exchange_current;
  cell.kinetics.alpha_anodic = cell.kinetics.alpha_cathodic = c.alpha;
  cell.kinetics.temperature = m.temperature;
  cell.loading_g_cm2 = c.loading;
  cell.geometric_resistance =
      m.cell.separator_asr + m.cell.anode_asr + interphase_sum(cm, "electrode area");
  cell.anode_potential = m.cell.anode_potential;
  return cell;
}

CycleProtocol make_protocol(const MacroConfig& m, double c_rate) {
  CycleProtocol p;
  p.c_rate = c_rate;
  p.one_c_mAh_g = m.cathode.one_c;
  p.v_min = m.cell.v_min;
  p.v_max = m.cell.v_max;
  p.charge_first = m.cell.charge_first;
  p.shells = m.shells;
  p.steps = m.steps;
  return p;
}

// ---- the fit ---------------------------------------------------------------------

struct FitResult {
  double value = NAN, achieved = NAN;
  std::string status;
  int evaluations = 0;
};

// value(p) falls as p grows; find p with value(p) = target in [lo, hi]:
// regula falsi on ln p with the Illinois modification (superlinear, and it
// keeps the bracket). `log_scale` false works on p itself (for a spread).
FitResult solve_monotone(const std::function<double(double)>& value, double target, double lo,
                         double hi, bool log_scale = true, double tolerance = 1e-6) {
  FitResult r;
  auto to = [&](double p) { return log_scale ? std::log(p) : p; };
  auto from = [&](double u) { return log_scale ? std::exp(u) : u; };
  double a = to(lo), b = to(hi);
  double fa = value(lo) - target, fb = value(hi) - target;
  r.evaluations = 2;
  if (fa < 0) {
    r.value = lo, r.achieved = fa + target;
    r.status = "target not reached: even the lower bound gives less (parameter at its lower bound)";
    return r;
  }
  if (fb > 0) {
    r.value = hi, r.achieved = fb + target;
    r.status = "target not reached: even the upper bound gives more (parameter at its upper bound)";
    return r;
  }
  int side = 0;
  double u = a, fu = fa;
  for (int it = 0; it < 100; ++it) {
    u = (fa == fb) ? 0.5 * (a + b) : (a * fb - b * fa) / (fb - fa);
    fu = value(from(u)) - target;
    ++r.evaluations;
    if (std::fabs(fu) <= tolerance * std::max(1.0, std::fabs(target)) || b - a < 1e-12) break;
    if (fu > 0) {
      a = u, fa = fu;
      if (side == +1) fb *= 0.5;
      side = +1;
    } else {
      b = u, fb = fu;
      if (side == -1) fa *= 0.5;
      side = -1;
    }
  }
  r.value = from(u);
  r.achieved = fu + target;
  r.status = "converged";
  return r;
}

FitResult bisect(const std::function<double(double)>& value, double target, double lo, double hi) {
  return solve_monotone(value, target, lo, hi, true, 1e-6);
}

// ---- impedance --------------------------------------------------------------------

ImpedanceSpectrum case_spectrum(const MacroConfig& m, const CaseModel& cm, const SpmCell* cell,
                                double constriction) {
  ImpedanceSpectrum z;
  // Per electrode area when the loading gives a surface per area, else per particle surface.
  const double a = (cell && cell->surface_per_area() > 0) ? cell->surface_per_area() : 1.0;
  if (m.cell.separator_asr > 0)
    z.add(ImpedanceElement::resistor("separator", m.cell.separator_asr));
  for (size_t i = 0; i < cm.layers.size(); ++i) {
    const StackLayer& l = cm.layers[i];
    const double g = cell ? constriction : 1.0;
    const double r = cm.increments[i] * g / a;
    const double patches = l.patch_fraction > 0 ? l.patch_fraction : 1.0;
    if (!(r > 0) || !std::isfinite(r)) continue;
    if (l.epsilon_r > 0)
      z.add(ImpedanceElement::rcpe(l.name, r, l.capacitance() * patches * a / g, l.cpe_alpha));
    else
      z.add(ImpedanceElement::resistor(l.name, r));
  }
  for (const auto& ip : cm.interphases) {
    const double scale = ip.basis == "particle surface" ? a : 1.0;
    z.add(ImpedanceElement::rcpe(ip.name, ip.asr / scale, ip.capacitance * scale, ip.cpe_alpha));
  }
  if (cm.zone.present && std::isfinite(cm.zone.asr))
    z.add(ImpedanceElement::rcpe("interface (sharp + mixed zone)", cm.zone.asr,
                                 m.mixed_zone.planar_capacitance, 1.0));
  if (cell) {
    if (cell->kinetics.exchange_current > 0)
      z.add(ImpedanceElement::rc("charge transfer", cell->kinetics.linear_resistance() / a,
                                 m.cathode.double_layer * a));
    // Solid diffusion at the middle of the cycling window.
    const double x_mid = 0.5 * (cell->ocv.stoichiometry(m.cell.v_min + m.cell.anode_potential) +
                                cell->ocv.stoichiometry(m.cell.v_max + m.cell.anode_potential));
    const double c_unit = cell->ocv.capacity_mAh_g() * 3.6 * cell->density_g_cm3 / kFaraday;
    const double z0 = std::fabs(cell->ocv.slope(x_mid)) * cell->radius_cm /
                      (kFaraday * cell->diffusivity_cm2_s * c_unit);
    z.add(ImpedanceElement::spherical_diffusion(
        "solid diffusion", z0 / a, cell->radius_cm * cell->radius_cm / cell->diffusivity_cm2_s));
  }
  if (m.cell.anode_asr > 0) z.add(ImpedanceElement::resistor("anode", m.cell.anode_asr));
  return z;
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

  double constriction = m.coating_transport.constriction_factor;
  double transfer = m.mixed_zone.transfer_conductance;
  double spread = m.cathode.contact_spread;
  s["fitted_parameters"] = json::array();

  // ---- fit the one free parameter ----
  if (m.fit.enabled) {
    const CaseSpec* target_case = nullptr;
    for (const auto& c : m.cases)
      if (c.name == m.fit.case_name) target_case = &c;
    FitResult fr;
    std::string target_text;
    if (m.fit.parameter == "coating_transport.constriction_factor") {
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
                                          {"evaluations", sr.evaluations}});
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
                                      {"evaluations", fr.evaluations}});
    out.report.push_back("fitted " + m.fit.parameter + " = " + fmt("%.4g", fr.value) + " so that " +
                         target_text + " (" + fr.status + ")");
  }
  s["coating_transport"] = {{"constriction_factor", constriction}};
  if (m.cathode.enabled)
    s["particles"] = {{"contact_spread", spread}, {"classes", m.cathode.particle_classes}};
  if (m.mixed_zone.enabled) s["mixed_zone"] = {{"transfer_conductance_S_cm3", transfer}};

  // ---- every case ----
  const std::vector<double> freqs =
      log_frequencies(m.impedance.f_min, m.impedance.f_max, m.impedance.per_decade);
  std::ostringstream rate_csv;
  rate_csv << "case,c_rate,discharge_capacity_mAh_g,charge_capacity_mAh_g,discharge_stop,"
              "charge_stop,surface_current_A_cm2,geometric_current_mA_cm2,"
              "charge_balance_error_mAh_g\n";
  std::map<std::string, std::map<std::string, double>> capacities;  // case -> rate -> mAh/g
  std::map<std::string, double> asrs;
  s["cases"] = json::array();
  for (const auto& c : m.cases) {
    const CaseModel cm = build_case(m, c, kmc, transfer);
    json cj;
    cj["name"] = c.name;
    if (!c.paper.is_null()) cj["paper"] = c.paper;
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
    // Area-specific resistance terms, each on its own.
    StackResistance stack;
    const std::string layer_basis = m.cathode.enabled ? "particle surface" : "interface area";
    for (size_t i = 0; i < cm.layers.size(); ++i)
      stack.terms.push_back({cm.layers[i].name + (cm.layers[i].patch_fraction > 0
                                                      ? fmt(" (patches on %.3g of the surface)",
                                                            cm.layers[i].patch_fraction)
                                                      : std::string(" (L/sigma)")),
                             "layer", cm.increments[i], layer_basis, cm.sigmas[i].origin});
    std::unique_ptr<SpmCell> cell;
    if (m.cathode.enabled) {
      cell = std::make_unique<SpmCell>(make_cell(m, cm, constriction, spread));
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
    cj["asr_terms"] = json::array();
    for (const auto& t : stack.terms)
      cj["asr_terms"].push_back({{"name", t.name},
                                 {"kind", t.kind},
                                 {"asr_ohm_cm2", t.asr},
                                 {"basis", t.basis},
                                 {"origin", t.origin}});
    // The interfacial ASR: everything between the particle and the electrolyte.
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
    if (std::isfinite(asr)) asrs[c.name] = asr;
    if (std::isfinite(asr) && !cm.sigmas.empty() && std::isfinite(cm.sigmas[0].rel_err))
      cj["asr_ohm_cm2_rel_err_from_kmc"] = cm.sigmas[0].rel_err;

    // Rate capability.
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
        capacities[c.name][key] = r.discharge.capacity_mAh_g;
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
        rate_csv << c.name << "," << rate << "," << r.discharge.capacity_mAh_g << ","
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

    // Impedance spectrum and its Kramers-Kronig check.
    if (cell || cm.zone.present || !cm.layers.empty()) {
      const ImpedanceSpectrum z = case_spectrum(m, cm, cell.get(), constriction);
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
    s["cases"].push_back(cj);
  }
  if (m.cathode.enabled && !m.cases.empty()) out.files["rate_capability.csv"] = rate_csv.str();

  // ---- comparisons with the paper: ratios to the first case ----
  if (!m.cases.empty()) {
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
    s["comparison"] = comp;
  }

  // ---- expectations ----
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

  // ---- Li-metal anode coatings ----
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
  return out;
}

}  // namespace coatkmc::macro
