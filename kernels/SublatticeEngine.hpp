#pragma once
// The sublattice solver's engine: the arrays of one replica on one backend
// and the batches of sweeps run on them. One interface, three
// implementations, chosen by kmc/solvers/SublatticeSolver:
//   cpu::    the OpenMP launcher (kernels/cpu/SublatticeSweeps)
//   replay:: the device kernel bodies (kernels/SublatticeKernel.hpp) run on
//            the host by the replay launcher (kernels/replay)
//   cuda::   the same bodies in CUDA kernels (kernels/cuda); in a build
//            without CUDA, a stub that throws CannotProceed (kernels/cuda_stubs).
// All three give the same trajectory bit for bit.
#include <cstdint>
#include <memory>

#include "kernels/EnvironmentEnergy.hpp"
#include "kernels/IonWindow.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeBatch.hpp"
#include "kernels/SublatticeLatticeRule.hpp"
#include "kernels/SublatticeTiling.hpp"

namespace coatkmc {

// Everything an engine is made from (host pointers, copied or read at creation).
struct SublatticeSetup {
  LatticeView lattice;  // steps: host pointer, copied
  SublatticeTiling tiling;
  // The lattice-wide class rule (kernels/SublatticeLatticeRule.hpp), when
  // active(): a batch's parity_order then holds a permutation of its
  // classes() per sweep, site_order is not read, the tiling is not used, and
  // key.word_group = lattice_rule.word_group(nbasis). Only with thinned visits.
  SublatticeLatticeRule lattice_rule{};
  int64_t sites = 0;
  SublatticeRngKey key{};
  int32_t interaction = 0, rule = kPoissonAttempts;
  // Uniform landscape: thresholds (threshold_count entries per table);
  // otherwise per-site scaled rates (sites * zmax) and factors (2 zmax + 1 per table).
  int64_t threshold_count = 0;
  const double* site_rate = nullptr;
  // Several species on a per-site landscape: vacancy factors per
  // kernels/SpeciesEnergy.hpp slot (species_factor_count of them); nullptr: one species.
  const double* species_factor = nullptr;
  int64_t species_factor_count = 0;
  // Direct exchange: exchange thresholds (exchange_count per table, 0: none)
  // over `species` species.
  int64_t exchange_count = 0;
  int32_t species = 1;
  // The environment model (kernels/EnvironmentEnergy.hpp; env_entries == 0:
  // none): entries, begin (env_slots + 1 entries) and the product form's
  // factors are copied here; thresholds (integer form: env_threshold_count per
  // table) or bases (product form: env_slots per table) come by set_environment().
  const EnvironmentEntry* env_entry = nullptr;
  int64_t env_entries = 0;
  const int32_t* env_begin = nullptr;
  int64_t env_slots = 0;
  const double* env_factor = nullptr;
  int64_t env_factors = 0;
  int64_t env_threshold_count = 0;
  int32_t env_width = 0, env_radix = 1;
  int32_t threads = 1;          // cpu: OpenMP threads; replay: host threads running blocks
  uint64_t replay_shuffle = 0;  // replay: seed of the block and lane orders
};

class SublatticeEngine {
 public:
  virtual ~SublatticeEngine() = default;
  // Acceptance tables of full sweeps (partial = false) or of a batch's last,
  // partial sweep: `threshold` (uniform landscape) or `factor` (per-site one),
  // and `exchange` (read only when the setup has exchange_count > 0).
  virtual void set_tables(bool partial, const uint32_t* threshold, const double* factor,
                          const uint32_t* exchange) = 0;
  // Environment tables of full sweeps or of the partial one: `threshold`
  // (integer form) or `base` (product form). Only with an environment model.
  virtual void set_environment(bool partial, const uint32_t* threshold, const double* base) = 0;
  // The state: one byte and one IonRecord per site (checkpoints, site maps,
  // final states: docs/parallel-solvers.md).
  virtual void upload(const uint8_t* site, const IonRecord* record) = 0;
  virtual void download(uint8_t* site, IonRecord* record) = 0;
  // Runs a batch; hops_by_slot (nbasis * zmax) gets the accepted hops added.
  virtual SublatticeBatchResult run(const SublatticeBatch& batch, uint64_t* hops_by_slot) = 0;
  // The per-ion window arrays next to the state (kernels/IonWindow.hpp): the
  // milestones' sums are reduced in the engine's memory. Replaces earlier ones.
  virtual IonWindows& bind_windows(const IonWindowSetup& setup) = 0;
};

namespace cpu {
std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup& setup);
}
namespace replay {
std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup& setup);
}
namespace cuda {
std::unique_ptr<SublatticeEngine> make_sublattice_engine(const SublatticeSetup& setup);
}

}  // namespace coatkmc
