#include "host/sweep/SweepCollect.hpp"
#include "host/config/TomlGuard.hpp"

#include <toml++/toml.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "host/analysis/ArrheniusFit.hpp"
#include "host/io/Units.hpp"
#include "host/sweep/TaskTable.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace fs = std::filesystem;

namespace {

// Fields averaged over the replicas of a point, each with its *_err.
const std::vector<std::string> kCombined = {"D_tracer", "D_jump", "haven_ratio",
                                            "correlation_factor", "conductivity"};
const std::vector<std::string> kCombinedXyz = {"D_tracer_xyz", "D_jump_xyz", "conductivity_xyz"};

nlohmann::json read_json_file(const fs::path& p, std::string* problem) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    *problem = "cannot open " + p.string();
    return nullptr;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *problem = p.string() + " is not a JSON object";
    return nullptr;
  }
  return j;
}

// A --vary value (TOML text) as JSON, for sweep.json.
nlohmann::json value_json(const std::string& text) {
  try {
    const toml::table t = parse_toml("v = " + text);
    std::ostringstream os;
    os << toml::json_formatter{t};
    return nlohmann::json::parse(os.str())["v"];
  } catch (...) {
    return text;
  }
}

double number(const nlohmann::json& j, const std::string& key) {
  const auto it = j.find(key);
  return (it != j.end() && it->is_number()) ? it->get<double>() : NAN;
}

nlohmann::json num(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

std::string csv_text(const nlohmann::json& v) {
  if (v.is_null()) return "";
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

const std::vector<std::string>& collected_fields() {
  static const std::vector<std::string> f = {"D_tracer",
                                             "D_tracer_err",
                                             "D_jump",
                                             "D_jump_err",
                                             "haven_ratio",
                                             "haven_ratio_err",
                                             "correlation_factor",
                                             "correlation_factor_err",
                                             "conductivity",
                                             "conductivity_err",
                                             "temperature",
                                             "hops",
                                             "simulated_time",
                                             "wall_time",
                                             "solver",
                                             "backend",
                                             "device"};
  return f;
}

namespace {

using Point = std::vector<std::string>;  // the varied values of a task, as TOML text

// The tasks of DIR: its tasks.csv, or one run in the folder itself.
TaskTable tasks_of(const std::string& dir, bool& single_run) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir, "no such folder");
  TaskTable table;
  if (fs::exists(fs::path(dir) / "tasks.csv", ec)) {
    table = read_task_table((fs::path(dir) / "tasks.csv").string());
  } else if (fs::exists(fs::path(dir) / "result.json", ec)) {
    // One run (also one under Slurm): a table of one task in the folder itself.
    single_run = true;
    SweepTask t;
    t.dir = ".";
    table.tasks.push_back(t);
  } else {
    throw InputError(dir, "neither a sweep (no tasks.csv) nor a run (no result.json)");
  }
  return table;
}

// What a task's folder says: done (its result.json), failed (a bad result.json,
// or task.json with a non-zero status) or missing.
struct TaskState {
  std::string status = "missing", problem;
  nlohmann::json result;
};
TaskState read_task_state(const fs::path& folder, nlohmann::json& entry) {
  TaskState s;
  std::error_code ec;
  if (fs::exists(folder / "result.json", ec)) {
    s.result = read_json_file(folder / "result.json", &s.problem);
    s.status = s.result.is_null() ? "failed" : "done";
  } else if (fs::exists(folder / "task.json", ec)) {
    const nlohmann::json st = read_json_file(folder / "task.json", &s.problem);
    // Fields of another type are a damaged task.json, not an exception.
    const auto code = st.is_null() ? st.end() : st.find("status");
    const auto error = st.is_null() ? st.end() : st.find("error");
    if (code != st.end() && !code->is_number_integer()) {
      s.status = "failed";
      s.problem = (folder / "task.json").string() + ": status is not a whole number";
    } else if (code != st.end() && code->get<int64_t>() != 0) {
      s.status = "failed";
      s.problem = error != st.end() && error->is_string()
                      ? error->get<std::string>()
                      : "exit status " + std::to_string(code->get<int64_t>());
      entry["exit_status"] = code->get<int64_t>();
    }
  }
  return s;
}

// Points: replicas of the same values combined (mean; standard error of the
// mean from the replicas' own errors, which are independent).
nlohmann::json combine_points(const TaskTable& table, const std::vector<Point>& point_order,
                              std::map<Point, std::vector<nlohmann::json>>& by_point,
                              std::map<Point, nlohmann::json>& point_json) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& values : point_order) {
    const auto& runs = by_point[values];
    nlohmann::json p;
    nlohmann::json v = nlohmann::json::object();
    for (size_t k = 0; k < table.keys.size(); ++k) v[table.keys[k]] = value_json(values[k]);
    p["values"] = v;
    p["replicas"] = runs.size();
    p["temperature"] = num(number(runs.front(), "temperature"));
    for (const std::string& f : kCombined) {
      double sum = 0, var = 0;
      for (const auto& r : runs) {
        sum += number(r, f);
        var += std::pow(number(r, f + "_err"), 2);
      }
      const double n = static_cast<double>(runs.size());
      p[f] = num(sum / n);
      p[f + "_err"] = num(std::sqrt(var) / n);
    }
    // Per component, the same; null where a replica lacks it (z of a 2D lattice).
    for (const std::string& f : kCombinedXyz) {
      nlohmann::json v = nlohmann::json::array(), e = nlohmann::json::array();
      for (int a = 0; a < 3; ++a) {
        double sum = 0, var = 0;
        for (const auto& r : runs) {
          const bool has = r.contains(f) && r[f].is_array() && r[f].size() == 3 &&
                           r[f][a].is_number() && r.contains(f + "_err") &&
                           r[f + "_err"].is_array() && r[f + "_err"].size() == 3 &&
                           r[f + "_err"][a].is_number();
          sum += has ? r[f][a].get<double>() : NAN;
          var += has ? std::pow(r[f + "_err"][a].get<double>(), 2) : NAN;
        }
        const double n = static_cast<double>(runs.size());
        v.push_back(num(sum / n));
        e.push_back(num(std::sqrt(var) / n));
      }
      p[f] = v;
      p[f + "_err"] = e;
    }
    points.push_back(p);
    point_json[values] = p;
  }
  return points;
}

// Arrhenius: wherever run.temperature varies, one fit per setting of the other varied keys.
nlohmann::json arrhenius_fits(const TaskTable& table, const std::vector<Point>& point_order,
                              std::map<Point, nlohmann::json>& point_json) {
  nlohmann::json fits = nlohmann::json::array();
  int t_axis = -1;
  for (size_t k = 0; k < table.keys.size(); ++k)
    if (table.keys[k] == "run.temperature") t_axis = static_cast<int>(k);
  if (t_axis >= 0) {
    std::map<std::vector<std::string>, std::vector<std::vector<std::string>>> groups;
    std::vector<std::vector<std::string>> group_order;
    for (const auto& values : point_order) {
      std::vector<std::string> rest;
      for (size_t k = 0; k < values.size(); ++k)
        if (static_cast<int>(k) != t_axis && table.keys[k] != "run.seed") rest.push_back(values[k]);
      if (groups[rest].empty()) group_order.push_back(rest);
      groups[rest].push_back(values);
    }
    for (const auto& rest : group_order) {
      nlohmann::json fixed = nlohmann::json::object();
      for (size_t k = 0, j = 0; k < table.keys.size(); ++k)
        if (static_cast<int>(k) != t_axis && table.keys[k] != "run.seed")
          fixed[table.keys[k]] = value_json(rest[j++]);
      for (const char* quantity : {"D_tracer", "D_jump"}) {
        std::vector<ArrheniusPoint> pts;
        for (const auto& values : groups[rest]) {
          const nlohmann::json& p = point_json[values];
          pts.push_back({number(p, "temperature"), number(p, quantity),
                         number(p, std::string(quantity) + "_err")});
        }
        nlohmann::json fit = {{"quantity", quantity}, {"fixed", fixed}, {"points", pts.size()}};
        try {
          const ArrheniusFit f = fit_arrhenius(pts);
          fit["activation_energy_eV"] = num(f.activation_energy_eV);
          fit["activation_energy_err"] = num(f.activation_energy_err);
          fit["activation_energy_ci95"] = {num(f.activation_energy_ci95_low),
                                           num(f.activation_energy_ci95_high)};
          fit["prefactor"] = num(f.prefactor);
          fit["prefactor_err"] = num(f.prefactor_err);
          fit["prefactor_ci95"] = {num(f.prefactor_ci95_low), num(f.prefactor_ci95_high)};
          fit["prefactor_unit"] = "cm^2/s";
          fit["chi2"] = num(f.chi2);
          fit["dof"] = f.dof;
        } catch (const std::invalid_argument& e) {
          fit["error"] = e.what();
        }
        fits.push_back(fit);
      }
    }
  }
  return fits;
}

}  // namespace

SweepCollection collect_sweep(const std::string& dir) {
  SweepCollection c;
  std::error_code ec;
  const TaskTable table = tasks_of(dir, c.single_run);

  nlohmann::json tasks = nlohmann::json::array(), failed = nlohmann::json::array(),
                 missing = nlohmann::json::array();
  std::map<std::vector<std::string>, std::vector<nlohmann::json>> by_point;
  std::vector<std::vector<std::string>> point_order;
  std::ostringstream csv;
  csv << "task,replica,seed";
  for (const std::string& k : table.keys) csv << ',' << csv_text(k);
  csv << ",status";
  for (const std::string& f : collected_fields()) csv << ',' << f;
  csv << '\n';

  for (const SweepTask& t : table.tasks) {
    const fs::path folder = fs::path(dir) / t.dir;
    nlohmann::json entry = {{"task", t.index}, {"dir", t.dir}, {"replica", t.replica}};
    if (!c.single_run) entry["seed"] = t.seed;
    nlohmann::json values = nlohmann::json::object();
    for (size_t k = 0; k < table.keys.size(); ++k) values[table.keys[k]] = value_json(t.values[k]);
    entry["values"] = values;

    const TaskState state = read_task_state(folder, entry);
    const std::string& status = state.status;
    const std::string& problem = state.problem;
    const nlohmann::json& result = state.result;
    entry["status"] = status;
    const bool resumable = fs::exists(folder / "checkpoint.ckpt", ec);
    if (status == "done") {
      nlohmann::json r = nlohmann::json::object();
      for (const std::string& f : collected_fields())
        if (result.contains(f)) r[f] = result[f];
      // The tensor's diagonal (arrays of three; not CSV columns).
      for (const std::string& f : kCombinedXyz)
        for (const std::string& g : {f, f + "_err"})
          if (result.contains(g)) r[g] = result[g];
      if (result.contains("provenance")) r["provenance"] = result["provenance"];
      entry["result"] = r;
      by_point[t.values].push_back(r);
      if (by_point[t.values].size() == 1) point_order.push_back(t.values);
    } else if (status == "failed") {
      entry["error"] = problem;
      entry["checkpoint"] = resumable;
      failed.push_back(entry);
      c.failed.push_back(t.index);
    } else {
      entry["checkpoint"] = resumable;
      missing.push_back(entry);
      c.missing.push_back(t.index);
    }
    tasks.push_back(entry);

    csv << t.index << ',' << t.replica << ',' << (c.single_run ? "" : std::to_string(t.seed));
    for (const std::string& v : t.values) csv << ',' << csv_text(nlohmann::json(v));
    csv << ',' << status;
    for (const std::string& f : collected_fields())
      csv << ',' << (status == "done" && result.contains(f) ? csv_text(result[f]) : "");
    csv << '\n';
  }

  std::map<Point, nlohmann::json> point_json;
  const nlohmann::json points = combine_points(table, point_order, by_point, point_json);
  const nlohmann::json fits = arrhenius_fits(table, point_order, point_json);
  c.summary = {{"sweep", fs::absolute(dir).lexically_normal().string()},
               {"single_run", c.single_run},
               {"varied", table.keys},
               {"tasks_total", table.tasks.size()},
               {"tasks_done", table.tasks.size() - c.failed.size() - c.missing.size()},
               {"complete", c.failed.empty() && c.missing.empty()},
               {"failed", failed},
               {"missing", missing},
               {"points", points},
               {"arrhenius", fits},
               {"tasks", tasks}};
  c.summary["units"] = units_object(c.summary);
  c.csv = csv.str();
  return c;
}

std::string format_collection(const SweepCollection& c, const std::string& dir) {
  auto g = [](const nlohmann::json& j) { return j.is_number() ? j.get<double>() : NAN; };
  std::ostringstream os;
  const auto& s = c.summary;
  os << "sweep " << dir << ": " << s["tasks_done"].get<size_t>() << " of "
     << s["tasks_total"].get<size_t>() << " tasks done";
  if (!c.failed.empty()) os << ", " << c.failed.size() << " failed";
  if (!c.missing.empty()) os << ", " << c.missing.size() << " missing";
  os << "\n";
  char buf[256];
  for (const auto& p : s["points"]) {
    std::string what;
    for (auto it = p["values"].begin(); it != p["values"].end(); ++it)
      what += (what.empty() ? "" : ", ") + it.key() + "=" + it.value().dump();
    const double d = g(p["D_tracer"]), e = g(p["D_tracer_err"]);
    std::snprintf(buf, sizeof buf, "  %-40s D_tracer = %.4g +- %.2g cm^2/s (%d replica(s))\n",
                  what.empty() ? "(single run)" : what.c_str(), d, e, p["replicas"].get<int>());
    os << buf;
  }
  for (const auto& f : s["arrhenius"]) {
    if (f.contains("error")) {
      os << "  Arrhenius " << f["quantity"].get<std::string>() << ": "
         << f["error"].get<std::string>() << "\n";
      continue;
    }
    std::snprintf(
        buf, sizeof buf,
        "  Arrhenius %s%s: Ea = %.4f +- %.4f eV, D0 = %.4g +- %.2g cm^2/s (chi2 %.3g, dof %d)\n",
        f["quantity"].get<std::string>().c_str(),
        f["fixed"].empty() ? "" : (" at " + f["fixed"].dump()).c_str(),
        g(f["activation_energy_eV"]), g(f["activation_energy_err"]), g(f["prefactor"]),
        g(f["prefactor_err"]), g(f["chi2"]), f["dof"].get<int>());
    os << buf;
  }
  for (const auto& t : s["failed"])
    os << "  failed: task " << t["task"] << " (" << t["dir"].get<std::string>()
       << "): " << t["error"].get<std::string>() << "\n";
  for (const auto& t : s["missing"])
    os << "  missing: task " << t["task"] << " (" << t["dir"].get<std::string>() << ")"
       << (t["checkpoint"].get<bool>() ? ", has a checkpoint" : "") << "\n";
  return os.str();
}

}  // namespace coatkmc
