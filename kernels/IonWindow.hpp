#pragma once
// The observables of a window [mark, now] reduced where the ions live: the
// engine's memory (host vectors for the cpu and replay engines, GPU memory
// for cuda), so that only a few sums cross to the host at a milestone
// (docs/parallel-solvers.md, "Device-resident state").
//
// Per ion the engine keeps, in its memory:
//   now:  the unwrapped displacement (Å, gathered from the travel records:
//         travel_displacement() below) and the site of every ion;
//   mark: the same two arrays at each of kIonWindowMarks marks (the observed
//         window's start, the open block's start).
// A window's sums are the per-ion terms of kernels/AxisSums.hpp added over
// the ions of each group (all, each species, each start bin of each binning)
// and the ion counts per bin and species now. The reduction is written once,
// with Thrust (kernels/thrust/IonWindowReduce.inl), and compiled for Thrust's
// CPP system (kernels/thrust/HostIonWindows.cpp: cpu and replay engines, every
// build) and for CUDA (kernels/cuda/IonWindows.cu).
//
// Plain data and KMC_HD functions only: no Thrust here, so that kmc/ can
// include it.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "kernels/AxisSums.hpp"
#include "kernels/HostDevice.hpp"
#include "kernels/SublatticeAttempt.hpp"

namespace coatkmc {

constexpr int32_t kIonWindowMarks = 2;
// Binnings a window groups ions by (a slab and a layer binning today).
constexpr int32_t kMaxIonBinnings = 4;

// Cell vectors and basis offsets (Å) that turn an integer travel record into
// a displacement.
struct TravelGeometry {
  double cell[3][3];           // cell[v][axis]: lattice vector v
  const double* basis_offset;  // [b * 3 + axis], engine memory
  int32_t nbasis;
};

// Unwrapped displacement, Å, of an ion that travelled `cells` and went from
// basis site b0 to b1: the same operations in the same order as
// HopSteps::displacement (kmc/solvers/HopSteps.cpp), so bit for bit equal
// (no FMA contraction on any backend).
KMC_HD void travel_displacement(const TravelGeometry& g, const int32_t cells[3], int32_t b0,
                                int32_t b1, double out[3]) {
  for (int a = 0; a < 3; ++a)
    out[a] = static_cast<double>(cells[0]) * g.cell[0][a] +
             static_cast<double>(cells[1]) * g.cell[1][a] +
             static_cast<double>(cells[2]) * g.cell[2][a] +
             (g.basis_offset[b1 * 3 + a] - g.basis_offset[b0 * 3 + a]);
}

// Where the present positions are read from: the sublattice engine's site
// bytes and per-site records, or the walker engine's per-walker arrays.
struct IonSource {
  // Sublattice: `sites` site bytes and records; the ion on site s is record[s].ion.
  const uint8_t* site_byte = nullptr;
  const IonRecord* record = nullptr;
  int64_t sites = 0;
  // Walkers: ion i is walker first + i, cells[a * stride + walker].
  const int32_t* walker_site = nullptr;
  const int32_t* walker_cells = nullptr;
  int64_t walker_stride = 0, first = 0;

  // The source of a sublattice engine: its `sites` site bytes and records.
  static IonSource of_sublattice(const uint8_t* site_byte, const IonRecord* record,
                                 int64_t sites) {
    IonSource src;
    src.site_byte = site_byte;
    src.record = record;
    src.sites = sites;
    return src;
  }
  // The source of a walker engine: ion i is walker first + i of its arrays
  // (`walkers` of them: cells[a * walkers + walker]).
  static IonSource of_walkers(const int32_t* site, const int32_t* cells, int64_t walkers,
                              int64_t first) {
    IonSource src;
    src.walker_site = site;
    src.walker_cells = cells;
    src.walker_stride = walkers;
    src.first = first;
    return src;
  }
};

// The per-ion arrays of one engine, as pointers into its memory.
struct IonWindowView {
  int64_t ions = 0;
  TravelGeometry geometry{};
  const int32_t* origin_basis = nullptr;  // basis site of each ion's travel origin
  const uint8_t* species = nullptr;       // species of each ion; nullptr: one species
  int32_t species_count = 0;              // groups per species when > 1
  int32_t binnings = 0;
  const int32_t* bin_of_site[kMaxIonBinnings] = {};  // [site] in [0, bins) or -1
  int32_t bins[kMaxIonBinnings] = {};
  double* now_displacement = nullptr;  // [3 * ion + axis]
  int32_t* now_site = nullptr;         // [ion]
  double* mark_displacement[kIonWindowMarks] = {};
  int32_t* mark_site[kIonWindowMarks] = {};
};

// Writes now_displacement and now_site of the ion held by item i (a site of
// the sublattice engine: nothing when it is empty; a walker).
struct GatherIon {
  IonWindowView v;
  IonSource src;
  KMC_HD void operator()(int64_t i) const {
    int32_t ion, site;
    int32_t cells[3];
    if (src.record) {
      if (!(src.site_byte[i] & kSiteOccupied)) return;
      const IonRecord& r = src.record[i];
      ion = r.ion;
      site = static_cast<int32_t>(i);
      for (int a = 0; a < 3; ++a) cells[a] = r.cells[a];
    } else {
      const int64_t w = src.first + i;
      ion = static_cast<int32_t>(i);
      site = src.walker_site[w];
      for (int a = 0; a < 3; ++a) cells[a] = src.walker_cells[a * src.walker_stride + w];
    }
    travel_displacement(v.geometry, cells, v.origin_basis[ion], site % v.geometry.nbasis,
                        &v.now_displacement[3 * static_cast<int64_t>(ion)]);
    v.now_site[ion] = site;
  }
};

// Which ions a group sums: every ion (binning < 0 and species < 0), those of
// one species, or those whose site at the mark lies in bin `bin` of binning
// `binning`.
struct IonGroup {
  int32_t species = -1;
  int32_t binning = -1, bin = -1;
};

// The window term of ion i for one group (zero when the ion is not in it).
struct IonWindowTerm {
  IonWindowView v;
  int32_t slot;
  IonGroup group;
  KMC_HD AxisSums operator()(int64_t i) const {
    AxisSums out;
    if (group.species >= 0 && v.species[i] != group.species) return out;
    if (group.binning >= 0 && v.bin_of_site[group.binning][v.mark_site[slot][i]] != group.bin)
      return out;
    const double* now = &v.now_displacement[3 * i];
    const double* then = &v.mark_displacement[slot][3 * i];
    out.add_ion(now[0] - then[0], now[1] - then[1], now[2] - then[2]);
    return out;
  }
};

struct MergeAxisSums {
  KMC_HD AxisSums operator()(AxisSums a, const AxisSums& b) const {
    a.merge(b);
    return a;
  }
};

// 1 when ion i stands in bin `bin` of `binning` now and is of species q
// (q = 0 with one species).
struct IonInBinNow {
  IonWindowView v;
  int32_t binning, bin, q;
  KMC_HD int64_t operator()(int64_t i) const {
    const int32_t species = v.species ? v.species[i] : 0;
    return (v.bin_of_site[binning][v.now_site[i]] == bin && species == q) ? 1 : 0;
  }
};

// A window's sums as they reach the host.
struct WindowSums {
  AxisSums all;
  std::vector<AxisSums> species;                    // [q], when species_count > 1
  std::vector<std::vector<AxisSums>> by_start_bin;  // [binning][bin]
  std::vector<std::vector<int64_t>> ions_now;       // [binning][bin * max(1, species) + q]
};

// What an engine copies into its memory to reduce windows (host pointers).
struct IonWindowSetup {
  int64_t ions = 0;
  int64_t first_walker = 0;  // walker engines: ion i is walker first_walker + i
  double cell[3][3] = {};
  std::vector<double> basis_offset;   // [b * 3 + axis]
  std::vector<int32_t> origin_basis;  // [ion]
  std::vector<uint8_t> species;       // [ion]; empty: one species
  int32_t species_count = 0;
  std::vector<std::vector<int32_t>> bin_of_site;  // per binning, [site]
  std::vector<int32_t> bins;
};

// The window arrays of one engine, in its memory. Every call works on the
// engine's present state (the last batch run).
class IonWindows {
 public:
  virtual ~IonWindows() = default;
  // Mark `slot` becomes the present displacement and site of every ion.
  virtual void mark(int32_t slot) = 0;
  // Mark `slot` from the host (a run resumed from a checkpoint): 3 doubles
  // (Å) and a site per ion.
  virtual void upload_mark(int32_t slot, const double* displacement, const int32_t* site) = 0;
  // Mark `slot` to the host (a checkpoint): 3 doubles and a site per ion.
  virtual void download_mark(int32_t slot, double* displacement, int32_t* site) = 0;
  // The sums of the window from mark `slot` to now.
  virtual WindowSums reduce(int32_t slot) = 0;
};

// The cpu and replay engines' IonWindows: host vectors reduced by Thrust's CPP
// system (kernels/thrust/HostIonWindows.cpp). `source` returns where the
// engine's present state lies.
std::unique_ptr<IonWindows> make_host_ion_windows(const IonWindowSetup& setup,
                                                  std::function<IonSource()> source);

}  // namespace coatkmc
