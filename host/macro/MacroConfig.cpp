#include "host/macro/MacroConfig.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "host/config/TomlGuard.hpp"
#include "host/macro/OcvTable.hpp"
#include "host/config/TomlTableReader.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc::macro {

namespace fs = std::filesystem;

namespace {

constexpr double kInf = INFINITY;

std::string read_text(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path, "is a directory, not a model file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the model file");
  std::ostringstream os;
  os << in.rdbuf();
  std::string text = os.str();
  if (text.size() > (4u << 20)) throw InputError(path, "model file larger than 4 MiB");
  if (text.find('\0') != std::string::npos) throw InputError(path, "not a text file (NUL byte)");
  return text;
}

toml::table parse(const std::string& path) {
  const std::string text = read_text(path);
  try {
    return parse_toml(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line),
                     "TOML syntax: " + std::string(e.description()));
  }
}

nlohmann::json to_json(const toml::node& n) {
  std::ostringstream os;
  if (auto t = n.as_table())
    os << toml::json_formatter(*t);
  else if (auto a = n.as_array())
    os << toml::json_formatter(*a);
  else {
    toml::table wrap;
    wrap.insert("v", n);
    os << toml::json_formatter(wrap);
    return nlohmann::json::parse(os.str())["v"];
  }
  return nlohmann::json::parse(os.str());
}

std::string resolve(const std::string& dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(dir) / p).lexically_normal().string();
}

// "kmc:NAME" or a number (S/cm).
ConductivitySpec conductivity(TomlTableReader& r, const std::string& key) {
  ConductivitySpec c;
  const toml::node* n = r.node(key);
  if (!n) r.fail(key, "missing (a number in S/cm, or \"kmc:NAME\")");
  if (auto s = n->as_string()) {
    const std::string v = s->get();
    if (v.rfind("kmc:", 0) != 0 || v.size() == 4)
      r.fail(key, "expected a number in S/cm or \"kmc:NAME\", got '" + v + "'");
    c.kmc = v.substr(4);
  } else {
    c.value = r.number(key, 0, 0, kInf, true);
  }
  return c;
}

InterphaseSpec interphase(TomlTableReader r) {
  InterphaseSpec s;
  s.where = r.where("name");
  s.name = r.required_string("name");
  s.asr = r.required_number("asr_ohm_cm2", 0, kInf);
  s.basis = r.choice("basis", "particle surface", {"particle surface", "electrode area"});
  s.capacitance = r.number("capacitance_F_cm2", 1e-6, 0, kInf, true);
  s.cpe_alpha = r.number("cpe_alpha", 1, 0, 1, true);
  r.finish();
  return s;
}

LayerSpec layer(TomlTableReader r) {
  LayerSpec s;
  s.where = r.where("name");
  s.name = r.required_string("name");
  s.thickness_cm = r.required_number("thickness_nm", 0, 1e7, true) * 1e-7;
  if (r.has("phases") == r.has("conductivity"))
    r.fail("conductivity", "give either conductivity or phases (a composite), not both or neither");
  if (r.has("conductivity")) {
    s.conductivity = conductivity(r, "conductivity");
    s.conductivity.scale = r.number("conductivity_scale", 1, 0, kInf, true);
  } else {
    double sum = 0;
    for (auto& p : r.tables("phases")) {
      PhaseSpec ph;
      ph.conductivity = conductivity(p, "conductivity");
      ph.conductivity.scale = p.number("conductivity_scale", 1, 0, kInf, true);
      ph.fraction = p.required_number("fraction", 0, 1);
      sum += ph.fraction;
      p.finish();
      s.phases.push_back(ph);
    }
    if (s.phases.empty()) r.fail("phases", "needs at least one phase");
    if (std::fabs(sum - 1) > 1e-6) r.fail("phases", "fractions must sum to 1");
  }
  s.electronic_conductivity = r.number("electronic_conductivity", 0, 0, kInf);
  s.epsilon_r = r.number("epsilon_r", 0, 0, 1e6);
  s.cpe_alpha = r.number("cpe_alpha", 1, 0, 1, true);
  s.coverage = r.number("coverage", 1, 0, 1, true);
  s.patch_fraction = r.number("patch_fraction", 0, 0, 1);
  if (s.patch_fraction > 0 && s.coverage < 1)
    r.fail("patch_fraction", "a patchy layer takes patch_fraction, not coverage");
  r.finish();
  return s;
}

}  // namespace

std::string rate_key(double c) {
  std::ostringstream os;
  os << c << "C";
  return os.str();
}

bool is_macro_config(const std::string& path) {
  try {
    return parse(path).contains("macro");
  } catch (const InputError&) {
    return false;
  }
}

namespace {

// Each section of a macro model, read by its own function ([macro], [[kmc]],
// [cathode], [cell], [coating_transport], [mixed_zone], [[case]], [fit],
// [[expect]], [impedance], [plating]); TomlTableReader rejects the keys a
// section does not read.

void check_source(const ConductivitySpec& c, TomlTableReader& r, const std::string& key,
                  const std::set<std::string>& kmc_names) {
  if (!c.kmc.empty() && !kmc_names.count(c.kmc))
    r.fail(key, "no [[kmc]] source named '" + c.kmc + "'");
}

void read_macro_table(TomlTableReader& top, const std::string& path, MacroConfig& m) {
  TomlTableReader r = top.table("macro");
  m.title = r.string("title", fs::path(path).stem().string());
  m.reference = r.string("reference", "");
  m.temperature = r.number("temperature", 298.15, 0, 5000, true);
  m.rates = r.number_array("rates", {0.1, 1.0}, 1, kAnyLength, 0, 1000, true);
  m.shells = static_cast<int>(r.integer("shells", 30, 4, 2000));
  m.steps = static_cast<int>(r.integer("steps", 2000, 50, 10000000));
  if (const toml::node* n = r.node("paper")) m.paper = to_json(*n);
  r.finish();
}

std::set<std::string> read_kmc_sources(TomlTableReader& top, MacroConfig& m) {
  std::set<std::string> kmc_names;
  for (auto& r : top.tables("kmc")) {
    KmcSourceSpec s;
    s.where = r.where("name");
    s.name = r.required_string("name");
    if (!kmc_names.insert(s.name).second) r.fail("name", "'" + s.name + "' is used twice");
    const int given = r.has("config") + r.has("result") + r.has("sweep");
    if (given != 1) r.fail("name", "give exactly one of config, result, sweep");
    s.config = resolve(m.directory, r.string("config", ""));
    s.result = resolve(m.directory, r.string("result", ""));
    s.sweep = resolve(m.directory, r.string("sweep", ""));
    s.overrides = r.string_array("set");
    if (const toml::node* n = r.node("select")) {
      if (!n->is_table()) r.fail("select", "expected a table of varied key = value");
      if (s.sweep.empty()) r.fail("select", "only a sweep takes this");
      s.select = to_json(*n);
    }
    s.temperatures = r.number_array("temperatures", {}, 2, kAnyLength, 0, 1e5, true);
    s.component = r.string("component", "z");
    if (s.component != "x" && s.component != "y" && s.component != "z" && s.component != "mean")
      r.fail("component", "expected \"x\", \"y\", \"z\" (the film normal) or \"mean\", got '" +
                              s.component + "'");
    if (s.config.empty() && (!s.overrides.empty() || !s.temperatures.empty()))
      r.fail(s.overrides.empty() ? "temperatures" : "set",
             "only a kMC run from a config takes this");
    r.finish();
    m.kmc.push_back(s);
  }
  return kmc_names;
}

void read_cathode(TomlTableReader& top, MacroConfig& m) {
  if (!top.has_table("cathode")) return;
  TomlTableReader r = top.table("cathode");
  CathodeSpec& c = m.cathode;
  c.enabled = true;
  c.where = r.where("ocv");
  if (r.has("ocv") && r.has("ocv_file")) r.fail("ocv_file", "give ocv or ocv_file, not both");
  c.ocv = r.string("ocv", "NMC532");
  c.ocv_file = resolve(m.directory, r.string("ocv_file", ""));
  if (!c.ocv_file.empty()) {
    c.table_capacity = r.required_number("table_capacity_mAh_g", 0, 1e4, true);
  } else {
    bool known = false;
    for (const auto& b : OcvTable::builtin_names()) known |= (b == c.ocv);
    if (!known) r.fail("ocv", "'" + c.ocv + "' is not a built-in table (NMC532, LCO)");
  }
  c.radius_cm = r.required_number("radius_um", 0, 1e4, true) * 1e-4;
  c.diffusivity = r.required_number("diffusivity_cm2_s", 0, 1, true);
  c.density = r.number("density_g_cm3", 4.7, 0, 100, true);
  c.one_c = r.number("one_c_mAh_g", 160, 0, 1e4, true);
  c.loading = r.number("loading_mg_cm2", 0, 0, 1e5) * 1e-3;
  c.exchange_current = r.number("exchange_current_mA_cm2", 1.0, 0, kInf, true) * 1e-3;
  c.alpha = r.number("alpha", 0.5, 0, 1, true);
  c.double_layer = r.number("double_layer_F_cm2", 1e-5, 0, 1, true);
  c.contact_spread = r.number("contact_spread", 0, 0, 5);
  c.particle_classes = static_cast<int>(r.integer("particle_classes", 16, 1, 256));
  r.finish();
}

void read_cell(TomlTableReader& top, MacroConfig& m) {
  if (!top.has_table("cell")) return;
  TomlTableReader r = top.table("cell");
  CellSpec& c = m.cell;
  c.anode_potential = r.number("anode_potential_V", 0, -10, 10);
  c.v_min = r.number("v_min", 3.0, -10, 10);
  c.v_max = r.number("v_max", 4.3, -10, 10);
  if (!(c.v_max > c.v_min)) r.fail("v_max", "must be above v_min");
  c.charge_first = r.choice("protocol", "charge_discharge", {"charge_discharge", "discharge"}) ==
                   "charge_discharge";
  c.separator_asr = r.number("separator_asr_ohm_cm2", 0, 0, kInf);
  c.anode_asr = r.number("anode_asr_ohm_cm2", 0, 0, kInf);
  r.finish();
}

void read_coating_transport(TomlTableReader& top, MacroConfig& m) {
  if (!top.has_table("coating_transport")) return;
  TomlTableReader r = top.table("coating_transport");
  m.coating_transport.constriction_factor = r.number("constriction_factor", 1, 1, kInf);
  r.finish();
}

void read_mixed_zone(TomlTableReader& top, MacroConfig& m,
                     const std::set<std::string>& kmc_names) {
  if (!top.has_table("mixed_zone")) return;
  TomlTableReader r = top.table("mixed_zone");
  MixedZoneSpec& z = m.mixed_zone;
  z.enabled = true;
  z.where = r.where("source_thickness_nm");
  z.source_thickness_cm = r.required_number("source_thickness_nm", 0, 1e7, true) * 1e-7;
  if (r.has("diffusion_kmc") + r.has("diffusion_prefactor_cm2_s") + r.has("profile_csv") != 1)
    r.fail("diffusion_prefactor_cm2_s",
           "give diffusion_prefactor_cm2_s with diffusion_activation_eV, or diffusion_kmc, or "
           "profile_csv");
  z.diffusion_kmc = r.string("diffusion_kmc", "");
  if (!z.diffusion_kmc.empty() && !kmc_names.count(z.diffusion_kmc))
    r.fail("diffusion_kmc", "no [[kmc]] source named '" + z.diffusion_kmc + "'");
  z.profile_csv = resolve(m.directory, r.string("profile_csv", ""));
  z.profile_scale = r.number("profile_scale", 1, 0, kInf, true);
  if (z.diffusion_kmc.empty() && z.profile_csv.empty()) {
    z.diffusion_prefactor = r.required_number("diffusion_prefactor_cm2_s", 0, kInf, true);
    z.diffusion_activation = r.required_number("diffusion_activation_eV", 0, 20);
  }
  z.host_ionic = conductivity(r, "host_ionic_conductivity");
  z.host_ionic.scale = r.number("host_ionic_conductivity_scale", 1, 0, kInf, true);
  check_source(z.host_ionic, r, "host_ionic_conductivity", kmc_names);
  z.ionic_at_saturation_ratio = r.number("doped_ionic_ratio", 1, 0, kInf, true);
  z.electronic_host = r.number("host_electronic_conductivity", 1e-9, 0, kInf, true);
  z.electronic_doped = r.number("doped_electronic_conductivity", 1e-6, 0, kInf, true);
  z.saturation_fraction = r.number("saturation_fraction", 0.1, 0, 1, true);
  z.transfer_conductance = r.number("transfer_conductance_S_cm3", 1.0, 0, kInf);
  z.planar_charge_transfer = r.required_number("planar_charge_transfer_ohm_cm2", 0, kInf, true);
  z.planar_capacitance = r.number("planar_capacitance_F_cm2", 1e-6, 0, kInf, true);
  z.depth_cm = r.number("depth_nm", 0, 0, 1e8) * 1e-7;
  z.cells = static_cast<int>(r.integer("cells", 400, 20, 100000));
  r.finish();
}

std::set<std::string> read_cases(TomlTableReader& top, MacroConfig& m,
                                 const std::set<std::string>& kmc_names) {
  std::set<std::string> case_names;
  for (auto& r : top.tables("case")) {
    CaseSpec c;
    c.where = r.where("name");
    c.name = r.required_string("name");
    if (!case_names.insert(c.name).second) r.fail("name", "'" + c.name + "' is used twice");
    for (auto& l : r.tables("layer")) {
      const std::string where = l.where("name");
      LayerSpec s = layer(l);
      TomlTableReader check = l;  // names its own keys in errors
      if (!s.conductivity.kmc.empty()) check_source(s.conductivity, check, "conductivity", kmc_names);
      for (const auto& p : s.phases)
        if (!p.conductivity.kmc.empty() && !kmc_names.count(p.conductivity.kmc))
          throw InputError(
              where, l.prefix() + ".phases: no [[kmc]] source named '" + p.conductivity.kmc + "'");
      c.layers.push_back(s);
    }
    for (auto& i : r.tables("interphase")) c.interphases.push_back(interphase(i));
    c.exchange_current = r.number("exchange_current_mA_cm2", -1e3, 0, kInf, true) * 1e-3;
    if (r.has("anneal_temperature_C")) {
      c.anneal_temperature = r.number("anneal_temperature_C", 0, -273.15, 5000, true) + 273.15;
      c.anneal_time = r.required_number("anneal_hours", 0, 1e6) * 3600;
    }
    c.profile_column = r.string("profile_column", "");
    if (!c.profile_column.empty() && m.mixed_zone.profile_csv.empty())
      r.fail("profile_column", "needs [mixed_zone] profile_csv");
    if (c.profile_column.empty() && !m.mixed_zone.profile_csv.empty() && c.anneal_time > 0)
      r.fail("anneal_hours",
             "with [mixed_zone] profile_csv an annealed case names its profile_column");
    if (const toml::node* n = r.node("paper")) c.paper = to_json(*n);
    r.finish();
    m.cases.push_back(std::move(c));
  }

  return case_names;
}

void read_fit(TomlTableReader& top, MacroConfig& m, const std::set<std::string>& case_names) {
  if (!top.has_table("fit")) return;
  TomlTableReader r = top.table("fit");
  FitSpec& f = m.fit;
  f.enabled = true;
  f.where = r.where("parameter");
  f.parameter =
      r.choice("parameter", "coating_transport.constriction_factor",
               {"coating_transport.constriction_factor", "mixed_zone.transfer_conductance"});
  f.case_name = r.required_string("case");
  if (!case_names.count(f.case_name)) r.fail("case", "no [[case]] named '" + f.case_name + "'");
  if (f.parameter == "coating_transport.constriction_factor") {
    if (!m.cathode.enabled) r.fail("parameter", "a capacity fit needs a [cathode]");
    f.c_rate = r.required_number("c_rate", 0, 1000, true);
    f.target = r.required_number("target_capacity_mAh_g", 0, 1e4, true);
  } else {
    if (!m.mixed_zone.enabled) r.fail("parameter", "needs a [mixed_zone]");
    f.target = r.required_number("target_asr_ohm_cm2", 0, kInf, true);
  }
  const auto b = r.number_array("bracket", {1.0, 1e8}, 2, kAnyLength, 0, kInf, true);
  if (b.size() != 2 || !(b[1] > b[0])) r.fail("bracket", "expected [low, high] with high > low");
  f.lo = b[0];
  f.hi = b[1];
  if (r.has("spread_target_capacity_mAh_g")) {
    if (f.parameter != "coating_transport.constriction_factor")
      r.fail("spread_target_capacity_mAh_g",
             "goes with a capacity fit of the constriction factor");
    f.spread = true;
    f.spread_target = r.number("spread_target_capacity_mAh_g", 0, 0, 1e4, true);
    f.spread_c_rate = r.required_number("spread_c_rate", 0, 1000, true);
    const auto sb = r.number_array("spread_bracket", {0.0, 3.0}, 2, kAnyLength, 0, 5);
    if (sb.size() != 2 || !(sb[1] > sb[0]))
      r.fail("spread_bracket", "expected [low, high] with high > low");
    f.spread_lo = sb[0];
    f.spread_hi = sb[1];
  }
  r.finish();
}

void read_expects(TomlTableReader& top, MacroConfig& m,
                  const std::set<std::string>& case_names) {
  for (auto& r : top.tables("expect")) {
    ExpectSpec e;
    e.where = r.where("order");
    e.quantity = r.choice("quantity", "capacity", {"capacity", "asr"});
    if (e.quantity == "capacity") e.c_rate = r.required_number("c_rate", 0, 1000, true);
    e.order = r.string_array("order");
    if (e.order.size() < 2) r.fail("order", "expected at least two case names");
    for (const auto& n : e.order)
      if (!case_names.count(n)) r.fail("order", "no [[case]] named '" + n + "'");
    r.finish();
    m.expects.push_back(e);
  }
}

void read_impedance(TomlTableReader& top, MacroConfig& m) {
  if (!top.has_table("impedance")) return;
  TomlTableReader r = top.table("impedance");
  m.impedance.f_min = r.number("f_min_Hz", 1e-3, 0, kInf, true);
  m.impedance.f_max = r.number("f_max_Hz", 1e7, 0, kInf, true);
  if (!(m.impedance.f_max > m.impedance.f_min)) r.fail("f_max_Hz", "must be above f_min_Hz");
  m.impedance.per_decade = static_cast<int>(r.integer("per_decade", 10, 1, 1000));
  r.finish();
}

void read_plating(TomlTableReader& top, MacroConfig& m) {
  if (!top.has_table("plating")) return;
  TomlTableReader r = top.table("plating");
  PlatingSpec& p = m.plating;
  p.enabled = true;
  for (double t : r.number_array("thicknesses_um", {0.1, 1, 10}, 1, kAnyLength, 0, 1e5, true))
    p.thicknesses_cm.push_back(t * 1e-4);
  p.nucleation_overpotential = r.number("nucleation_overpotential_V", 0.03, 0, 10, true);
  p.current_density = r.number("current_density_mA_cm2", 1.0, 0, kInf, true);
  for (auto& a : r.tables("alloy")) {
    PlatingAlloySpec s;
    s.name = a.required_string("name");
    const auto d = a.number_array("diffusivity_cm2_s", {}, 1, kAnyLength, 0, 1, true);
    if (d.empty() || d.size() > 2) a.fail("diffusivity_cm2_s", "expected [D] or [D_min, D_max]");
    s.d_min = std::min(d.front(), d.back());
    s.d_max = std::max(d.front(), d.back());
    s.li_concentration = a.required_number("li_concentration_mol_cm3", 0, 1, true);
    s.note = a.string("note", "");
    a.finish();
    p.alloys.push_back(s);
  }
  if (p.alloys.empty()) r.fail("alloy", "needs at least one [[plating.alloy]]");
  r.finish();
}

}  // namespace

MacroConfig load_macro_config(const std::string& path) {
  MacroConfig m;
  m.path = path;
  m.directory = fs::path(path).parent_path().string();
  if (m.directory.empty()) m.directory = ".";
  const toml::table root = parse(path);
  TomlTableReader top(root, path, "");
  if (!top.has_table("macro"))
    throw InputError(path,
                     "a macro model needs a [macro] table (or [anneal] for the interdiffusion "
                     "study; is this a run configuration?)");

  read_macro_table(top, path, m);
  const std::set<std::string> kmc_names = read_kmc_sources(top, m);
  read_cathode(top, m);
  read_cell(top, m);
  read_coating_transport(top, m);
  read_mixed_zone(top, m, kmc_names);
  for (auto& r : top.tables("interphase")) m.interphases.push_back(interphase(r));

  const std::set<std::string> case_names = read_cases(top, m, kmc_names);
  read_fit(top, m, case_names);
  read_expects(top, m, case_names);
  read_impedance(top, m);
  read_plating(top, m);

  if (!m.cases.empty() && !m.cathode.enabled && !m.mixed_zone.enabled)
    throw InputError(path, "[[case]] entries need a [cathode] (rate model) or a [mixed_zone]");
  top.finish();
  return m;
}

}  // namespace coatkmc::macro
