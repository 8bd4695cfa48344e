#include "host/continuum/AnnealStudy.hpp"
#include "host/config/TomlGuard.hpp"
#include "host/config/TomlOverride.hpp"
#include "host/config/TomlTableReader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "host/continuum/ProfileFits.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/TextbookLattices.hpp"

namespace coatkmc {
namespace {

constexpr double kZeroC = 273.15;
constexpr double kNmToCm = 1e-7;

// Every table is read by the shared TomlTableReader (host/config).

// --set KEY=VALUE on an anneal study: the one override rule of every
// configuration (host/config/TomlOverride.hpp), at any depth of its tables.
void apply_override(toml::table& root, const std::string& assignment) {
  apply_assignment(root, parse_assignment(assignment));
}

// [[anneal.segment]]: hold_s, or to_C (a number or "T") with rate_C_per_min
// or duration_s. A hold records whether it is at "T" in to_case.
std::vector<AnnealProgramStep> read_program(const std::string& path, const toml::array& segments,
                                            TomlTableReader& anneal) {
  std::vector<AnnealProgramStep> out;
  bool at_case = false, held_at_case = false;
  int index = 0;
  for (const toml::node& e : segments) {
    TomlTableReader g(*e.as_table(), path, "anneal.segment[" + std::to_string(index++) + "]");
    AnnealProgramStep p;
    if (g.has("hold_s")) {
      for (const char* key : {"to_C", "rate_C_per_min", "duration_s"})
        if (g.has(key)) g.fail(key, "a segment is either a hold (hold_s) or a ramp (to_C)");
      p.is_hold = true;
      p.hold_s = g.required_number("hold_s", 0, 1e9, true);
      p.to_case = at_case;
      held_at_case = held_at_case || at_case;
    } else {
      const toml::node* to = g.node("to_C");
      if (!to) g.fail("to_C", "missing (a segment needs hold_s, or to_C with a rate or duration)");
      if (to->is_string()) {
        if (g.required_string("to_C", true) != "T")
          g.fail("to_C", "expected a temperature in C or \"T\" (the case's temperature)");
        p.to_case = true;
      } else {
        p.to_C = g.required_number("to_C", -273.0, 3000, true);
      }
      at_case = p.to_case;
      if (g.has("rate_C_per_min") == g.has("duration_s"))
        g.fail("to_C", "give exactly one of rate_C_per_min and duration_s (0: a jump)");
      if (g.has("rate_C_per_min"))
        p.rate_C_per_min = g.required_number("rate_C_per_min", 0, 1e6, true);
      else
        p.duration_s = g.required_number("duration_s", 0, 1e9);
    }
    g.finish();
    out.push_back(p);
  }
  if (out.empty()) anneal.fail("segment", "needs at least one segment");
  if (!held_at_case)
    anneal.fail("segment", "no hold at \"T\" (a segment to_C = \"T\" followed by hold_s)");
  return out;
}

// [anneal.layer.microstructure] of one layer (docs/interdiffusion.md).
FilmMicrostructureSettings read_film_microstructure(const std::string& path, TomlTableReader& layer,
                                                    const std::string& prefix) {
  const toml::table* mt = layer.node("microstructure")->as_table();
  if (!mt) layer.fail("microstructure", "expected a table");
  TomlTableReader m(*mt, path, prefix + ".microstructure");
  FilmMicrostructureSettings f;
  f.kinetics.crystallization_rate = m.required_number("crystallization_rate", 0, 1e30);
  f.kinetics.crystallization_energy = m.required_number("crystallization_energy", 0, 20);
  f.kinetics.avrami_exponent = m.number("avrami_exponent", 3.0, 0.5, 10);
  f.initial_crystallized_fraction = m.number("initial_crystallized_fraction", 0.0, 0, 1);
  f.grain_size_nm = m.number("grain_size_nm", 5.0, 0, 1e9, true);
  f.kinetics.grain_growth_rate = m.number("grain_growth_rate_nm2_s", 0.0, 0, 1e30);
  f.kinetics.grain_growth_energy = m.number("grain_growth_energy", 0.0, 0, 20);
  f.boundary_width_nm = m.number("boundary_width_nm", 0.0, 0, 1e9);
  if (f.boundary_width_nm > f.grain_size_nm)
    m.fail("boundary_width_nm", "wider than grain_size_nm (the shell lies inside the grains)");
  f.amorphous_D =
      LayerDiffusivity::arrhenius(m.required_number("amorphous_D0_cm2_s", 0, 1e6, true),
                                  m.required_number("amorphous_Ea_eV", 0, 20));
  if (f.boundary_width_nm > 0) {
    f.boundary_D =
        LayerDiffusivity::arrhenius(m.required_number("boundary_D0_cm2_s", 0, 1e6, true),
                                    m.required_number("boundary_Ea_eV", 0, 20));
  } else {
    for (const char* key : {"boundary_D0_cm2_s", "boundary_Ea_eV"})
      if (m.has(key)) m.fail(key, "needs boundary_width_nm > 0");
  }
  try {
    f.mixing = parse_diffusivity_mixing(m.string("mixing", "bruggeman", true));
  } catch (const std::invalid_argument& e) {
    m.fail("mixing", e.what());
  }
  m.finish();
  return f;
}

}  // namespace

bool is_anneal_config(const std::string& path) {
  try {
    const toml::table root = parse_toml_file(path);
    return root.contains("anneal");
  } catch (...) {
    return false;
  }
}

AnnealStudySettings load_anneal_config(const std::string& path,
                                       const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot read the configuration file");
  std::stringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = parse_toml(text.str(), path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line),
                     std::string(e.description()));
  }
  std::map<std::string, std::string> overridden;  // key -> "--set KEY=VALUE"
  for (const std::string& o : overrides) {
    apply_override(root, o);
    overridden[o.substr(0, o.find('='))] = "--set " + o;
  }
  for (const auto& [k, v] : root)
    if (k.str() != "anneal")
      throw InputError(TomlTableReader(root, path, "").where(std::string(k.str())),
                       std::string(k.str()) + ": unknown table in an anneal configuration");
  const toml::node* anneal = root.get("anneal");  // absent in a file without [anneal]
  const toml::table* at = anneal ? anneal->as_table() : nullptr;
  if (!at) throw InputError(path, "anneal: expected a table");

  AnnealStudySettings s;
  TomlTableReader r(*at, path, "anneal", &overridden);
  s.name = r.string("name", "anneal", true);
  s.species = r.required_string("species", true);
  s.species_name = r.string("species_name", "", true);
  s.temperatures_C = r.numbers("temperatures_C", true, -273.0, 3000);
  if (const toml::node* sn = at->get("segment")) {
    if (!sn->is_array_of_tables()) r.fail("segment", "expected [[anneal.segment]] tables");
    if (sn->as_array()->size() > 1000) r.fail("segment", "more than 1000 segments");
    for (const char* key : {"hold_s", "ramp_C_per_min"})
      if (r.has(key)) r.fail(key, "give either [[anneal.segment]] or hold_s/ramp_C_per_min");
    s.program = read_program(path, *sn->as_array(), r);
    for (const AnnealProgramStep& p : s.program) s.hold_s += p.is_hold && p.to_case ? p.hold_s : 0;
  } else {
    s.hold_s = r.required_number("hold_s", 0, 1e9, true);
    s.ramp_C_per_min = r.number("ramp_C_per_min", 0.0, 0, 1e6);
  }
  s.room_C = r.number("room_C", 25.0, -273.0, 3000, true);
  s.detection_limit = r.number("detection_limit", 0.01, 0, 1, true);
  s.profile_times_s = r.numbers("profile_times_s", false, 0, 1e12);
  if (s.profile_times_s.size() > 1000)
    r.fail("profile_times_s", "more than 1000 times (each splits a segment into more steps)");
  std::sort(s.profile_times_s.begin(), s.profile_times_s.end());
  s.film = r.string("film", "", true);
  s.steps_per_segment = static_cast<int>(r.number("steps_per_segment", 300.0, 10, 100000));
  if (r.has("reference_D_cm2_s"))
    s.reference_D_cm2_s = r.required_number("reference_D_cm2_s", 0, 1, true);

  if (const toml::node* kn = at->get("kmc")) {
    const toml::table* kt = kn->as_table();
    if (!kt) r.fail("kmc", "expected a table");
    TomlTableReader k(*kt, path, "anneal.kmc", &overridden);
    KmcDiffusivitySettings ks;
    ks.source = path + " [anneal.kmc, as a kMC configuration]";
    ks.lattice = k.string("lattice", "sc", true);
    ks.a_angstrom = k.required_number("a", 0, 1e3, true);
    try {
      make_textbook_lattice(ks.lattice, ks.a_angstrom);
    } catch (const std::exception& e) {
      k.fail("lattice", e.what());
    }
    ks.barrier_eV = k.required_number("barrier", 0, 20);
    ks.attempt_frequency = k.number("attempt_frequency", 1e13, 0, 1e20, true);
    const std::vector<double> cells = k.numbers("cells", false, 2, 64);
    if (!cells.empty()) {
      if (cells.size() != 3) k.fail("cells", "expected three cell counts");
      for (int i = 0; i < 3; ++i) ks.cells[i] = static_cast<int>(cells[i]);
    }
    ks.hops_per_particle = k.number("hops_per_particle", 100.0, 0, 1e9, true);
    ks.replicas = static_cast<int>(k.number("replicas", 4.0, 2, 1024));
    ks.seed = static_cast<uint64_t>(k.number("seed", 1.0, 0, 9e15));
    ks.anchor_K = k.required_number("anchor_C", -273.0, 3000, true) + kZeroC;
    ks.anchor_D_cm2_s = k.required_number("anchor_D_cm2_s", 0, 1, true);
    ks.vacancy_formation_eV = k.number("vacancy_formation_eV", 0.0, 0, 20);
    ks.component = k.string("component", "z");
    if (ks.component != "x" && ks.component != "y" && ks.component != "z" &&
        ks.component != "mean")
      k.fail("component", "expected \"x\", \"y\", \"z\" (the film normal) or \"mean\", got '" +
                              ks.component + "'");
    for (double c : k.numbers("table_C", false, -273.0, 3000))
      ks.temperatures_K.push_back(c + kZeroC);
    k.finish();
    s.kmc = ks;
  }

  const toml::node* ln = at->get("layer");
  if (!ln || !ln->is_array_of_tables())
    r.fail("layer", "missing: at least one [[anneal.layer]] is required");
  int index = 0;
  for (const toml::node& e : *ln->as_array()) {
    const std::string prefix = "anneal.layer[" + std::to_string(index++) + "]";
    TomlTableReader l(*e.as_table(), path, prefix);
    AnnealLayerSpec L;
    L.name = l.required_string("name", true);
    L.thickness_nm = l.required_number("thickness_nm", 0, 1e9, true);
    L.cell_nm = l.required_number("cell_nm", 0, 1e9, true);
    if (L.thickness_nm / L.cell_nm > 2e6) l.fail("cell_nm", "more than 2e6 cells in one layer");
    L.initial = l.number("initial", 0.0, 0, 1);
    L.partition = l.number("partition", 1.0, 0, 1e9, true);
    if (l.has("D")) {
      if (l.required_string("D", true) != "kmc")
        l.fail("D", "expected \"kmc\" (or D0_cm2_s and Ea_eV)");
      if (!s.kmc) l.fail("D", "\"kmc\" needs an [anneal.kmc] table");
      L.D_from_kmc = true;
    } else {
      L.D0_cm2_s = l.required_number("D0_cm2_s", 0, 1e6, true);
      L.Ea_eV = l.required_number("Ea_eV", 0, 20);
    }
    if (l.has("microstructure")) L.microstructure = read_film_microstructure(path, l, prefix);
    l.finish();
    s.layers.push_back(L);
  }
  if (s.film.empty()) s.film = s.layers.front().name;
  const bool found = std::any_of(s.layers.begin(), s.layers.end(),
                                 [&](const AnnealLayerSpec& L) { return L.name == s.film; });
  if (!found) r.fail("film", "names no layer");
  if (s.layers.back().name == s.film) r.fail("film", "the film needs a layer below it");
  r.finish({"kmc", "layer", "segment"});
  return s;
}

AnnealSchedule anneal_schedule_for(const AnnealStudySettings& s, double hold_C) {
  if (s.program.empty())
    return AnnealSchedule::ramp_hold_cool(s.room_C + kZeroC, hold_C + kZeroC, s.hold_s,
                                          s.ramp_C_per_min / 60.0);
  std::vector<AnnealSegment> segments;
  double T = s.room_C + kZeroC;
  for (const AnnealProgramStep& p : s.program) {
    if (p.is_hold) {
      segments.push_back({p.hold_s, T, T});
      continue;
    }
    const double to = (p.to_case ? hold_C : p.to_C) + kZeroC;
    const double duration =
        p.rate_C_per_min > 0 ? std::abs(to - T) / (p.rate_C_per_min / 60.0) : p.duration_s;
    if (duration > 0) segments.push_back({duration, T, to});
    T = to;  // a jump (duration 0): the next segment starts at the new temperature
  }
  return AnnealSchedule(std::move(segments));
}

AnnealStudyResult run_anneal_study(const AnnealStudySettings& s) {
  AnnealStudyResult res;
  std::optional<LayerDiffusivity> kmc_D;
  if (s.kmc) {
    KmcDiffusivitySettings ks = *s.kmc;
    // Tabulate across everything the schedules visit: room temperature, every
    // 100 C up to the hottest hold, and each hold itself.
    double top = 0;
    for (double c : s.temperatures_C) {
      ks.temperatures_K.push_back(c + kZeroC);
      top = std::max(top, c);
    }
    ks.temperatures_K.push_back(s.room_C + kZeroC);
    for (double c = 100; c < top; c += 100) ks.temperatures_K.push_back(c + kZeroC);
    res.kmc = tabulate_kmc_diffusivity(ks);
    std::vector<double> T, D;
    for (const KmcDiffusivityRow& row : res.kmc->rows) {
      T.push_back(row.temperature_K);
      D.push_back(row.D);
    }
    kmc_D = LayerDiffusivity::table(T, D);
  }

  int film_index = 0;
  double top = 0;
  for (size_t l = 0; l < s.layers.size(); ++l) {
    if (s.layers[l].name == s.film) {
      film_index = static_cast<int>(l);
      res.film_thickness_nm = s.layers[l].thickness_nm;
      res.film_bottom_nm = top + s.layers[l].thickness_nm;
    }
    top += s.layers[l].thickness_nm;
  }

  for (double TC : s.temperatures_C) {
    std::vector<DiffusionLayer> layers;
    for (const AnnealLayerSpec& L : s.layers) {
      DiffusionLayer d;
      d.name = L.name;
      d.thickness_cm = L.thickness_nm * kNmToCm;
      d.cells = std::max(1, static_cast<int>(std::lround(L.thickness_nm / L.cell_nm)));
      d.initial = L.initial;
      d.D = L.D_from_kmc ? *kmc_D : LayerDiffusivity::arrhenius(L.D0_cm2_s, L.Ea_eV);
      d.partition_to_next = L.partition;
      d.microstructure = L.microstructure;
      layers.push_back(d);
    }
    DiffusionSettings ds;
    ds.steps_per_segment = s.steps_per_segment;
    MultilayerDiffusion solver(layers, ds);
    const AnnealSchedule schedule = anneal_schedule_for(s, TC);
    const double film_before = solver.layer_amount(film_index);
    const double total_before = solver.total_amount();
    // Segment by segment (the same steps as one run over the schedule), with
    // the profile recorded at each segment's end and at profile_times_s.
    AnnealCase c;
    double t0 = 0;
    for (const AnnealSegment& seg : schedule.segments()) {
      std::vector<double> cuts;
      for (double t : s.profile_times_s)
        if (t > t0 && t < t0 + seg.duration_s) cuts.push_back(t - t0);
      cuts.push_back(seg.duration_s);
      double done = 0;
      for (double cut : cuts) {
        const double Ta = seg.start_K + (seg.end_K - seg.start_K) * (done / seg.duration_s);
        const double Tb = cut == seg.duration_s
                              ? seg.end_K
                              : seg.start_K + (seg.end_K - seg.start_K) * (cut / seg.duration_s);
        solver.run(cuts.size() == 1 ? AnnealSchedule({seg})
                                    : AnnealSchedule({{cut - done, Ta, Tb}}));
        done = cut;
        AnnealCase::Snapshot snap;
        snap.time_s = t0 + cut;
        snap.temperature_C = Tb - kZeroC;
        snap.c = solver.concentration();
        snap.film_remaining_fraction = solver.layer_amount(film_index) / film_before;
        snap.penetration_depth_nm =
            penetration_depth(solver.centres_cm(), snap.c, res.film_bottom_nm * kNmToCm,
                              s.detection_limit) /
            kNmToCm;
        c.snapshots.push_back(std::move(snap));
      }
      t0 += seg.duration_s;
    }

    c.temperature_C = TC;
    c.time_s = s.hold_s;
    c.schedule_s = schedule.total_time();
    c.steps = solver.steps_taken();
    c.D_model_cm2_s = layers[film_index + 1].D(0.0, TC + kZeroC);
    c.film_remaining_fraction = solver.layer_amount(film_index) / film_before;
    c.mass_balance_rel_error = std::abs(solver.total_amount() - total_before) / total_before;
    for (size_t l = 0; l < layers.size(); ++l) {
      const FilmMicrostructure* m = solver.microstructure(static_cast<int>(l));
      if (!m) continue;
      const double T = TC + kZeroC;
      const double D_grain = layers[l].D(0.0, T);
      AnnealCase::EvolvingLayer e;
      e.layer = layers[l].name;
      e.crystallized_fraction = m->crystallized_fraction();
      e.grain_size_nm = m->grain_size_nm();
      e.boundary_fraction = m->boundary_fraction();
      e.D_initial_cm2_s = FilmMicrostructure(*layers[l].microstructure).diffusivity(D_grain, 0, T);
      e.D_final_cm2_s = m->diffusivity(D_grain, 0, T);
      e.history = solver.microstructure_history(static_cast<int>(l));
      c.microstructure.push_back(std::move(e));
    }
    std::vector<double> x = solver.centres_cm();
    c.c = solver.concentration();
    for (double X : x) c.depth_nm.push_back(X / kNmToCm);
    c.penetration_depth_nm =
        penetration_depth(x, c.c, res.film_bottom_nm * kNmToCm, s.detection_limit) / kNmToCm;
    // D as an experiment would quote it: the finite-film solution fitted to
    // the profile, with the hold time (ramps included in what it absorbs).
    // The fit needs the film to sit at the closed surface.
    if (film_index == 0) {
      try {
        const ProfileFit f = fit_finite_film(x, c.c, s.hold_s, s.layers[0].thickness_nm * kNmToCm);
        c.D_fit = f.D;
        c.D_fit_err = f.D_err;
        c.fit_rms = f.rms_residual;
        c.fit_sqrt_Dt_nm = f.params[1] / kNmToCm;
        c.D_resolved = c.fit_sqrt_Dt_nm >= s.layers[0].cell_nm;
      } catch (const std::exception&) {
        c.D_fit = c.D_fit_err = std::nan("");
      }
    }
    res.cases.push_back(std::move(c));
  }
  return res;
}

}  // namespace coatkmc
