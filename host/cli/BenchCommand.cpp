#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cxxopts.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "host/cli/Commands.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/BuildInfo.hpp"
#include "kmc/backend/Backend.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/solvers/SolverFactory.hpp"

namespace coatkmc {

namespace {

struct BenchCase {
  std::string solver, lattice;
  int n;
  double fraction;
};

// Times one solver on an equal-rate lattice gas: warm-up, then a timed stretch of hops.
nlohmann::json time_case(const BenchCase& c, BackendKind backend, double seconds) {
  const Lattice lattice(make_textbook_lattice(c.lattice, 3.9), {c.n, c.n, c.n});
  HopParameters hp;
  const HopModel model(lattice, hp);
  Occupancy occ;
  occ.fraction = c.fraction;
  SystemState state = place_ions(lattice, occ, 1, 0);
  auto solver = make_solver(c.solver, backend, lattice, model, 1);
  AdvanceTarget warm;
  warm.hops = state.hops + 200000;
  solver->advance(state, warm);

  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  uint64_t h0 = state.hops, a0 = state.attempts, chunk = 100000;
  double elapsed = 0;
  while (elapsed < seconds) {
    AdvanceTarget t;
    t.hops = state.hops + chunk;
    solver->advance(state, t);
    elapsed = std::chrono::duration<double>(clock::now() - t0).count();
  }
  const double hops = static_cast<double>(state.hops - h0);
  const double attempts = static_cast<double>(state.attempts - a0);
  // Bytes an ideal bkl hop touches: occupancy of origin, target and their
  // neighbourhoods (4 B each), leaf rates (8 B) of 2 + 2z sites, and a tree path.
  const int z = lattice.max_coordination();
  const double bytes_per_attempt = 4.0 * (2 + 2 * z) * (z + 1) + 8.0 * (2 + 2 * z) * 2;
  return {{"solver", c.solver},
          {"backend", backend_name(backend)},
          {"device", device_name(backend)},
          {"lattice", c.lattice},
          {"cells", c.n},
          {"sites", lattice.num_sites()},
          {"fraction", c.fraction},
          {"hops", hops},
          {"seconds", elapsed},
          {"hops_per_second", hops / elapsed},
          {"attempts_per_second", attempts / elapsed},
          {"bytes_per_attempt_estimate", bytes_per_attempt},
          {"threads", 1}};
}

std::string today() {
  const std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

}  // namespace

int bench_command(const std::vector<std::string>& in) {
  std::vector<std::string> args = in;
  cxxopts::Options opts("coatkmc bench", "Throughput of the solvers (accepted hops and attempts per second).");
  opts.add_options()
      ("backend", "auto | cpu | cuda", cxxopts::value<std::string>()->default_value("cpu"))
      ("out", "folder for the JSON record", cxxopts::value<std::string>()->default_value("benchmarks/results"))
      ("seconds", "timed seconds per case", cxxopts::value<double>()->default_value("3"))
      ("quick", "small sizes and short timings (smoke test)")
      ("h,help", "show this help");
  std::vector<char*> argv{const_cast<char*>("coatkmc bench")};
  for (auto& a : args) argv.push_back(a.data());
  cxxopts::ParseResult res;
  try {
    res = opts.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    throw InputError("command line", e.what());
  }
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

  std::vector<BenchCase> cases;
  for (int n : quick ? std::vector<int>{16} : std::vector<int>{32, 64, 128})
    cases.push_back({"bkl", "sc", n, 0.5});

  nlohmann::json rows = nlohmann::json::array();
  std::printf("%-10s %-7s %-5s %6s %12s %14s %14s\n", "solver", "backend", "lat", "cells", "sites",
              "hops/s", "attempts/s");
  for (const BenchCase& c : cases) {
    const BackendKind backend = resolve_backend(req, solver_has_cuda(c.solver));
    nlohmann::json row = time_case(c, backend, seconds);
    row["commit"] = build_info().git_sha;
    std::printf("%-10s %-7s %-5s %6d %12lld %14.4g %14.4g\n", c.solver.c_str(),
                row["backend"].get<std::string>().c_str(), c.lattice.c_str(), c.n,
                static_cast<long long>(row["sites"].get<int64_t>()),
                row["hops_per_second"].get<double>(), row["attempts_per_second"].get<double>());
    std::fflush(stdout);
    rows.push_back(row);
  }
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  nlohmann::json doc = {{"date", today()},
                        {"host", host},
                        {"cpu", backend_info().cpu_name},
                        {"commit", build_info().git_sha},
                        {"version", build_info().version},
                        {"rows", rows}};
  const std::string dir = res["out"].as<std::string>();
  make_directories(dir);
  const std::string path = dir + "/bench-" + (quick ? std::string("quick-") : std::string()) + today() + ".json";
  write_file_atomically(path, doc.dump(2) + "\n");
  std::printf("wrote %s\n", path.c_str());
  return 0;
}

}  // namespace coatkmc
