#pragma once
// An independent reference for the environment energy model (issue 16): the
// Hamiltonian of Li, vacancies and immobile La on the A sites of a perovskite,
// written as a function of an occupation array on a small periodic simple-cubic
// grid, with its own cluster bookkeeping, a canonical Metropolis sampler
// (Kawasaki swaps of a Li and a vacancy anywhere in the box) and exact
// enumeration of every arrangement on a tiny cell. Nothing here includes the
// engine's energy code, so a test that compares the two can fail.
//
// Geometry: the A sites of the perovskite form a simple cubic grid of spacing
// a; site (x, y, z), 0 <= x < nx ..., index x + nx (y + ny z), periodic. In the
// "layered" perovskite (c = 2a) the La-rich A layers are the even z, the
// La-poor ones the odd z.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace coatkmc::validation::envref {

enum Occupant : uint8_t { kVacancy = 0, kLi = 1, kLa = 2 };

using Offset = std::array<int, 3>;

struct Grid {
  int nx = 1, ny = 1, nz = 1;
  int size() const { return nx * ny * nz; }
  static int wrap(int v, int n) { return ((v % n) + n) % n; }
  int index(int x, int y, int z) const {
    return wrap(x, nx) + nx * (wrap(y, ny) + ny * wrap(z, nz));
  }
  Offset coords(int i) const { return {i % nx, (i / nx) % ny, i / (nx * ny)}; }
  int shifted(int i, const Offset& d) const {
    const Offset c = coords(i);
    return index(c[0] + d[0], c[1] + d[1], c[2] + d[2]);
  }
};

// One cluster shape with the occupant each of its sites must hold: it
// contributes `eci` (eV) for every placement (anchor site + offsets) whose
// sites hold exactly those occupants. A pair Li-La at the nearest-neighbour
// distance is three shapes ({0,0,0} Li, {1,0,0} La and the y, z images) plus
// the three with Li and La swapped; `pair_shell` writes them out.
struct ClusterShape {
  std::vector<Offset> offsets;
  std::vector<uint8_t> occupants;
  double eci = 0;
};

inline int norm2(const Offset& d) { return d[0] * d[0] + d[1] * d[1] + d[2] * d[2]; }

// Every bond of squared length `shell2` (in units of a^2: 1, 2, 3, 4) between
// an occupant `p` and an occupant `q`, once each: for p == q the half of the
// shell's offsets that is lexicographically positive; for p != q every offset.
inline std::vector<ClusterShape> pair_shell(uint8_t p, uint8_t q, int shell2, double eci) {
  std::vector<ClusterShape> out;
  for (int dx = -2; dx <= 2; ++dx)
    for (int dy = -2; dy <= 2; ++dy)
      for (int dz = -2; dz <= 2; ++dz) {
        const Offset d{dx, dy, dz};
        if (norm2(d) != shell2) continue;
        if (p == q && d < Offset{0, 0, 0}) continue;
        out.push_back({{Offset{0, 0, 0}, d}, {p, q}, eci});
      }
  return out;
}

// Every image of a decorated cluster under the 48 operations of the cube
// (signed permutations of the axes), each distinct decorated cluster once:
// what "the clusters equivalent by symmetry, decorated by the equivalent
// arrangements of the species" means on the simple-cubic A sublattice. Two
// images are the same cluster when one is a translate of the other with the
// same occupant on each site.
inline std::vector<ClusterShape> cubic_orbit(const ClusterShape& shape) {
  using Site = std::pair<Offset, uint8_t>;
  std::vector<std::vector<Site>> seen;
  std::vector<ClusterShape> out;
  const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (const auto& perm : perms)
    for (int signs = 0; signs < 8; ++signs) {
      std::vector<Site> image;
      for (size_t j = 0; j < shape.offsets.size(); ++j) {
        Offset d;
        for (int a = 0; a < 3; ++a) d[a] = shape.offsets[j][perm[a]] * ((signs >> a) & 1 ? -1 : 1);
        image.emplace_back(d, shape.occupants[j]);
      }
      // Canonical form: translated so the smallest offset is the origin, sorted.
      std::sort(image.begin(), image.end());
      const Offset origin = image.front().first;
      for (Site& site : image)
        for (int a = 0; a < 3; ++a) site.first[a] -= origin[a];
      if (std::find(seen.begin(), seen.end(), image) != seen.end()) continue;
      seen.push_back(image);
      ClusterShape c;
      c.eci = shape.eci;
      for (const Site& site : image) {
        c.offsets.push_back(site.first);
        c.occupants.push_back(site.second);
      }
      out.push_back(c);
    }
  return out;
}

// The Hamiltonian: a list of cluster shapes over a grid. The sites of every
// placement, and the placements touching every site, are tabulated once.
class Hamiltonian {
 public:
  Hamiltonian(Grid grid, std::vector<ClusterShape> shapes)
      : grid_(grid), shapes_(std::move(shapes)), touching_(grid_.size()) {
    for (int k = 0; k < static_cast<int>(shapes_.size()); ++k) {
      const ClusterShape& c = shapes_[k];
      // A shape must not wrap onto itself in this box (two of its offsets on
      // one site): then it would be a different cluster than intended.
      for (size_t a = 0; a < c.offsets.size(); ++a)
        for (size_t b = a + 1; b < c.offsets.size(); ++b)
          if (grid_.shifted(0, c.offsets[a]) == grid_.shifted(0, c.offsets[b]))
            throw std::invalid_argument("cluster wraps onto itself in this box");
      for (int anchor = 0; anchor < grid_.size(); ++anchor) {
        const int id = static_cast<int>(placement_shape_.size());
        placement_shape_.push_back(k);
        placement_begin_.push_back(static_cast<int>(placement_sites_.size()));
        for (const Offset& d : c.offsets) {
          const int site = grid_.shifted(anchor, d);
          placement_sites_.push_back(site);
          touching_[site].push_back(id);
        }
      }
    }
    placement_begin_.push_back(static_cast<int>(placement_sites_.size()));
  }
  const Grid& grid() const { return grid_; }

  double placement_value(const std::vector<uint8_t>& occ, int id) const {
    const ClusterShape& c = shapes_[placement_shape_[id]];
    for (int j = placement_begin_[id]; j < placement_begin_[id + 1]; ++j)
      if (occ[placement_sites_[j]] != c.occupants[j - placement_begin_[id]]) return 0.0;
    return c.eci;
  }

  // Total energy (eV), every placement of every shape summed.
  double energy(const std::vector<uint8_t>& occ) const {
    double e = 0;
    for (int id = 0; id < static_cast<int>(placement_shape_.size()); ++id)
      e += placement_value(occ, id);
    return e;
  }

  // Energy of the placements that touch site a or site b (each once).
  double local_energy(const std::vector<uint8_t>& occ, int a, int b) const {
    double e = 0;
    for (int id : touching_[a]) e += placement_value(occ, id);
    for (int id : touching_[b]) {
      bool also_a = false;
      for (int j = placement_begin_[id]; j < placement_begin_[id + 1]; ++j)
        also_a = also_a || placement_sites_[j] == a;
      if (!also_a) e += placement_value(occ, id);
    }
    return e;
  }

  // Energy change (eV) of exchanging the occupants of sites a and b.
  double swap_delta(std::vector<uint8_t>& occ, int a, int b) const {
    const double before = local_energy(occ, a, b);
    std::swap(occ[a], occ[b]);
    const double after = local_energy(occ, a, b);
    std::swap(occ[a], occ[b]);
    return after - before;
  }

 private:
  Grid grid_;
  std::vector<ClusterShape> shapes_;
  std::vector<int> placement_shape_, placement_begin_, placement_sites_;
  std::vector<std::vector<int>> touching_;  // per site: placements containing it
};

// What the tests compare: mean Li occupation of each site class (class_of[i],
// -1 for sites never counted) and the mean number of Li-Li pairs at the
// nearest-neighbour and second-neighbour distances (pair correlations).
struct Observables {
  std::vector<double> occupation;  // per class: Li per site of the class
  double li_li_nn = 0;             // Li-Li pairs at distance a, per box
  double li_li_2nn = 0;            // at a sqrt(2)
};

inline Observables measure(const Grid& g, const std::vector<uint8_t>& occ,
                           const std::vector<int>& class_of, int classes) {
  Observables o;
  o.occupation.assign(classes, 0.0);
  std::vector<double> count(classes, 0.0);
  for (int i = 0; i < g.size(); ++i) {
    if (class_of[i] < 0) continue;
    count[class_of[i]] += 1;
    if (occ[i] == kLi) o.occupation[class_of[i]] += 1;
  }
  for (int c = 0; c < classes; ++c) o.occupation[c] /= std::max(1.0, count[c]);
  for (int shell = 1; shell <= 2; ++shell)
    for (const ClusterShape& p : pair_shell(kLi, kLi, shell, 1.0))
      for (int i = 0; i < g.size(); ++i)
        if (occ[i] == kLi && occ[g.shifted(i, p.offsets[1])] == kLi)
          (shell == 1 ? o.li_li_nn : o.li_li_2nn) += 1;
  return o;
}

// Exact canonical averages: every placement of `ions` Li on the sites that
// are vacant in `frame` (La stays where `frame` has it), Boltzmann-weighted.
inline Observables enumerate_exact(const Hamiltonian& h, const std::vector<uint8_t>& frame, int ions,
                                   double kT, const std::vector<int>& class_of, int classes) {
  std::vector<int> open;
  for (int i = 0; i < h.grid().size(); ++i)
    if (frame[i] == kVacancy) open.push_back(i);
  if (ions > static_cast<int>(open.size())) throw std::invalid_argument("too many ions");
  std::vector<int> pick(ions);
  for (int k = 0; k < ions; ++k) pick[k] = k;
  // First pass: the lowest energy, so the weights exp(-(E - Emin)/kT) stay finite.
  std::vector<double> energies;
  std::vector<Observables> values;
  std::vector<uint8_t> occ = frame;
  while (true) {
    for (int i : open) occ[i] = kVacancy;
    for (int k : pick) occ[open[k]] = kLi;
    energies.push_back(h.energy(occ));
    values.push_back(measure(h.grid(), occ, class_of, classes));
    int k = ions - 1;  // next combination in lexicographic order
    while (k >= 0 && pick[k] == static_cast<int>(open.size()) - ions + k) --k;
    if (k < 0) break;
    ++pick[k];
    for (int j = k + 1; j < ions; ++j) pick[j] = pick[j - 1] + 1;
  }
  const double emin = *std::min_element(energies.begin(), energies.end());
  Observables mean;
  mean.occupation.assign(classes, 0.0);
  double z = 0;
  for (size_t n = 0; n < energies.size(); ++n) {
    const double w = std::exp(-(energies[n] - emin) / kT);
    z += w;
    for (int c = 0; c < classes; ++c) mean.occupation[c] += w * values[n].occupation[c];
    mean.li_li_nn += w * values[n].li_li_nn;
    mean.li_li_2nn += w * values[n].li_li_2nn;
  }
  for (double& v : mean.occupation) v /= z;
  mean.li_li_nn /= z;
  mean.li_li_2nn /= z;
  return mean;
}

// Batch means of a sampled observable: value and standard error of the mean.
struct BatchMean {
  double value = 0, error = 0;
};

inline BatchMean batch_mean(const std::vector<double>& batches) {
  const double n = static_cast<double>(batches.size());
  double m = 0;
  for (double v : batches) m += v;
  m /= n;
  double ss = 0;
  for (double v : batches) ss += (v - m) * (v - m);
  return {m, std::sqrt(ss / (n - 1) / n)};
}

// Collects Observables sample by sample into `batches` batches and reports
// each component as a batch mean.
class ObservableBatches {
 public:
  ObservableBatches(int classes, int batches, int per_batch)
      : classes_(classes), per_(per_batch), sums_(batches, std::vector<double>(classes + 2, 0.0)) {}
  void add(const Observables& o) {
    std::vector<double>& s = sums_[n_ / per_];
    for (int c = 0; c < classes_; ++c) s[c] += o.occupation[c];
    s[classes_] += o.li_li_nn;
    s[classes_ + 1] += o.li_li_2nn;
    ++n_;
  }
  bool full() const { return n_ >= per_ * static_cast<int>(sums_.size()); }
  // Component k: classes first, then NN pairs, then 2NN pairs.
  BatchMean component(int k) const {
    std::vector<double> b;
    for (const std::vector<double>& s : sums_) b.push_back(s[k] / per_);
    return batch_mean(b);
  }
  int components() const { return classes_ + 2; }

 private:
  int classes_, per_, n_ = 0;
  std::vector<std::vector<double>> sums_;
};

// Canonical Metropolis Monte Carlo: a sweep is one attempted swap per Li of a
// random Li with a random vacancy anywhere in the box, accepted with
// min(1, exp(-dE/kT)). Non-local swaps satisfy detailed balance for the same
// Boltzmann distribution the kinetics must reach, and decorrelate fast.
inline ObservableBatches metropolis(const Hamiltonian& h, std::vector<uint8_t> occ, double kT,
                                    const std::vector<int>& class_of, int classes, uint64_t seed,
                                    int burn_sweeps, int batches, int sweeps_per_batch) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<int> li, vac;
  for (int i = 0; i < h.grid().size(); ++i) {
    if (occ[i] == kLi) li.push_back(i);
    if (occ[i] == kVacancy) vac.push_back(i);
  }
  if (li.empty() || vac.empty()) throw std::invalid_argument("need Li and vacancies");
  ObservableBatches out(classes, batches, sweeps_per_batch);
  auto sweep = [&] {
    for (size_t n = 0; n < li.size(); ++n) {
      const size_t a = static_cast<size_t>(uniform(rng) * li.size());
      const size_t b = static_cast<size_t>(uniform(rng) * vac.size());
      const double de = h.swap_delta(occ, li[a], vac[b]);
      if (de <= 0 || uniform(rng) < std::exp(-de / kT)) {
        std::swap(occ[li[a]], occ[vac[b]]);
        std::swap(li[a], vac[b]);
      }
    }
  };
  for (int s = 0; s < burn_sweeps; ++s) sweep();
  while (!out.full()) {
    sweep();
    out.add(measure(h.grid(), occ, class_of, classes));
  }
  return out;
}

}  // namespace coatkmc::validation::envref
