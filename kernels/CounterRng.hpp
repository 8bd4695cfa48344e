#pragma once
// Counter-based random numbers (Random123 Philox4x32-10). A draw is a pure
// function of (seed, stream, step, index, draw), so any backend and any thread
// count reproduce the same numbers: no generator state is carried or shared.
#include <Random123/philox.h>

#include <cstdint>

#include "kernels/HostDevice.hpp"

namespace coatkmc {

// Streams separate independent uses of one seed.
enum RngStream : uint32_t {
  kStreamPlacement = 1,  // initial positions of the ions
  kStreamDynamics = 2,   // hop selection and waiting times
  kStreamLandscape = 3,  // disorder of site energies and barriers
  kStreamWalkers = 4,     // walkers: hop choice and waiting time of each walker
  kStreamSublattice = 5,  // sublattice: direction and acceptance of each site attempt
  kStreamClassOrder = 6,  // sublattice: order of the site classes in each sweep
  kStreamSpecies = 7,     // which ion gets which species ([[occupancy.species]])
  kStreamReplay = 8,      // the replay launcher's block and lane orders (tests only)
  kStreamImmobile = 9,    // where immobile species sit ([[environment.immobile]])
};

struct CounterRng {
  using Philox = r123::Philox4x32;

  // Four independent 32-bit words. `replica` and `stream` go into the key
  // side of the counter, so replicas never share a number.
  KMC_HD static Philox::ctr_type words(uint64_t seed, uint32_t stream, uint32_t replica,
                                       uint64_t step, uint32_t index) {
    uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
#if defined(__CUDA_ARCH__)
    // The ten round keys depend on the seed only, so the compiler would
    // compute them once per kernel and hold all twenty words in registers
    // through every loop (the sublattice kernel needed 89); an opaque copy of
    // the key makes each block bump its two words round by round instead.
    // The words are the same: the asm is empty.
    asm volatile("" : "+r"(k0), "+r"(k1));
#endif
    Philox::key_type key = {{k0, k1}};
    Philox::ctr_type ctr = {{static_cast<uint32_t>(step), static_cast<uint32_t>(step >> 32),
                             index, (replica << 8) ^ stream}};
    Philox philox;
    return philox(ctr, key);
  }

  // Uniform in [0, 1) with 53 random bits from two words.
  KMC_HD static double uniform(uint32_t hi, uint32_t lo) {
    const uint64_t bits = ((static_cast<uint64_t>(hi) << 32) | lo) >> 11;
    return static_cast<double>(bits) * 0x1.0p-53;
  }
  // Uniform in (0, 1]: safe under a logarithm.
  KMC_HD static double uniform_open_zero(uint32_t hi, uint32_t lo) {
    const uint64_t bits = ((static_cast<uint64_t>(hi) << 32) | lo) >> 11;
    return static_cast<double>(bits + 1) * 0x1.0p-53;
  }
  // Integer in [0, n) from one word by 32x32 multiply-high; bias below n / 2^32.
  KMC_HD static uint32_t below32(uint32_t word, uint32_t n) {
    return static_cast<uint32_t>((static_cast<uint64_t>(word) * n) >> 32);
  }
  // Integer in [0, n) by 64x64 multiply-high; bias below n / 2^64.
  static uint64_t below(uint32_t hi, uint32_t lo, uint64_t n) {
    const uint64_t bits = (static_cast<uint64_t>(hi) << 32) | lo;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(bits) * n) >> 64);
  }
};

}  // namespace coatkmc
