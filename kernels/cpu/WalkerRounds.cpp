#include "kernels/cpu/WalkerRounds.hpp"

#include <omp.h>

#include <algorithm>
#include <vector>

namespace coatkmc::cpu {

void run_walker_rounds(const LatticeView& lat, const WalkerGroup* groups, int32_t group_count,
                       const double* ends, int32_t rounds, const WalkerArrays& arr,
                       const uint8_t* length_class, int32_t lengths, int threads,
                       uint64_t* hops_by_length) {
  for (int32_t g = 0; g < group_count; ++g) {
    const WalkerGroup& group = groups[g];
    uint64_t* out = hops_by_length + static_cast<int64_t>(g) * lengths;
    // Fork only when each thread gets a few thousand walker rounds: short
    // rounds of few walkers are cheaper than waking threads.
    const int64_t work = int64_t(group.walkers) * std::max(1, rounds);
    const int use = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, work / 2048)));
#pragma omp parallel num_threads(use)
    {
      std::vector<uint64_t> mine(lengths, 0);
      auto count = [&](int32_t slot) { ++mine[length_class[slot]]; };
#pragma omp for schedule(dynamic, 256)
      for (int32_t w = 0; w < group.walkers; ++w) {
        const int64_t i = group.first_walker + w;
        int32_t cells[3] = {arr.cells[i], arr.cells[arr.walker_count + i],
                            arr.cells[2 * arr.walker_count + i]};
        WalkerStep::advance(lat, group, ends, rounds, w, arr.site[i], cells, count);
        arr.cells[i] = cells[0];
        arr.cells[arr.walker_count + i] = cells[1];
        arr.cells[2 * arr.walker_count + i] = cells[2];
      }
      for (int32_t l = 0; l < lengths; ++l) {
        if (mine[l] == 0) continue;
#pragma omp atomic
        out[l] += mine[l];
      }
    }
  }
}

}  // namespace coatkmc::cpu
