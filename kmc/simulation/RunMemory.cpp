#include "kmc/simulation/RunMemory.hpp"

#include <algorithm>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/model/EnvironmentIndex.hpp"
#include "kmc/model/EnvironmentModel.hpp"
#include "kmc/observables/TransportSample.hpp"
#include "kmc/simulation/GeometryCheck.hpp"
#include "kmc/solvers/BklEnvironmentRates.hpp"
#include "kmc/solvers/BklSolver.hpp"

namespace coatkmc {

int64_t ions_on_host_sites(const SimulationSettings& s) {
  const LatticeDescription& d = s.lattice;
  const int64_t cells = int64_t(s.cells[0]) * s.cells[1] * (d.dimension == 2 ? 1 : s.cells[2]);
  const int64_t mobile_basis =
      std::count_if(d.basis.begin(), d.basis.end(), [](const BasisSite& b) { return b.mobile; });
  return s.occupancy.ion_count(cells * mobile_basis);
}

double bkl_environment_cache_bytes(const Lattice& lattice, const BklEnvironmentTables& made) {
  if (!made.cache) return 0;
  const EnvironmentIndex& index = made.index;
  const EnvironmentFactorTable& table = made.table;
  const double sites = static_cast<double>(lattice.num_sites());
  const double hops = sites * lattice.max_coordination();
  // Tabulated: an int32 table index per hop; else int16 counts of every term
  // (at least one), the rate (double) and a live byte.
  const double terms = std::max(1, index.max_terms);
  const double per_hop = table.empty() ? 2 * terms + 8 + 1 : 4;
  // Per site: its interior flag and its stamp (uint32).
  const double per_site = 1 + 4;
  auto bytes = [](const auto& v) { return double(v.size()) * sizeof(v[0]); };
  const double tables = bytes(table.table_begin) + bytes(table.base) + bytes(table.step) +
                        bytes(table.factor) + bytes(index.member_begin) + bytes(index.members) +
                        bytes(index.reader_begin) + bytes(index.readers) +
                        double(index.readers.size()) * sizeof(int64_t);  // a reader's index offset
  return hops * per_hop + sites * per_site + tables;
}

RunMemory minimum_run_memory(const SimulationSettings& s, const std::string& solver,
                             BackendKind backend, const RunKeeping& keeping,
                             double bkl_cache_bytes) {
  const LatticeDescription& d = s.lattice;
  const double nb = static_cast<double>(d.basis.size());
  const double sites = double(s.cells[0]) * s.cells[1] * (d.dimension == 2 ? 1 : s.cells[2]) * nb;
  const double ions = static_cast<double>(ions_on_host_sites(s));
  const double z = hop_coordination(d, s.hops.get());  // width of every per-site hop row
  // What run_simulation hands HopModel (kmc/model/Landscape.hpp): the given
  // site energies, else a drawn landscape.
  const bool given_energies = !s.site_energy.empty();
  const bool site_disorder = given_energies || s.landscape.site_energy_sigma > 0;
  const bool bond_disorder = !given_energies && s.landscape.barrier_sigma > 0;
  const bool uniform = !site_disorder && !bond_disorder;

  // Shared by the replicas: the dense neighbour table (int32 per hop slot);
  // the hop model's site energies, bond barriers and per-slot static rates.
  double shared = sites * 4 * z;
  if (given_energies) shared += sites * 8;  // the settings' own copy
  if (site_disorder) shared += sites * 8;
  if (bond_disorder) shared += sites * 8 * z;
  if (!uniform) shared += sites * 8 * z;

  // A replica's state: site -> ion (int32), occupancy and neighbour-count
  // bytes; per ion its site and unwrapped displacement, and for the parallel
  // solvers its travel record (cells and origin site). Its recorder holds a
  // displacement copy per mark: the window's start and the open block's, or
  // with kept marks one per block boundary.
  const double travel = solver == "bkl" ? 0.0 : 12 + 4;
  const double state = sites * (4 + 1 + 1) + ions * (4 + 24 + travel);
  const double marks = (keeping.marks ? s.blocks + 1.0 : 2.0) * ions * 24;
  // Its solver's arrays, on the host and on the GPU.
  double solver_host = 0, solver_device = 0;
  if (solver == "bkl") {
    // A rate-tree leaf per site; with [environment] the cache of its rates.
    solver_host = sites * 8 + bkl_cache_bytes;
  } else if (solver == "walkers") {
    // Cumulative rate rows (per site, or per basis site when uniform); per
    // walker its site and cell counters.
    const double table = (uniform ? nb : sites) * 8 * z;
    solver_host = table + ions * (4 + 12);
    if (backend == BackendKind::Cuda) solver_device = table + ions * (4 + 12);
  } else if (solver == "sublattice") {
    // A site byte and an ion record (16 bytes) per site, scaled rates per
    // site and slot without a uniform landscape.
    const double rates = uniform ? 0.0 : sites * 8 * z;
    solver_host = sites * (1 + 16) + rates;
    if (backend == BackendKind::Cuda) solver_device = sites * (1 + 16) + rates;
  }
  // The milestone sums' per-ion arrays (Solver::mark_window, kernels/IonWindow.hpp):
  // bkl keeps two marks on the host (displacement and site); a parallel
  // solver's engine keeps each ion's present displacement and site, the same
  // at two marks (28 B each), its origin basis site and species, in the
  // engine's memory. Counted on the host for every backend, as the solver's
  // arrays above are (for cuda the pinned staging of the state and mark
  // transfers holds part of it), and on the GPU for cuda.
  if (solver == "bkl") {
    solver_host += 2 * ions * 28;
  } else {
    solver_host += ions * (3 * 28 + 4 + 1);
    if (backend == BackendKind::Cuda) solver_device += ions * (3 * 28 + 4 + 1);
  }
  // Every replica's outcome is kept to the end: its blocks and msd rows.
  const double replicas = s.replicas;
  // And the ion trajectory's frames (run.trajectory_samples), kept to the end.
  const double frames = s.trajectory_samples > 0 ? (s.trajectory_samples + 1.0) * ions * sizeof(Vec3) : 0.0;
  const double outcomes =
      replicas * (s.blocks * double(sizeof(TransportSample)) + (s.msd_samples + 1.0) * sizeof(MsdPoint) +
                  frames);
  const double running = std::max(1, std::min(s.threads, s.replicas));

  RunMemory m;
  // At the first block boundary: the replicas running side by side, each with
  // its state and its solver; the recorder's two marks hold displacements only
  // when every mark is kept (else they come from the solver for a checkpoint).
  m.host = shared + running * (state + (keeping.marks ? 2 * ions * 24 : 0.0) + solver_host);
  if (keeping.states) {
    // As the last replica ends: every replica's state and marks, one solver.
    m.host = std::max(m.host, shared + replicas * (state + marks) + solver_host + outcomes);
    // The final checkpoint, after the run (format 5, host/io/CheckpointCompact):
    // the kept states and marks; the payload, at least a byte per ion, row
    // (marks and the state) and axis; zstd's output buffer, as large; and
    // while a column is encoded, a sort key per ion and row.
    if (keeping.final_checkpoint) {
      const double rows = (keeping.marks ? s.blocks + 1.0 : 2.0) + 1;
      const double payload = replicas * rows * ions * 3;
      m.host = std::max(m.host, replicas * (state + marks) + outcomes + 2 * payload + rows * ions * 8);
    }
  }
  m.device = running * solver_device;
  return m;
}

}  // namespace coatkmc
