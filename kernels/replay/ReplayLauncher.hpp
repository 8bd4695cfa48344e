#pragma once
// The host replay of a CUDA launch: how the device code runs, and is tested,
// on a machine without a GPU. It follows the launch plan the CUDA driver
// uses (grid, block size, shared bytes, phases) and keeps what a GPU
// guarantees, no more:
//   * every lane of a block finishes a phase before any lane starts the next
//     (the __syncthreads() between phases);
//   * blocks of one launch share nothing but global memory and atomics: they
//     run on `threads` host threads at once, in a shuffled order;
//   * the lanes of a phase run in a shuffled order (a fresh permutation per
//     block and phase), so a result that depended on the order of lanes or
//     blocks (a race on a GPU) would differ between shuffles and from the CPU
//     launcher. ThreadSanitizer watches the threads in `make test`.
// Shuffles are keyed by (shuffle seed, launch number), so a failure replays.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "kernels/CounterRng.hpp"
#include "kernels/KernelSupport.hpp"

namespace coatkmc::replay {

struct LaunchShape {
  int32_t grid = 1;
  int32_t block = 32;
  int32_t shared_bytes = 0;
  int32_t phases = 1;
};

namespace detail {
// A permutation of 0..n-1 from Philox words of (seed, launch, a, b).
inline void shuffled(std::vector<int32_t>& out, int32_t n, uint64_t seed, uint64_t launch,
                     uint32_t a, uint32_t b) {
  out.resize(n);
  for (int32_t i = 0; i < n; ++i) out[i] = i;
  if (seed == 0) return;  // seed 0: the natural order (a reference replay)
  auto w = CounterRng::words(seed, kStreamReplay, b, launch, a);
  uint64_t x = (uint64_t(w[0]) << 32 | w[1]) | 1, y = uint64_t(w[2]) << 32 | w[3];
  for (int32_t i = n - 1; i > 0; --i) {
    // xorshift128+: a cheap stream for the permutation, seeded by Philox.
    uint64_t s1 = x;
    const uint64_t s0 = y;
    x = s0;
    s1 ^= s1 << 23;
    y = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    const int32_t j = static_cast<int32_t>(((y + s0) >> 33) % uint64_t(i + 1));
    std::swap(out[i], out[j]);
  }
}
}  // namespace detail

// Runs `body(lane, phase, shared)` for every lane of every block of the launch.
template <class Body>
void launch(const LaunchShape& shape, uint64_t shuffle, uint64_t launch_number, int threads,
            const Body& body) {
  std::vector<int32_t> blocks;
  detail::shuffled(blocks, shape.grid, shuffle, launch_number, 0xffffffffu, 0);
  std::atomic<int32_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto worker = [&] {
    std::vector<unsigned int> shared(static_cast<size_t>(shape.shared_bytes) / 4 + 1);
    std::vector<int32_t> lanes;
    try {
      for (int32_t n = next++; n < shape.grid; n = next++) {
        const int32_t block = blocks[n];
        for (int32_t phase = 0; phase < shape.phases; ++phase) {
          detail::shuffled(lanes, shape.block, shuffle, launch_number, static_cast<uint32_t>(block),
                           static_cast<uint32_t>(phase) + 1);
          for (int32_t t : lanes) body(Lane{t, shape.block, block}, phase, shared.data());
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> hold(failure_lock);
      if (!failure) failure = std::current_exception();
    }
  };
  const int use = std::max(1, std::min<int>(threads, shape.grid));
  if (use == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int i = 0; i < use; ++i) pool.emplace_back(worker);
    for (std::thread& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace coatkmc::replay
