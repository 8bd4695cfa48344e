// The window reduction on the host, for the cpu and replay engines: host
// vectors stand for device memory and Thrust's CPP system for CUDA, with the
// same Thrust code as the CUDA engine (kernels/thrust/IonWindowReduce.inl).
// Compiled with THRUST_DEVICE_SYSTEM=CPP and Thrust/CUB wrapped in their own
// namespace (CMakeLists.txt), so they cannot clash with the CUDA build's
// Thrust in kernels/cuda/IonWindows.cu when both are linked.
#include <thrust/system/cpp/execution_policy.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "kernels/IonWindow.hpp"
#include "kernels/thrust/IonWindowReduce.inl"

namespace coatkmc {

namespace {

class HostIonWindows final : public IonWindows {
 public:
  HostIonWindows(const IonWindowSetup& setup, std::function<IonSource()> source)
      : source_(std::move(source)),
        basis_offset_(setup.basis_offset),
        origin_basis_(setup.origin_basis),
        species_(setup.species),
        bin_of_site_(setup.bin_of_site),
        now_displacement_(3 * setup.ions, 0.0),
        now_site_(setup.ions, 0) {
    if (setup.bin_of_site.size() > static_cast<size_t>(kMaxIonBinnings) ||
        setup.bins.size() != setup.bin_of_site.size())
      throw std::invalid_argument("ion windows: at most kMaxIonBinnings binnings, each with bins");
    view_.ions = setup.ions;
    for (int v = 0; v < 3; ++v)
      for (int a = 0; a < 3; ++a) view_.geometry.cell[v][a] = setup.cell[v][a];
    view_.geometry.basis_offset = basis_offset_.data();
    view_.geometry.nbasis = static_cast<int32_t>(basis_offset_.size() / 3);
    view_.origin_basis = origin_basis_.data();
    view_.species = species_.empty() ? nullptr : species_.data();
    view_.species_count = setup.species_count;
    view_.binnings = static_cast<int32_t>(bin_of_site_.size());
    for (size_t k = 0; k < bin_of_site_.size(); ++k) {
      view_.bin_of_site[k] = bin_of_site_[k].data();
      view_.bins[k] = setup.bins[k];
    }
    view_.now_displacement = now_displacement_.data();
    view_.now_site = now_site_.data();
    for (int32_t m = 0; m < kIonWindowMarks; ++m) {
      mark_displacement_[m].assign(3 * setup.ions, 0.0);
      mark_site_[m].assign(setup.ions, 0);
      view_.mark_displacement[m] = mark_displacement_[m].data();
      view_.mark_site[m] = mark_site_[m].data();
    }
  }

  void mark(int32_t slot) override {
    gather_ions(THRUST_NS_QUALIFIER::cpp::par, view_, source_());
    copy_mark(THRUST_NS_QUALIFIER::cpp::par, view_, check(slot));
  }
  void upload_mark(int32_t slot, const double* displacement, const int32_t* site) override {
    std::copy(displacement, displacement + 3 * view_.ions, mark_displacement_[check(slot)].begin());
    std::copy(site, site + view_.ions, mark_site_[slot].begin());
  }
  void download_mark(int32_t slot, double* displacement, int32_t* site) override {
    const std::vector<double>& d = mark_displacement_[check(slot)];
    std::copy(d.begin(), d.end(), displacement);
    std::copy(mark_site_[slot].begin(), mark_site_[slot].end(), site);
  }
  WindowSums reduce(int32_t slot) override {
    gather_ions(THRUST_NS_QUALIFIER::cpp::par, view_, source_());
    return reduce_window(THRUST_NS_QUALIFIER::cpp::par, view_, check(slot));
  }

 private:
  static int32_t check(int32_t slot) {
    if (slot < 0 || slot >= kIonWindowMarks) throw std::out_of_range("ion windows: mark slot");
    return slot;
  }
  std::function<IonSource()> source_;
  std::vector<double> basis_offset_;
  std::vector<int32_t> origin_basis_;
  std::vector<uint8_t> species_;
  std::vector<std::vector<int32_t>> bin_of_site_;
  std::vector<double> now_displacement_, mark_displacement_[kIonWindowMarks];
  std::vector<int32_t> now_site_, mark_site_[kIonWindowMarks];
  IonWindowView view_;
};

}  // namespace

std::unique_ptr<IonWindows> make_host_ion_windows(const IonWindowSetup& setup,
                                                  std::function<IonSource()> source) {
  return std::make_unique<HostIonWindows>(setup, std::move(source));
}

}  // namespace coatkmc
