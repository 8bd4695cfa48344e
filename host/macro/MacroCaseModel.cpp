#include "host/macro/MacroCaseModel.hpp"

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


namespace coatkmc::macro::study {


std::string fmt(const char* f, double v) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

json num(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

// ---- conductivities -----------------------------------------------------------


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


// value(p) falls as p grows; find p with value(p) = target in [lo, hi]:
// regula falsi on ln p with the Illinois modification (superlinear, and it
// keeps the bracket). `log_scale` false works on p itself (for a spread).
FitResult solve_monotone(const std::function<double(double)>& value, double target, double lo,
                         double hi, bool log_scale, double tolerance) {
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

}  // namespace coatkmc::macro::study
