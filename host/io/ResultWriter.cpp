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

namespace coatkmc {

namespace {
nlohmann::json num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json make_result_json(const LoadedConfig& config, const SimulationOutcome& o,
                                const TransportEstimates& e, const RunProvenance& provenance) {
  using nlohmann::json;
  json r;
  r["D_tracer"] = num(e.D_tracer.value);
  r["D_tracer_err"] = num(e.D_tracer.error);
  r["D_jump"] = num(e.D_jump.value);
  r["D_jump_err"] = num(e.D_jump.error);
  r["haven_ratio"] = num(e.haven_ratio.value);
  r["haven_ratio_err"] = num(e.haven_ratio.error);
  r["conductivity"] = num(e.conductivity.value);
  r["conductivity_err"] = num(e.conductivity.error);
  r["correlation_factor"] = num(e.correlation_factor.value);
  r["correlation_factor_err"] = num(e.correlation_factor.error);
  r["drift_velocity"] = {num(e.drift_velocity[0].value), num(e.drift_velocity[1].value),
                         num(e.drift_velocity[2].value)};
  r["drift_velocity_err"] = {num(e.drift_velocity[0].error), num(e.drift_velocity[1].error),
                             num(e.drift_velocity[2].error)};
  if (e.conductivity_field) {
    r["conductivity_field"] = num(e.conductivity_field->value);
    r["conductivity_field_err"] = num(e.conductivity_field->error);
  } else {
    r["conductivity_field"] = nullptr;
    r["conductivity_field_err"] = nullptr;
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
      sp[cs.species.species[q].name] = one;
    }
    r["species"] = sp;
  }
  r["hops"] = hops;
  r["attempts"] = attempts;
  r["particles"] = o.particles;
  r["sites"] = o.sites;
  r["carrier_density"] = num(e.carrier_density);
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
  r["error_method"] = "independent blocks (see docs/observables.md)";
  r["dimension"] = o.dimension;
  r["provenance"] = make_provenance(config, o.device, provenance);
  r["config"] = json::parse(config.resolved_json);
  return r;
}

std::string make_msd_csv(const SimulationOutcome& o) {
  std::ostringstream os;
  os.precision(10);
  os << "time_s,msd_tracer_A2,msd_com_A2,hops_per_particle\n";
  if (o.replicas.empty()) return os.str();
  const size_t rows = o.replicas.front().msd.size();
  const double R = static_cast<double>(o.replicas.size());
  for (size_t i = 0; i < rows; ++i) {
    double t = 0, tr = 0, com = 0, hpp = 0;
    for (const auto& rep : o.replicas) {
      t += rep.msd[i].time;
      tr += rep.msd[i].msd_tracer;
      com += rep.msd[i].msd_com;
      hpp += rep.msd[i].hops_per_particle;
    }
    os << t / R << ',' << tr / R << ',' << com / R << ',' << hpp / R << '\n';
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
