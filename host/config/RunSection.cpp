#include "host/config/ConfigSections.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kmc/solvers/SolverFactory.hpp"
#include "kmc/solvers/SublatticeClasses.hpp"

namespace coatkmc::config {

// [occupancy] ([[occupancy.species]] is read with [hop], whose barrier it defaults to).
void read_occupancy(Validator& v, SimulationSettings& s) {
  if (v.has("occupancy.fraction") && v.has("occupancy.vacancies"))
    v.fail("occupancy.vacancies", "give occupancy.fraction or occupancy.vacancies, not both");
  // occupancy.from_file = true: fill to the structure file's own mobile
  // occupancy, the mean over the hop (host) sites of what the file puts there.
  if (v.boolean("occupancy.from_file", false)) {
    if (s.lattice.name != "file")
      v.fail("occupancy.from_file", "applies only to lattice.type = \"file\"");
    for (const char* other : {"occupancy.fraction", "occupancy.vacancies", "occupancy.species"})
      if (v.has(other))
        v.fail("occupancy.from_file",
               std::string("give occupancy.from_file or ") + other + ", not both");
    double sum = 0;
    int host = 0;
    // Site by site: each basis site filled to its own occupancy (placement,
    // kmc/state), `fraction` the mean, for the estimates made before the
    // lattice is built. Not written back as occupancy.fraction: the resolved
    // configuration (and a restart from it) keeps from_file and reads the file again.
    s.occupancy.basis_fraction.assign(s.lattice.basis.size(), 0.0);
    for (size_t i = 0; i < s.lattice.basis.size(); ++i) {
      const BasisSite& b = s.lattice.basis[i];
      if (!b.host()) continue;
      sum += b.occupancy, ++host;
      s.occupancy.basis_fraction[i] = std::min(1.0, std::max(0.0, b.occupancy));
    }
    s.occupancy.fraction = host ? std::min(1.0, sum / host) : 0.0;
    return;
  }
  if (v.has("occupancy.species")) {
    // set by read_species below
  } else if (v.has("occupancy.vacancies")) {
    s.occupancy.by_vacancies = true;
    s.occupancy.vacancies = v.integer("occupancy.vacancies", 0, 0, INT64_MAX);
  } else {
    s.occupancy.fraction = v.number("occupancy.fraction", 0.5, 0, 1);
  }

}

// [hop] and [run].
void read_hop_and_run(Validator& v, SimulationSettings& s) {
  const int dim = s.lattice.dimension;
  // [hop]
  s.hop.barrier = v.number("hop.barrier", 0.30, 0, 100);
  s.hop.attempt_frequency = v.number("hop.attempt_frequency", 1e13, 0, 1e20, true);
  s.hop.interaction = v.number("hop.interaction", 0.0, -100, 100);

  // [run]
  s.hop.temperature = v.number("run.temperature", 300, 0, 1e5, true);
  if (v.has("run.hops_per_particle") && v.has("run.time"))
    v.fail("run.time", "give run.hops_per_particle or run.time, not both");
  if (v.has("run.time")) {
    s.time = v.number("run.time", 0, 0, 1e12, true);
  } else {
    s.hops_per_particle = v.number("run.hops_per_particle", 100, 0, 1e12, true);
  }
  std::vector<std::string> solvers = {"auto"};
  for (const auto& n : solver_names()) solvers.push_back(n);
  s.solver = v.choice("run.solver", "auto", solvers);
  s.backend = v.choice("run.backend", "auto", {"auto", "cpu", "cuda"});
  s.seed = static_cast<uint64_t>(v.integer("run.seed", 1, 0, INT64_MAX));
  const auto field = v.number_array("run.field", {0.0, 0.0, 0.0}, 3, 3);
  s.hop.field = {field[0], field[1], field[2]};
  if (dim == 2 && field[2] != 0) v.fail("run.field", "a 2D lattice takes no field along z");
  s.blocks = static_cast<int>(v.integer("run.blocks", 10, 2, 100000));
  s.msd_samples = static_cast<int>(v.integer("run.msd_samples", 100, 1, 100000));
  s.replicas = static_cast<int>(v.integer("run.replicas", 1, 1, 1 << 20));
  s.checkpoint = v.choice("run.checkpoint", "end", {"end", "periodic", "none"});
  s.equilibration_hops_per_particle = v.number("run.equilibration_hops_per_particle", 0, 0, 1e12);
  s.slabs = static_cast<int>(v.integer("run.slabs", 0, 0, 1 << 20));
  // The ion trajectory (docs/outputs.md): read only when given, so that the
  // resolved configuration of a run without one is unchanged.
  if (v.has("run.trajectory_samples")) {
    s.trajectory_samples = static_cast<int>(v.integer("run.trajectory_samples", 0, 0, 100000));
    if (s.trajectory_samples > 0 && s.msd_samples % s.trajectory_samples != 0)
      v.fail("run.trajectory_samples",
             "must divide run.msd_samples (" + std::to_string(s.msd_samples) +
                 "): frames are taken at the MSD instants");
  }
  if (v.has("run.trajectory_format"))
    s.trajectory_format = v.choice("run.trajectory_format", "extxyz", {"extxyz", "h5md"});

}

// [landscape] and [sublattice] (docs/parallel-solvers.md).
void read_landscape_and_sublattice(Validator& v, SimulationSettings& s) {
  s.landscape.site_energy_sigma = v.number("landscape.site_energy_sigma", 0, 0, 10);
  s.landscape.barrier_sigma = v.number("landscape.barrier_sigma", 0, 0, 10);
  s.landscape.seed = static_cast<uint64_t>(
      v.integer("landscape.seed", static_cast<int64_t>(s.seed), 0, INT64_MAX));
  s.acceptance_ceiling =
      v.number("sublattice.acceptance_ceiling", kDefaultAcceptanceCeiling, 0, 1, true);
  s.sublattice_attempts = v.choice("sublattice.attempts", "poisson",
                                   {"poisson", "one_per_ion", "one_per_site"});
  s.sublattice_class_rule =
      v.choice("sublattice.class_rule", "tiles", sublattice_class_rule_names());
}

void check_sublattice_class_rule(Validator& v, const SimulationSettings& s) {
  // bkl and walkers have no classes: the key is the sublattice solver's.
  if (s.sublattice_class_rule != "lattice" || s.solver == "bkl" || s.solver == "walkers") return;
  const HopTable* known = hops_if_known(s.lattice, s.hops.get());
  HopTable own;
  if (!known) {
    own = hop_table(s.lattice);
    known = &own;
  }
  // What the solver asks of its model (SublatticeSolver::choose_class_rule),
  // as the settings tell it: the run's landscape is uniform unless per-site
  // energies, a microstructure or a disordered landscape make it per site.
  SublatticeVisitKind kind;
  kind.poisson = s.sublattice_attempts == "poisson";
  kind.uniform_landscape =
      s.site_energy.empty() && !s.microstructure.active() && !s.landscape.disordered();
  kind.environment = s.environment.active;
  kind.interaction = s.hop.interaction != 0;
  kind.exchange = s.species.active() && !s.species.exchange.empty();
  kind.zmax = known->zmax;
  std::string why = why_visits_not_thinned(kind);
  if (why.empty()) {
    std::vector<bool> mobile;
    for (const BasisSite& b : s.lattice.basis) mobile.push_back(b.mobile);
    lattice_class_rule(known->hops, mobile, s.cells, &why);
  }
  if (!why.empty())
    v.fail("sublattice.class_rule",
           "\"lattice\" does not apply here: " + why + " (use \"auto\" or \"tiles\")");
}

std::string sublattice_collective_warning(const SimulationSettings& s) {
  if (s.solver != "sublattice") return "";
  const int64_t cells = int64_t(s.cells[0]) * s.cells[1] * s.cells[2];
  constexpr int64_t kMeasuredCells = int64_t(64) * 64 * 64, kSmallCells = int64_t(16) * 16 * 16;
  const bool large = cells > kMeasuredCells;
  const bool high_ceiling = s.acceptance_ceiling > kDefaultAcceptanceCeiling && cells > kSmallCells;
  if (!large && !high_ceiling) return "";
  std::ostringstream w;
  w << "sublattice solver: D_jump, the conductivity and the Haven ratio carry a bias that grows "
       "with the number of ions (one class order per sweep is shared by the whole lattice; "
       "docs/parallel-solvers.md, \"Bias\"): measured within ~3 % up to 64^3 cells at "
       "acceptance_ceiling 0.25, but +70 to +145 % at 64^3 cells and ceiling 1; this run has "
    << cells << " cells at ceiling " << s.acceptance_ceiling
    << ". D_tracer and the correlation factor are not affected; check collective transport "
       "with bkl or on a smaller lattice";
  return w.str();
}

// The ions the occupancy places on the `mobile` sites: at least one, a
// vacancy left unless the run is by time, and a countable number of hops.
void check_ion_counts(Validator& v, SimulationSettings& s, int64_t mobile) {
  int64_t ions = 0;
  try {
    ions = s.occupancy.ion_count(mobile);
    if (!s.occupancy.basis_fraction.empty()) {
      // Site by site (occupancy.from_file): every cell holds each basis site once.
      const int64_t cells = mobile / std::max<int64_t>(1, s.lattice.host_basis_count());
      std::vector<int64_t> open(s.lattice.basis.size(), 0);
      for (size_t b = 0; b < open.size(); ++b) open[b] = s.lattice.basis[b].host() ? cells : 0;
      ions = 0;
      for (int64_t n : s.occupancy.ions_by_basis(open)) ions += n;
    }
  } catch (const std::invalid_argument& e) {
    v.fail(s.species.active()                     ? "occupancy.species"
           : s.occupancy.by_vacancies            ? "occupancy.vacancies"
           : !s.occupancy.basis_fraction.empty() ? "occupancy.from_file"
                                                 : "occupancy.fraction",
           e.what());
  }
  const std::string occ_key = s.species.active()                     ? "occupancy.species"
                              : s.occupancy.by_vacancies            ? "occupancy.vacancies"
                              : !s.occupancy.basis_fraction.empty() ? "occupancy.from_file"
                                                                    : "occupancy.fraction";
  if (ions == 0) v.fail(occ_key, "places no ion on " + std::to_string(mobile) + " sites");
  if (ions == mobile && s.time <= 0 && s.solver != "walkers")
    v.fail(occ_key, "leaves no vacancy, so no ion can hop (run.hops_per_particle cannot be reached)");

  // Hop counts are 64-bit: a run must be able to count its hops (and end).
  constexpr double kMaxHops = 1e18;
  if (s.time <= 0 && s.hops_per_particle * double(ions) > kMaxHops)
    v.fail("run.hops_per_particle", "asks for more than 1e18 hops per replica");
  if (s.equilibration_hops_per_particle * double(ions) > kMaxHops)
    v.fail("run.equilibration_hops_per_particle", "asks for more than 1e18 hops per replica");

}

}  // namespace coatkmc::config
