#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/state/ObservableSums.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// Transport resolved in space: every site belongs to one bin (a slab along
// the third lattice vector, or a layer of a multilayer). Over each block an
// ion counts in the bin it stood in when the block began:
//   D_bin = sum |dR|^2 / (2 d sum_ions dt)     (the ions that started in the bin)
// and the occupancy of a bin is its ions over its open host sites at block ends.
// What a bin accumulates over the observed window: written once here, so a
// bin, its checkpointed progress (ProfileProgress::Bin) and the copies
// between them cannot disagree on the fields.
struct ProfileBinSums {
  std::vector<double> block_d;          // Å^2/s per block with ions in the bin (all replicas)
  std::vector<double> block_occupancy;  // per block end
  double sum_r2 = 0, sum_ion_time = 0;  // Å^2, ion-seconds, all blocks
  // Per axis (the diagonal of the tracer tensor): sum dR_a^2 over all blocks
  // (Å^2) and each block's D_a = sum dR_a^2 / (2 sum_ions dt), Å^2/s.
  Vec3 sum_r2_axes;
  std::vector<Vec3> block_d_axes;
};

struct ProfileBin : ProfileBinSums {
  std::string name;
  double z_low = 0, z_high = 0;         // Å along the third lattice vector (cell planes)
  int64_t open_sites = 0;               // host sites not blocked
  double volume = 0;                    // Å^3 of the bin's cells
};

// Ions of every species in every bin at one sample time (the start of the
// observed window or a block end), summed over the replicas pooled.
struct ProfileSnapshot {
  double time = 0;            // s since the observed window began, summed over replicas
  int replicas = 0;           // replicas pooled into this snapshot
  std::vector<int64_t> ions;  // [bin * species + s]
};

// What a recorder has accumulated since the observed window began: the part
// of it a checkpoint keeps (format 6, docs/checkpoints.md). The bins' layout
// (names, extents, open sites, the bin of every site) comes back from the
// configuration.
struct ProfileProgress {
  struct Bin : ProfileBinSums {
    int64_t open_sites = 0;  // the bin's (checked against the configuration's on restore)
  };
  std::vector<Bin> bins;
  int species = 0;
  double origin_time = 0;  // state time when the observed window began
  double start_time = 0;   // state time when the open block began
  std::vector<ProfileSnapshot> snapshots;
};

class ProfileRecorder {
 public:
  ProfileRecorder() = default;
  // `bin_of_site`: the bin of every site (-1: none); `bins` names and extents.
  ProfileRecorder(const Lattice& lattice, std::vector<int> bin_of_site,
                  std::vector<ProfileBin> bins);
  bool active() const { return !bins_.empty(); }
  // Records, from the next start on, the ions of each of `species` species
  // (SystemState::ion_species) per bin at the start and at every block end.
  void record_species(int species) { species_ = species; }
  int species() const { return species_; }
  void start(const SystemState& state);
  void close_block(const SystemState& state);
  // The same from the sums of this recorder's binning (binning()) reduced by
  // the solver (Solver::reduce_window; kmc/state/ObservableSums.hpp): at the
  // start, the ions per bin and species now (`columns` = max(1, species) per
  // bin); at a block's end, the window from the block's start. Bit for bit
  // the state-based calls (sums in ion order).
  void start(double time, const std::vector<int64_t>& ions_now, int columns);
  void close_block(const BinnedSums& block, double time, int columns);
  // The bin of every site, as a reduction groups by (kmc/state/ObservableSums.hpp).
  SiteBinning binning() const;
  const std::vector<ProfileBin>& bins() const { return bins_; }
  const std::vector<ProfileSnapshot>& snapshots() const { return snapshots_; }
  // Checkpoints: what this recorder has accumulated, and the same put back
  // into a recorder of the same bins (throws std::invalid_argument when the
  // bin, open-site or species counts differ). For the sums-based calls: a recorder
  // restored goes on with close_block(const BinnedSums&, ...).
  ProfileProgress progress() const;
  void restore(const ProfileProgress& p);
  // Pools another replica's blocks (and snapshots, sample by sample) into this one's.
  void merge(const ProfileRecorder& other);

 private:
  int dimension_ = 3;
  std::vector<int> bin_of_site_;
  std::vector<ProfileBin> bins_;
  std::vector<int> start_bin_;
  std::vector<Vec3> start_r_;
  double start_time_ = 0;
  int species_ = 0;
  double origin_time_ = 0;  // state time when the observed window began
  std::vector<ProfileSnapshot> snapshots_;
  void take_snapshot(const SystemState& state);
  void take_snapshot(double time, const std::vector<int64_t>& ions_now, int columns);
};

// Bins of `slabs` equal slabs of whole cells along the third lattice vector
// (fewer when there are fewer cells), and of the layers in `layer_of_site`
// (empty: none), with the open host sites of each.
ProfileRecorder slab_profile(const Lattice& lattice, int slabs,
                             const std::vector<uint8_t>& blocked);
ProfileRecorder layer_profile(const Lattice& lattice, const std::vector<uint8_t>& layer_of_site,
                              const std::vector<std::string>& names,
                              const std::vector<uint8_t>& blocked);

}  // namespace coatkmc
