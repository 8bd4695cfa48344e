#pragma once
// Driver functions of the CUDA sublattice solver; host code includes this
// header without nvcc. The device keeps one byte per site and an IonRecord
// per site (touched only by accepted hops); kernels run one CUDA block per tile of
// a parity class, the block's threads over the members of each site class in
// turn (kernels/SublatticeTiling.hpp), the attempt itself being
// kernels/SublatticeAttempt.hpp. Defined in SublatticeDevice.cu.
#include <cstdint>

#include "kernels/LatticeView.hpp"
#include "kernels/SublatticeAttempt.hpp"
#include "kernels/SublatticeBatch.hpp"
#include "kernels/SublatticeTiling.hpp"

namespace coatkmc::cuda {

struct SublatticeDevice;

struct SublatticeSetup {
  LatticeView lattice;  // steps: host pointer, copied
  SublatticeTiling tiling;
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
};

SublatticeDevice* sublattice_create(const SublatticeSetup& setup);
void sublattice_destroy(SublatticeDevice* device);
// Acceptance tables of full sweeps (partial = false) or of a batch's last,
// partial sweep: `threshold` (uniform landscape) or `factor` (per-site one),
// and `exchange` (read only when the setup has exchange_count > 0).
void sublattice_set_tables(SublatticeDevice* device, bool partial, const uint32_t* threshold,
                           const double* factor, const uint32_t* exchange);
void sublattice_upload(SublatticeDevice* device, const uint8_t* site, const IonRecord* record);
void sublattice_download(SublatticeDevice* device, uint8_t* site, IonRecord* record);
// Runs a batch; hops_by_slot (nbasis * zmax) gets the accepted hops added.
SublatticeBatchResult sublattice_run(SublatticeDevice* device, const SublatticeBatch& batch,
                                     uint64_t* hops_by_slot);

}  // namespace coatkmc::cuda
