#pragma once
// The walkers solver's engine: the walkers of a batch on one backend and the
// rounds run on them. Implementations as for kernels/SublatticeEngine.hpp:
// cpu:: (OpenMP), replay:: (the device kernel body on the host), cuda::
// (CUDA kernel, or a stub throwing CannotProceed in a build without CUDA).
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/IonWindow.hpp"
#include "kernels/LatticeView.hpp"
#include "kernels/WalkerStep.hpp"

namespace coatkmc {

// A group's cumulative-rate table on the host, copied once.
struct WalkerTable {
  const double* cumulative = nullptr;
  int64_t count = 0;
};

struct WalkerSetup {
  LatticeView lattice;  // steps: host pointer, copied
  int64_t walkers = 0;
  std::vector<WalkerTable> tables;  // one per group
  // length_class (nbasis * zmax entries) numbers the distinct hop lengths,
  // `lengths` of them; hops are counted per group and length class.
  std::vector<uint8_t> length_class;
  int32_t lengths = 1;
  int32_t threads = 1;
  uint64_t replay_shuffle = 0;
};

// The escape rate (1/s) of walker first + i at its present site: the last
// entry of its row of a group's cumulative table.
struct WalkerEscapeRate {
  const int32_t* site;
  const double* cumulative;
  int64_t first;
  int32_t zmax, nbasis;
  bool per_site;
  // The rates of `group`'s walkers on `lattice`, their sites in `site` (the
  // engine's batch array) and their cumulative table in `cumulative`.
  static WalkerEscapeRate of(const int32_t* site, const double* cumulative,
                             const WalkerGroup& group, const LatticeView& lattice) {
    return {site, cumulative, group.first_walker, lattice.zmax, lattice.nbasis, group.per_site != 0};
  }
  KMC_HD double operator()(int64_t i) const {
    const int32_t s = site[first + i];
    const int64_t row = per_site ? s : s % nbasis;
    return cumulative[row * zmax + zmax - 1];
  }
  // The host engines' sum over the first `walkers` walkers, in walker order.
  double sum_in_order(int64_t walkers) const {
    double sum = 0;
    for (int64_t i = 0; i < walkers; ++i) sum += (*this)(i);
    return sum;
  }
};

class WalkerEngine {
 public:
  virtual ~WalkerEngine() = default;
  virtual void upload(const int32_t* site, const int32_t* cells) = 0;
  virtual void download(int32_t* site, int32_t* cells) = 0;
  // Advances every group to its t_end (groups[g].cumulative is replaced by
  // table g of the setup). hops_by_length[g * lengths + l] gets the hops added.
  virtual void run(const WalkerGroup* groups, int32_t group_count, uint64_t* hops_by_length) = 0;
  // Many rounds of a batch of one group in one launch, without a host round
  // trip: round r takes every walker of `group` from ends[r - 1]
  // (group.t_begin for r = 0) to ends[r], with round number group.round + r
  // (kernels/WalkerStep.hpp). Every walker runs every round; hops_by_length
  // gets their hops. At most kMaxRounds rounds.
  virtual void run_rounds(const WalkerGroup& group, const double* ends, int32_t rounds,
                          uint64_t* hops_by_length) = 0;
  static constexpr int32_t kMaxRounds = 64;
  // Sum of the escape rates of the group's walkers at their present sites
  // (table `table` of the setup), 1/s, in no fixed order: the solver asks only
  // whether any walker can move, without fetching the positions.
  virtual double escape_rate_sum(const WalkerGroup& group, int32_t table) = 0;
  // The per-ion window arrays of walkers setup.first_walker .. + setup.ions
  // (one group), in the engine's memory (kernels/IonWindow.hpp).
  virtual IonWindows& bind_windows(const IonWindowSetup& setup) = 0;
};

namespace cpu {
std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup);
}
namespace replay {
std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup);
}
namespace cuda {
std::unique_ptr<WalkerEngine> make_walker_engine(const WalkerSetup& setup);
}

}  // namespace coatkmc
