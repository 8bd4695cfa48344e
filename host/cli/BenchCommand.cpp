#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/cli/CommandLine.hpp"
#include "host/cli/Commands.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/BuildInfo.hpp"
#include "host/run/KmcRun.hpp"
#include "kmc/backend/Backend.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/solvers/SolverFactory.hpp"
#include "kmc/solvers/SublatticeSolver.hpp"
#include "kmc/simulation/RunPlan.hpp"

namespace coatkmc {

namespace {

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

struct BenchCase {
  std::string solver, lattice;
  int n;
  double fraction;
  int threads;
  std::string energy = "lattice_gas";  // --energy
  std::string class_rule = "tiles";    // --class-rule (sublattice only)
};

// --energy: the hop energies of the bench (issue 16's speed comparison).
//  lattice_gas  no interaction (the default);
//  nn           a nearest-neighbour interaction J (hop.interaction);
//  nn_pair      the same J written as one site pair cluster of the
//               local-environment model (bkl runs nn's trajectory bit for bit);
//  environment  a two-shell local-environment model (kBenchEnvironmentEci).
// The two environment models are a configuration and its coefficients file,
// read by the run's own reader and planned by plan_run (compiled tables, the
// sublattice solver's form), so the bench times what a run with them times.
constexpr double kBenchInteractionEv = 0.02;
const std::vector<std::string>& bench_energies() {
  static const std::vector<std::string> names = {"lattice_gas", "nn", "nn_pair", "environment"};
  return names;
}
bool environment_energy(const std::string& energy) {
  return energy == "nn_pair" || energy == "environment";
}

// Coefficients (docs/environment.md, "Coefficients file") on sc with a = 3.9 Å.
// nn_pair: the pair at a with ECI J. environment, two shells: site pairs at a
// (J) and a√2 (J/4), and E_KRA points at a√5/2 (+0.01 eV: an ion beside the
// window) and 3a/2 (+0.005 eV: an ion in line with the hop) from the hop's
// midpoint; a hop reads its ends' first and second shells, 26 sites.
constexpr const char* kBenchPairEci =
    R"({ "site": [ { "sites": [[0,0,0],[1,0,0]], "species": ["ion","ion"], "eci_eV": 0.02 } ] })";
constexpr const char* kBenchEnvironmentEci = R"({
  "site": [ { "sites": [[0,0,0],[1,0,0]], "species": ["ion","ion"], "eci_eV": 0.02 },
            { "sites": [[0,0,0],[1,1,0]], "species": ["ion","ion"], "eci_eV": 0.005 } ],
  "kra":  [ { "hop": [[0,0,0],[1,0,0]], "sites": [[0,1,0]], "species": ["ion"], "eci_eV": 0.01 },
            { "hop": [[0,0,0],[1,0,0]], "sites": [[-1,0,0]], "species": ["ion"], "eci_eV": 0.005 } ] })";

// The run configuration of a case (sc, a = 3.9 Å, barrier 0.3 eV, 1e13 Hz,
// 300 K: the bench's HopParameters), with the [environment] of the
// environment energies reading `eci_file`.
std::string bench_config_text(const std::string& solver, int n, double fraction,
                              const std::string& energy, const std::string& eci_file) {
  std::ostringstream t;
  t << "[lattice]\ntype = \"sc\"\ncells = [" << n << ", " << n << ", " << n << "]\na = 3.9\n"
    << "[occupancy]\nfraction = " << fraction << "\n"
    << "[hop]\nbarrier = 0.3\nattempt_frequency = 1e13\n"
    << "[run]\ntemperature = 300\nsolver = \"" << solver << "\"\nseed = 1\n"
    << "[environment]\ncoefficients = \"" << eci_file << "\"\nsite_max_sites = 2\n";
  if (energy == "nn_pair") t << "site_cutoff_A = 3.95\n";
  else t << "site_cutoff_A = 5.6\nkra_cutoff_A = 5.9\nkra_max_sites = 1\n";
  return t.str();
}

// The world of an environment case, planned as `coatkmc run` plans it.
std::shared_ptr<const RunWorld> bench_environment_world(const std::string& solver, int n,
                                                         double fraction, const std::string& energy,
                                                         int threads) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path();
  const std::string eci = "coatkmc-bench-eci-" + std::to_string(::getpid()) + ".json";
  write_file_atomically((dir / eci).string(), energy == "nn_pair" ? kBenchPairEci : kBenchEnvironmentEci);
  std::shared_ptr<const RunWorld> world;
  try {
    const LoadedConfig cfg = load_config_text(bench_config_text(solver, n, fraction, energy, eci),
                                              (dir / "bench.toml").string(), {});
    world = plan_configured_run(cfg, threads, RunKeeping{}).world;
  } catch (...) {
    fs::remove(dir / eci);
    throw;
  }
  fs::remove(dir / eci);
  return world;
}

// Bytes a site visit or hop must move to or from memory when the lattice does
// not fit in cache (neighbours of a visited site are assumed cached), the
// basis of the roofline columns.
//  bkl: occupancy of origin, target and their neighbourhoods (4 B each), leaf
//       rates (8 B) of 2 + 2z sites, and a tree path.
//  sublattice: the site byte read and written; per accepted hop the ion index
//       of two sites (8 B) and the ion's travelled cells read and written (24 B).
//  walkers: per round each walker's site and cells read and written (32 B),
//       spread over the hops of the round (rounds counted as advance calls, a
//       lower bound); the rate table is cached (uniform landscape).
double bytes_per_attempt(const BenchCase& c, int z, double hops, double attempts, double ions,
                         double rounds) {
  if (c.solver == "bkl") return 4.0 * (2 + 2 * z) * (z + 1) + 8.0 * (2 + 2 * z) * 2;
  if (c.solver == "sublattice") return attempts > 0 ? 2.0 + 32.0 * hops / attempts : 0.0;
  return attempts > 0 ? 32.0 * ions * rounds / attempts : 0.0;
}

// Rough resident bytes of a case on the host: neighbour table, state and solver arrays.
double host_bytes(const BenchCase& c, int64_t sites, int z) {
  const double ions = c.fraction * sites;
  return sites * (4.0 * z + 16.0) + ions * 72.0 + (c.solver == "bkl" ? 24.0 * sites : 0.0);
}

double available_host_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  return 1e18;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// Times one solver on an equal-rate lattice gas: warm-up, then a timed stretch
// of chunks of accepted hops.
nlohmann::json time_case(const BenchCase& c, BackendKind backend, double seconds) {
  SolverOptions options;
  options.threads = c.threads;
  options.sublattice_class_rule = c.class_rule;
  std::shared_ptr<const RunWorld> world;
  std::unique_ptr<Lattice> own_lattice;
  std::unique_ptr<HopModel> own_model;
  SystemState state;
  if (environment_energy(c.energy)) {
    world = bench_environment_world(c.solver, c.n, c.fraction, c.energy, c.threads);
    options.environment = world->environment.get();
    state = place_ions(world->lattice, world->occupancy, 1, 0, world->blocked);
  } else {
    own_lattice = std::make_unique<Lattice>(make_textbook_lattice(c.lattice, 3.9),
                                            std::array<int, 3>{c.n, c.n, c.n});
    HopParameters hp;
    if (c.energy == "nn") hp.interaction = kBenchInteractionEv;
    own_model = std::make_unique<HopModel>(*own_lattice, hp);
    Occupancy occ;
    occ.fraction = c.fraction;
    state = place_ions(*own_lattice, occ, 1, 0);
  }
  const Lattice& lattice = world ? world->lattice : *own_lattice;
  const HopModel& model = world ? *world->model : *own_model;
  std::unique_ptr<Solver> solver = make_solver(c.solver, backend, lattice, model, 1, options);
  // As in a run (kmc/simulation/Simulation.cpp): the ions stay on the engine
  // between calls and only the counters come back, so a GPU figure is not
  // capped by a state download per call.
  solver->keep_state_on_engine(true);
  const uint64_t ions = static_cast<uint64_t>(state.num_ions());
  // Parallel solvers: a few hops per ion per call, as between a run's milestones.
  // An environment model's fastest environment sets the sublattice solver's
  // uniformization rate, so most of its attempts are rejected: fewer hops per
  // call keep a call near a second (the per-call cost stays negligible).
  const uint64_t chunk = c.solver == "bkl"                                ? 100000
                         : environment_energy(c.energy) && c.solver == "sublattice"
                             ? std::max<uint64_t>(2000, ions / 16)
                             : std::max<uint64_t>(100000, 4 * ions);
  AdvanceTarget warm;
  warm.hops = state.hops + chunk;
  solver->advance(state, warm);

  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const double cpu0 = thread_cpu_seconds();
  uint64_t h0 = state.hops, a0 = state.attempts;
  double elapsed = 0, calls = 0;
  while (elapsed < seconds) {
    ++calls;
    AdvanceTarget t;
    t.hops = state.hops + chunk;
    solver->advance(state, t);
    elapsed = std::chrono::duration<double>(clock::now() - t0).count();
  }
  const double cpu = thread_cpu_seconds() - cpu0;
  solver->sync(state);
  const double hops = static_cast<double>(state.hops - h0);
  const double attempts = static_cast<double>(state.attempts - a0);
  const int z = lattice.max_coordination();
  const double bytes = bytes_per_attempt(c, z, hops, attempts, static_cast<double>(ions), calls);
  nlohmann::json row = {{"solver", c.solver},
                        {"backend", backend_name(backend)},
                        {"device", device_name(backend)},
                        {"lattice", c.lattice},
                        {"energy", c.energy},
                        {"cells", c.n},
                        {"sites", lattice.num_sites()},
                        {"fraction", c.fraction},
                        {"threads", backend == BackendKind::Cuda ? 0 : c.threads},
                        {"hops", hops},
                        {"attempts", attempts},
                        {"seconds", elapsed},
          {"cpu_seconds", cpu},  // this thread's CPU time: exposes time lost to other load
          {"hops_per_cpu_second", hops / cpu},
                        {"hops_per_second", hops / elapsed},
                        {"attempts_per_second", attempts / elapsed},
                        {"bytes_per_attempt_estimate", bytes},
                        {"bandwidth_estimate_GBps", bytes * attempts / elapsed * 1e-9}};
  if (c.solver == "sublattice") {
    row["acceptance_ceiling"] = kDefaultAcceptanceCeiling;
    // What the sweeps followed: "tiles", or "lattice" with its modulus.
    const auto* sub = dynamic_cast<const SublatticeSolver*>(solver.get());
    const bool lattice_rule = sub && sub->lattice_rule().active();
    row["class_rule"] = c.class_rule;
    row["classes"] = lattice_rule ? "lattice M=" + std::to_string(sub->lattice_rule().modulus)
                                  : std::string("tiles");
  }
  return row;
}

std::string today() {
  const std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

template <class T>
std::vector<T> parse_list(const std::string& option, const std::string& text) {
  std::vector<T> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::stringstream one(item);
    T v;
    if (!(one >> v) || !one.eof()) throw InputError("--" + option, "'" + item + "' is not valid");
    out.push_back(v);
  }
  if (out.empty()) throw InputError("--" + option, "expected a comma-separated list");
  return out;
}

}  // namespace

int bench_command(const std::vector<std::string>& in) {
  cxxopts::Options opts("coatkmc bench", "Throughput of the solvers (accepted hops and attempts per second).");
  opts.add_options()
      ("backend", "auto | cpu | cuda", cxxopts::value<std::string>()->default_value("cpu"))
      ("out", "folder for the JSON record", cxxopts::value<std::string>()->default_value("benchmarks/results"))
      ("seconds", "timed seconds per case", cxxopts::value<double>()->default_value("3"))
      ("solvers", "comma-separated solvers", cxxopts::value<std::string>()->default_value("bkl,walkers,sublattice"))
      ("sizes", "comma-separated cells per axis (sc lattice)", cxxopts::value<std::string>()->default_value("32,64,128,256,512"))
      ("threads", "comma-separated CPU thread counts", cxxopts::value<std::string>()->default_value("1"))
      ("energy", "lattice_gas | nn (interaction J) | nn_pair (J as an environment pair cluster) | environment (a two-shell environment model)", cxxopts::value<std::string>()->default_value("lattice_gas"))
      ("class-rule", "sublattice classes, comma-separated: tiles | auto (the lattice-wide rule where it applies) | lattice", cxxopts::value<std::string>()->default_value("tiles"))
      ("quick", "small sizes and short timings (smoke test)")
      ("h,help", "show this help");
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc bench", in);
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  const std::string req = res["backend"].as<std::string>();
  if (req != "auto" && req != "cpu" && req != "cuda")
    throw InputError("--backend", "'" + req + "' is not one of: auto, cpu, cuda");
  const bool quick = res.count("quick") > 0;
  const double seconds = quick ? 0.2 : res["seconds"].as<double>();
  if (!(seconds > 0 && seconds < 3600)) throw InputError("--seconds", "must lie in (0, 3600)");
  const auto solvers = parse_list<std::string>("solvers", res["solvers"].as<std::string>());
  for (const auto& s : solvers)
    if (std::find(solver_names().begin(), solver_names().end(), s) == solver_names().end())
      throw InputError("--solvers", "'" + s + "' is not a solver");
  std::vector<int> sizes = quick ? std::vector<int>{16} : parse_list<int>("sizes", res["sizes"].as<std::string>());
  for (int n : sizes)
    if (n < 4 || n > 1290) throw InputError("--sizes", "cells per axis must lie in [4, 1290]");
  const auto threads = parse_list<int>("threads", res["threads"].as<std::string>());
  const std::string energy = res["energy"].as<std::string>();
  if (std::find(bench_energies().begin(), bench_energies().end(), energy) == bench_energies().end())
    throw InputError("--energy", "'" + energy + "' is not one of: lattice_gas, nn, nn_pair, environment");
  for (int t : threads)
    if (t < 1 || t > 4096) throw InputError("--threads", "must lie in [1, 4096]");
  const auto class_rules = parse_list<std::string>("class-rule", res["class-rule"].as<std::string>());
  for (const auto& r : class_rules)
    if (std::find(sublattice_class_rule_names().begin(), sublattice_class_rule_names().end(), r) ==
        sublattice_class_rule_names().end())
      throw InputError("--class-rule", "'" + r + "' is not one of: tiles, auto, lattice");

  std::vector<BenchCase> cases;
  for (const std::string& s : solvers)
    for (int n : sizes) {
      const bool cuda = resolve_backend(req, solver_has_cuda(s)) == BackendKind::Cuda;
      if (s == "bkl" && n > 128) continue;  // serial: the large sizes say nothing new
      if (environment_energy(energy) && !find_solver(s)->capabilities.environment) continue;
      if (energy == "nn" && !find_solver(s)->capabilities.interaction) continue;
      for (int t : threads) {
        for (const std::string& r : class_rules) {
          cases.push_back({s, "sc", n, 0.5, t, energy, r});
          if (s != "sublattice") break;  // the class rule is the sublattice solver's
        }
        if (cuda) break;  // thread count is a CPU setting
      }
    }

  nlohmann::json rows = nlohmann::json::array();
  std::printf("%-10s %-7s %-5s %6s %12s %7s %12s %12s %9s %9s\n", "solver", "backend", "lat", "cells",
              "sites", "threads", "hops/s", "attempts/s", "B/attempt", "GB/s");
  const double available = available_host_bytes();
  for (const BenchCase& c : cases) {
    const BackendKind backend = resolve_backend(req, solver_has_cuda(c.solver));
    const int64_t sites = int64_t(c.n) * c.n * c.n;
    if (host_bytes(c, sites, 6) > 0.8 * available) {
      std::printf("%-10s %-7s %-5s %6d %12lld  skipped: needs about %.1f GB of host memory, %.1f GB available\n",
                  c.solver.c_str(), backend_name(backend).c_str(), c.lattice.c_str(), c.n,
                  static_cast<long long>(sites), host_bytes(c, sites, 6) * 1e-9, available * 1e-9);
      continue;
    }
    nlohmann::json row;
    try {
      row = time_case(c, backend, seconds);
    } catch (const CannotProceed& e) {
      std::printf("%-10s %-7s %-5s %6d  skipped: %s\n", c.solver.c_str(),
                  backend_name(backend).c_str(), c.lattice.c_str(), c.n, e.what());
      continue;
    }
    row["commit"] = build_info().git_sha;
    const std::string name =
        row.contains("classes") ? c.solver + ":" + row["classes"].get<std::string>() : c.solver;
    std::printf("%-10s %-7s %-5s %6d %12lld %7d %12.4g %12.4g %9.3g %9.3g\n", name.c_str(),
                row["backend"].get<std::string>().c_str(), c.lattice.c_str(), c.n,
                static_cast<long long>(row["sites"].get<int64_t>()), row["threads"].get<int>(),
                row["hops_per_second"].get<double>(), row["attempts_per_second"].get<double>(),
                row["bytes_per_attempt_estimate"].get<double>(),
                row["bandwidth_estimate_GBps"].get<double>());
    std::fflush(stdout);
    rows.push_back(row);
  }
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  const BackendInfo& info = backend_info();
  nlohmann::json doc = {{"date", today()},
                        {"host", host},
                        {"cpu", info.cpu_name},
                        {"cuda_device", info.cuda_devices > 0 ? info.cuda_device_name : std::string()},
                        {"load_average_at_end", load_average()},
                        {"commit", build_info().git_sha},
                        {"version", build_info().version},
                        {"roofline_note",
                         "bytes_per_attempt_estimate: compulsory memory traffic per attempt "
                         "(walkers: per hop) when the lattice exceeds the caches; "
                         "bandwidth_estimate_GBps = that times attempts/s (see docs/parallel-solvers.md)"},
                        {"rows", rows}};
  const std::string dir = res["out"].as<std::string>();
  make_directories(dir);
  const std::string path = dir + "/bench-" + (quick ? std::string("quick-") : std::string()) +
                           backend_name(resolve_backend(req, true)) + "-" + today() + ".json";
  write_file_atomically(path, doc.dump(2) + "\n");
  std::printf("wrote %s\n", path.c_str());
  return 0;
}

}  // namespace coatkmc
