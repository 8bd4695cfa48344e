// The window reduction on the GPU (kernels/cuda/IonWindows.cuh): the same
// Thrust code as the host engines, on the engine's stream. Only the sums
// (kernels/IonWindow.hpp WindowSums: a few AxisSums) come back to the host.
#include <thrust/system/cuda/execution_policy.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "kernels/cuda/DeviceBuffers.cuh"
#include "kernels/cuda/IonWindows.cuh"
#include "kernels/thrust/IonWindowReduce.inl"

namespace coatkmc::cuda {

namespace {

class DeviceIonWindows final : public IonWindows {
 public:
  DeviceIonWindows(const IonWindowSetup& setup, std::function<IonSource()> source,
                   cudaStream_t stream)
      : source_(std::move(source)), stream_(stream) {
    if (setup.bin_of_site.size() > static_cast<size_t>(kMaxIonBinnings) ||
        setup.bins.size() != setup.bin_of_site.size())
      throw std::invalid_argument("ion windows: at most kMaxIonBinnings binnings, each with bins");
    const int64_t ions = setup.ions;
    view_.ions = ions;
    for (int v = 0; v < 3; ++v)
      for (int a = 0; a < 3; ++a) view_.geometry.cell[v][a] = setup.cell[v][a];
    put(basis_offset_, setup.basis_offset, "basis offsets");
    view_.geometry.basis_offset = basis_offset_.ptr;
    view_.geometry.nbasis = static_cast<int32_t>(setup.basis_offset.size() / 3);
    put(origin_basis_, setup.origin_basis, "travel origins");
    view_.origin_basis = origin_basis_.ptr;
    put(species_, setup.species, "ion species");
    view_.species = setup.species.empty() ? nullptr : species_.ptr;
    view_.species_count = setup.species_count;
    view_.binnings = static_cast<int32_t>(setup.bin_of_site.size());
    for (size_t k = 0; k < setup.bin_of_site.size(); ++k) {
      put(bin_of_site_[k], setup.bin_of_site[k], "bins");
      view_.bin_of_site[k] = bin_of_site_[k].ptr;
      view_.bins[k] = setup.bins[k];
    }
    now_displacement_.allocate(3 * ions, "displacements");
    now_site_.allocate(ions, "ion sites");
    view_.now_displacement = now_displacement_.ptr;
    view_.now_site = now_site_.ptr;
    for (int32_t m = 0; m < kIonWindowMarks; ++m) {
      mark_displacement_[m].allocate(3 * ions, "mark displacements");
      mark_site_[m].allocate(ions, "mark sites");
      check(cudaMemsetAsync(mark_displacement_[m].ptr, 0, sizeof(double) * 3 * ions, stream_),
            "marks");
      check(cudaMemsetAsync(mark_site_[m].ptr, 0, sizeof(int32_t) * ions, stream_), "marks");
      view_.mark_displacement[m] = mark_displacement_[m].ptr;
      view_.mark_site[m] = mark_site_[m].ptr;
    }
  }

  void mark(int32_t slot) override {
    gather_ions(thrust::cuda::par.on(stream_), view_, source_());
    copy_mark(thrust::cuda::par.on(stream_), view_, check_slot(slot));
    check(cudaStreamSynchronize(stream_), "mark");
  }
  void upload_mark(int32_t slot, const double* displacement, const int32_t* site) override {
    copy_to_device(mark_displacement_[check_slot(slot)].ptr, displacement, 3 * view_.ions,
                   staging_, stream_, "upload mark");
    copy_to_device(mark_site_[slot].ptr, site, view_.ions, staging_, stream_, "upload mark");
  }
  void download_mark(int32_t slot, double* displacement, int32_t* site) override {
    copy_to_host(displacement, mark_displacement_[check_slot(slot)].ptr, 3 * view_.ions, staging_,
                 stream_, "download mark");
    copy_to_host(site, mark_site_[slot].ptr, view_.ions, staging_, stream_, "download mark");
  }
  WindowSums reduce(int32_t slot) override {
    gather_ions(thrust::cuda::par.on(stream_), view_, source_());
    WindowSums out = reduce_window(thrust::cuda::par.on(stream_), view_, check_slot(slot));
    check(cudaStreamSynchronize(stream_), "window reduction");
    return out;
  }

 private:
  static int32_t check_slot(int32_t slot) {
    if (slot < 0 || slot >= kIonWindowMarks) throw std::out_of_range("ion windows: mark slot");
    return slot;
  }
  template <class T>
  void put(DeviceBuffer<T>& buffer, const std::vector<T>& host, const char* what) {
    buffer.allocate(static_cast<int64_t>(host.size()), what);
    copy_to_device(buffer.ptr, host.data(), static_cast<int64_t>(host.size()), staging_, stream_,
                   what);
  }
  std::function<IonSource()> source_;
  cudaStream_t stream_;
  PinnedStaging staging_;
  DeviceBuffer<double> basis_offset_;
  DeviceBuffer<int32_t> origin_basis_;
  DeviceBuffer<uint8_t> species_;
  DeviceBuffer<int32_t> bin_of_site_[kMaxIonBinnings];
  DeviceBuffer<double> now_displacement_, mark_displacement_[kIonWindowMarks];
  DeviceBuffer<int32_t> now_site_, mark_site_[kIonWindowMarks];
  IonWindowView view_;
};

}  // namespace

std::unique_ptr<IonWindows> make_device_ion_windows(const IonWindowSetup& setup,
                                                    std::function<IonSource()> source,
                                                    cudaStream_t stream) {
  return std::make_unique<DeviceIonWindows>(setup, std::move(source), stream);
}

}  // namespace coatkmc::cuda
