#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

// Transport resolved in space: every site belongs to one bin (a slab along
// the third lattice vector, or a layer of a multilayer). Over each block an
// ion counts in the bin it stood in when the block began:
//   D_bin = sum |dR|^2 / (2 d sum_ions dt)     (the ions that started in the bin)
// and the occupancy of a bin is its ions over its open host sites at block ends.
struct ProfileBin {
  std::string name;
  double z_low = 0, z_high = 0;         // Å along the third lattice vector (cell planes)
  int64_t open_sites = 0;               // host sites not blocked
  std::vector<double> block_d;          // Å^2/s per block with ions in the bin (all replicas)
  std::vector<double> block_occupancy;  // per block end
  double sum_r2 = 0, sum_ion_time = 0;  // Å^2, ion-seconds, all blocks
};

class ProfileRecorder {
 public:
  ProfileRecorder() = default;
  // `bin_of_site`: the bin of every site (-1: none); `bins` names and extents.
  ProfileRecorder(const Lattice& lattice, std::vector<int> bin_of_site,
                  std::vector<ProfileBin> bins);
  bool active() const { return !bins_.empty(); }
  void start(const SystemState& state);
  void close_block(const SystemState& state);
  const std::vector<ProfileBin>& bins() const { return bins_; }
  // Pools another replica's blocks into this one's.
  void merge(const ProfileRecorder& other);

 private:
  int dimension_ = 3;
  std::vector<int> bin_of_site_;
  std::vector<ProfileBin> bins_;
  std::vector<int> start_bin_;
  std::vector<Vec3> start_r_;
  double start_time_ = 0;
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
