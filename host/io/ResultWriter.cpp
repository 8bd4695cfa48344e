#include "host/io/ResultWriter.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "host/io/AtomicFile.hpp"
#include "host/io/BuildInfo.hpp"
#include "host/io/Provenance.hpp"
#include "host/io/Units.hpp"

namespace coatkmc {

namespace {
nlohmann::json num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

// [low, high] of a 95 % interval, or null when it cannot be estimated.
nlohmann::json ci95(const Estimate& e) {
  if (!std::isfinite(e.ci95_low) || !std::isfinite(e.ci95_high)) return nullptr;
  return {e.ci95_low, e.ci95_high};
}

// value, value_err, value_ci95.
void put(nlohmann::json& r, const std::string& key, const Estimate& e) {
  r[key] = num(e.value);
  r[key + "_err"] = num(e.error);
  r[key + "_ci95"] = ci95(e);
}

// Three components (null where not defined: z of a 2D lattice): key, key_err, key_ci95.
void put_xyz(nlohmann::json& r, const std::string& key, const std::array<Estimate, 3>& e) {
  nlohmann::json v = nlohmann::json::array(), err = nlohmann::json::array(),
                 ci = nlohmann::json::array();
  for (const Estimate& x : e) {
    v.push_back(num(x.value));
    err.push_back(num(x.error));
    ci.push_back(ci95(x));
  }
  r[key] = v;
  r[key + "_err"] = err;
  r[key + "_ci95"] = ci;
}

}  // namespace

nlohmann::json make_result_json(const LoadedConfig& config, const SimulationOutcome& o,
                                const TransportEstimates& e, const RunProvenance& provenance) {
  using nlohmann::json;
  json r;
  put(r, "D_tracer", e.D_tracer);
  put(r, "D_jump", e.D_jump);
  put(r, "haven_ratio", e.haven_ratio);
  put(r, "conductivity", e.conductivity);
  put(r, "correlation_factor", e.correlation_factor);
  put_xyz(r, "D_tracer_xyz", e.D_tracer_xyz);
  put_xyz(r, "D_jump_xyz", e.D_jump_xyz);
  put_xyz(r, "conductivity_xyz", e.conductivity_xyz);
  put_xyz(r, "drift_velocity", e.drift_velocity);
  if (e.conductivity_field) {
    put(r, "conductivity_field", *e.conductivity_field);
  } else {
    r["conductivity_field"] = nullptr;
    r["conductivity_field_err"] = nullptr;
    r["conductivity_field_ci95"] = nullptr;
  }
  uint64_t hops = 0, attempts = 0;
  for (const auto& rep : o.replicas) {
    hops += rep.total_hops;
    attempts += rep.total_attempts;
  }
  // Several species: result["species"][name] (docs/observables.md).
  const SimulationSettings& cs = config.settings;
  if (cs.species.active() && e.species.size() == cs.species.species.size()) {
    json sp = json::object();
    for (size_t q = 0; q < e.species.size(); ++q) {
      json one;
      one["ions"] = e.species[q].ions;
      one["fraction"] = num(o.sites > 0 ? double(e.species[q].ions) / double(o.sites) : 0.0);
      one["D_tracer"] = num(e.species[q].D_tracer.value);
      one["D_tracer_err"] = num(e.species[q].D_tracer.error);
      one["D_tracer_ci95"] = ci95(e.species[q].D_tracer);
      sp[cs.species.species[q].name] = one;
    }
    r["species"] = sp;
  }
  r["hops"] = hops;
  r["attempts"] = attempts;
  r["particles"] = o.particles;
  r["sites"] = o.sites;
  r["carrier_density"] = num(e.carrier_density);
  // The periodic box of one replica: the cell vectors times the cells (Å; a 2D
  // lattice's third vector is its layer thickness, once) and its volume (Å^3,
  // the V of carrier_density = particles / V).
  {
    json cell = json::array();
    for (int i = 0; i < 3; ++i) {
      const double n = i < o.dimension ? config.settings.cells[i] : 1;
      const Vec3& v = config.settings.lattice.vectors[i];
      cell.push_back({n * v.x, n * v.y, n * v.z});
    }
    r["cell_angstrom"] = cell;
    r["volume_angstrom3"] = num(o.volume);
  }
  r["simulated_time"] = num(e.simulated_time);
  r["wall_time"] = num(o.wall_time);
  r["hops_per_second"] = num(o.wall_time > 0 ? hops / o.wall_time : 0.0);
  const SimulationSettings& s = config.settings;
  r["temperature"] = s.hop.temperature;
  r["seed"] = s.seed;
  r["solver"] = o.solver;
  r["backend"] = o.backend;
  r["device"] = o.device;
  r["version"] = build_info().version;
  r["replicas"] = o.replicas.size();
  r["blocks"] = s.blocks;
  r["error_method"] =
      "D_jump, conductivity: chi-square over the collective displacement of windows one block "
      "long (" + e.jump_windows + "); tracer, correlation factor: relative spread of "
      "independent blocks (see docs/observables.md)";
  r["D_jump_dof"] = num(e.jump_dof);
  r["dimension"] = o.dimension;
  // Whether the hop network runs through the crystal (docs/structures.md):
  // D of a network without a spanning cluster measures rattling, not transport.
  {
    const HopNetwork& net = config.hop_network;
    r["hop_network"] = {{"dimensionality", net.dimensionality},
                        {"spans", net.spans()},
                        {"best_dimensionality", net.best_dimensionality},
                        {"clusters", net.clusters},
                        {"largest_cluster_host_sites_per_cell", net.largest_host_sites},
                        {"host_sites_per_cell", net.host_sites},
                        {"summary", net.summary()}};
  }
  r["provenance"] = make_provenance(config, o.device, provenance);
  r["config"] = json::parse(config.resolved_json);
  r["units"] = units_object(r);
  return r;
}

std::string make_msd_csv(const SimulationOutcome& o) {
  std::ostringstream os;
  os.precision(10);
  os << "time_s,msd_tracer_A2,msd_com_A2,hops_per_particle,msd_tracer_x_A2,msd_tracer_y_A2,"
        "msd_tracer_z_A2,msd_com_x_A2,msd_com_y_A2,msd_com_z_A2,msd_tracer_err_A2,"
        "msd_com_err_A2\n";
  if (o.replicas.empty()) return os.str();
  const size_t rows = o.replicas.front().msd.size();
  const double R = static_cast<double>(o.replicas.size());
  for (size_t i = 0; i < rows; ++i) {
    double t = 0, tr = 0, com = 0, hpp = 0;
    Vec3 tr_axes, com_axes;
    for (const auto& rep : o.replicas) {
      const MsdPoint& p = rep.msd[i];
      t += p.time;
      tr += p.msd_tracer;
      com += p.msd_com;
      hpp += p.hops_per_particle;
      tr_axes += p.msd_axes;
      if (o.particles > 0)
        com_axes += (1.0 / double(o.particles)) *
                    Vec3{p.sum_r.x * p.sum_r.x, p.sum_r.y * p.sum_r.y, p.sum_r.z * p.sum_r.z};
    }
    os << t / R << ',' << tr / R << ',' << com / R << ',' << hpp / R;
    // Per-axis components; z is empty for a 2D lattice, and every component
    // is empty for rows restored from a format-3 checkpoint (not recorded).
    const double tra[3] = {tr_axes.x, tr_axes.y, tr_axes.z};
    const double coma[3] = {com_axes.x, com_axes.y, com_axes.z};
    for (const double* c : {tra, coma})
      for (int a = 0; a < 3; ++a) {
        os << ',';
        if (a < o.dimension && std::isfinite(c[a])) os << c[a] / R;
      }
    // Standard errors of the two means over the replicas (independent runs;
    // the ions of one replica are not independent of each other); empty
    // with one replica.
    for (const bool tracer : {true, false}) {
      os << ',';
      if (o.replicas.size() < 2) continue;
      const double mean = (tracer ? tr : com) / R;
      double ss = 0;
      for (const auto& rep : o.replicas) {
        const double x = tracer ? rep.msd[i].msd_tracer : rep.msd[i].msd_com;
        ss += (x - mean) * (x - mean);
      }
      const double err = std::sqrt(ss / (R * (R - 1)));
      if (std::isfinite(err)) os << err;
    }
    os << '\n';
  }
  return os.str();
}

void write_run_outputs(const std::string& dir, const nlohmann::json& result,
                       const std::string& msd_csv) {
  make_directories(dir);
  write_file_atomically(dir + "/msd.csv", msd_csv);
  write_file_atomically(dir + "/result.json", result.dump(2) + "\n");
}

std::string format_summary(const nlohmann::json& r) {
  auto f = [&](const char* key) {
    char buf[64];
    if (r[key].is_null()) return std::string("n/a");
    std::snprintf(buf, sizeof buf, "%.4g", r[key].get<double>());
    return std::string(buf);
  };
  std::ostringstream os;
  os << "solver " << r["solver"].get<std::string>() << " on " << r["backend"].get<std::string>()
     << ", T = " << f("temperature") << " K, " << r["particles"] << " ions on " << r["sites"]
     << " sites, " << r["replicas"] << " replica(s)\n";
  os << "  D_tracer           = " << f("D_tracer") << " +- " << f("D_tracer_err") << " cm^2/s\n";
  os << "  D_jump             = " << f("D_jump") << " +- " << f("D_jump_err") << " cm^2/s\n";
  os << "  haven_ratio        = " << f("haven_ratio") << " +- " << f("haven_ratio_err") << "\n";
  os << "  correlation_factor = " << f("correlation_factor") << " +- "
     << f("correlation_factor_err") << "\n";
  os << "  conductivity       = " << f("conductivity") << " +- " << f("conductivity_err")
     << " S/cm\n";
  // The diagonal: x, y, z (z "n/a" on a 2D lattice).
  auto xyz = [&](const char* key) {
    std::string line;
    for (int a = 0; a < 3; ++a) {
      char buf[64];
      const nlohmann::json& v = r[key][a];
      const nlohmann::json& e = r[std::string(key) + "_err"][a];
      if (v.is_null())
        std::snprintf(buf, sizeof buf, "%sn/a", a ? ", " : "");
      else
        std::snprintf(buf, sizeof buf, "%s%.4g +- %.2g", a ? ", " : "", v.get<double>(),
                      e.is_null() ? NAN : e.get<double>());
      line += buf;
    }
    return line;
  };
  os << "  D_jump x, y, z     = " << xyz("D_jump_xyz") << " cm^2/s\n";
  os << "  sigma x, y, z      = " << xyz("conductivity_xyz") << " S/cm\n";
  if (!r["conductivity_field"].is_null())
    os << "  conductivity_field = " << f("conductivity_field") << " +- "
       << f("conductivity_field_err") << " S/cm\n";
  if (r.contains("species") && r["species"].is_object())
    for (const auto& item : r["species"].items()) {
      const std::string name = item.key();
      const nlohmann::json& sp = item.value();
      auto g = [&](const char* key) {
        char buf[64];
        if (!sp.contains(key) || !sp[key].is_number()) return std::string("n/a");
        std::snprintf(buf, sizeof buf, "%.4g", sp[key].get<double>());
        return std::string(buf);
      };
      os << "  D_tracer[" << name << "] = " << g("D_tracer") << " +- " << g("D_tracer_err")
         << " cm^2/s (" << sp.value("ions", int64_t(0)) << " ions)\n";
    }
  os << "  " << r["hops"] << " hops in " << f("simulated_time") << " s simulated, "
     << f("wall_time") << " s wall (" << f("hops_per_second") << " hops/s)\n";
  return os.str();
}

}  // namespace coatkmc
