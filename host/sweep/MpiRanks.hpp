#pragma once
#include <string>

namespace coatkmc {

// The ranks of `mpirun -n K coatkmc sweep ...`: initialized only when this
// process was started as one of several ranks, so a plain run never touches
// MPI. A build without MPI started that way refuses (exit 3) rather than
// run the whole sweep K times.
class MpiRanks {
 public:
  MpiRanks();
  ~MpiRanks();
  MpiRanks(const MpiRanks&) = delete;
  MpiRanks& operator=(const MpiRanks&) = delete;

  bool active() const { return size_ > 1; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank among the ranks on this node (picks the GPU).
  int local_rank() const { return local_rank_; }
  void barrier() const;
  // Sum of `value` over the ranks, known to every rank.
  long long sum(long long value) const;
  // Stops every rank (after a failure on one of them).
  [[noreturn]] void abort(int status) const;

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0;
  bool initialized_ = false;
};

// The rank count the launcher announced in the environment (1 when none).
int launcher_rank_count();

// Restricts this process to one GPU, local_rank modulo the GPUs it may see
// (CUDA_VISIBLE_DEVICES, else /proc/driver/nvidia/gpus), before CUDA starts.
// Returns the device chosen ("" when there is none).
std::string pin_gpu_for_rank(int local_rank);

}  // namespace coatkmc
