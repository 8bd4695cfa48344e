#include "kmc/microstructure/Microstructure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "kernels/CounterRng.hpp"
#include "kernels/HopEnergy.hpp"
#include "kmc/model/Landscape.hpp"

namespace coatkmc {

namespace {

// Replicas of the landscape stream this file draws on (a [landscape] draw uses 0).
constexpr uint32_t kGrainSeeds = 1, kBlockedSites = 2, kDefectSites = 3;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double uniform(uint64_t seed, uint32_t replica, uint64_t step, uint32_t index) {
  const auto w = CounterRng::words(seed, kStreamLandscape, replica, step, index);
  return CounterRng::uniform(w[0], w[1]);
}

// Positions in the periodic supercell and minimum-image distances. The
// supercell vectors need not be orthogonal (the layered cell is hexagonal):
// then the 27 images around the rounded one are searched.
class PeriodicBox {
 public:
  explicit PeriodicBox(const Lattice& lat) : dim_(lat.dimension()) {
    for (int i = 0; i < 3; ++i) {
      const double n = i < dim_ ? lat.cells()[i] : 1;
      v_[i] = n * lat.description().vectors[i];
    }
    orthogonal_ = std::fabs(dot(v_[0], v_[1])) < 1e-9 * norm(v_[0]) * norm(v_[1]) &&
                  std::fabs(dot(v_[0], v_[2])) < 1e-9 * norm(v_[0]) * norm(v_[2]) &&
                  std::fabs(dot(v_[1], v_[2])) < 1e-9 * norm(v_[1]) * norm(v_[2]);
    volume_ = std::fabs(dot(v_[0], cross(v_[1], v_[2])));
  }

  double volume() const { return volume_; }
  double area() const { return norm(cross(v_[0], v_[1])); }

  // Fractional supercell coordinates of a Cartesian point.
  Vec3 fractional(Vec3 r) const {
    return {dot(r, cross(v_[1], v_[2])) / det(), dot(v_[0], cross(r, v_[2])) / det(),
            dot(v_[0], cross(v_[1], r)) / det()};
  }
  Vec3 cartesian(Vec3 f) const { return f.x * v_[0] + f.y * v_[1] + f.z * v_[2]; }

  // Shortest Cartesian vector from b to a over periodic images (fractional inputs).
  Vec3 minimum_image(Vec3 fa, Vec3 fb) const {
    Vec3 d = fa - fb;
    d = {d.x - std::round(d.x), d.y - std::round(d.y), dim_ == 3 ? d.z - std::round(d.z) : d.z};
    if (orthogonal_) return cartesian(d);
    Vec3 best = cartesian(d);
    double best2 = dot(best, best);
    const int kz = dim_ == 3 ? 1 : 0;
    for (int i = -1; i <= 1; ++i)
      for (int j = -1; j <= 1; ++j)
        for (int k = -kz; k <= kz; ++k) {
          const Vec3 r = cartesian(d + Vec3{double(i), double(j), double(k)});
          const double r2 = dot(r, r);
          if (r2 < best2) best2 = r2, best = r;
        }
    return best;
  }

 private:
  double det() const { return dot(v_[0], cross(v_[1], v_[2])); }
  int dim_;
  Vec3 v_[3];
  bool orthogonal_ = true;
  double volume_ = 0;
};

// For every site: its nearest grain seed, the distance to that seed, and the
// distance to the nearest Voronoi boundary plane (infinite with one grain).
struct VoronoiSites {
  std::vector<int32_t> grain;
  std::vector<double> to_seed, to_boundary;
};

VoronoiSites voronoi(const Lattice& lat, const PeriodicBox& box, const std::vector<Vec3>& seeds) {
  const int64_t n = lat.num_sites();
  VoronoiSites v;
  v.grain.assign(n, 0);
  v.to_seed.assign(n, 0);
  v.to_boundary.assign(n, kInfinity);
  const int g = static_cast<int>(seeds.size());
  std::vector<Vec3> r(g);
#pragma omp parallel for firstprivate(r) schedule(static)
  for (int64_t s = 0; s < n; ++s) {
    const Vec3 f = box.fractional(lat.position(s));
    int nearest = 0;
    double d2 = kInfinity;
    for (int j = 0; j < g; ++j) {
      r[j] = box.minimum_image(f, seeds[j]);
      const double x = dot(r[j], r[j]);
      if (x < d2) d2 = x, nearest = j;
    }
    double h = kInfinity;
    for (int j = 0; j < g; ++j) {
      if (j == nearest) continue;
      // Distance from the site to the bisector plane of the two seeds' images.
      const Vec3 sep = r[j] - r[nearest];
      const double len = norm(sep);
      if (len < 1e-12) continue;
      h = std::min(h, (dot(r[j], r[j]) - d2) / (2 * len));
    }
    v.grain[s] = nearest;
    v.to_seed[s] = std::sqrt(d2);
    v.to_boundary[s] = h;
  }
  return v;
}

std::vector<Vec3> grain_seeds(const PeriodicBox& box, double spacing, uint64_t seed, int dimension,
                              int* count) {
  // The grain size is the cube root of the volume per grain (2D: the square
  // root of the area per grain; the box's third vector is a layer thickness).
  const double cells =
      dimension == 3 ? box.volume() / std::pow(spacing, 3) : box.area() / (spacing * spacing);
  if (!(cells <= 1e6)) throw std::invalid_argument("grain_size makes more than a million grains");
  const int n = std::max(1, static_cast<int>(std::lround(cells)));
  std::vector<Vec3> seeds(n);
  for (int i = 0; i < n; ++i)
    seeds[i] = {uniform(seed, kGrainSeeds, i, 0), uniform(seed, kGrainSeeds, i, 1),
                dimension == 3 ? uniform(seed, kGrainSeeds, i, 2) : 0.0};
  *count = n;
  return seeds;
}

// The value below which a fraction q of the host sites' values lie.
double host_quantile(const Lattice& lat, const std::vector<double>& value, double q) {
  std::vector<double> v;
  for (int64_t s = 0; s < lat.num_sites(); ++s)
    if (lat.is_host(s)) v.push_back(value[s]);
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(std::floor(q * double(v.size()))));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  if (q >= 1) return kInfinity;
  if (q <= 0) return -kInfinity;
  return v[k];
}

// Host sites per phase and open host sites.
void count_sites(const Lattice& lat, SiteMap& m) {
  for (int p = 0; p < 3; ++p) m.phase_sites[p] = 0;
  m.open_host_sites = 0;
  for (int64_t s = 0; s < lat.num_sites(); ++s) {
    if (!lat.is_host(s)) continue;
    ++m.phase_sites[m.phase[s]];
    if (m.blocked.empty() || !m.blocked[s]) ++m.open_host_sites;
  }
}

}  // namespace

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::Crystal:
      return "crystal";
    case Phase::Boundary:
      return "boundary";
    case Phase::Amorphous:
      return "amorphous";
  }
  return "?";
}

double jmak_rate(const MicrostructureSettings& s, double T) {
  return s.crystallization_rate * std::exp(-s.crystallization_energy / (kBoltzmannEv * T));
}

double grain_growth_rate_at(const MicrostructureSettings& s, double T) {
  return s.grain_growth_rate * std::exp(-s.grain_growth_energy / (kBoltzmannEv * T));
}

double jmak_fraction(double reduced_time, double avrami_exponent) {
  return 1 - std::exp(-std::pow(reduced_time, avrami_exponent));
}

double jmak_crystallized_fraction(const MicrostructureSettings& s) {
  if (!(s.anneal_temperature > 0) || !(s.anneal_time > 0)) return 0;
  return jmak_fraction(jmak_rate(s, s.anneal_temperature) * s.anneal_time, s.avrami_exponent);
}

double annealed_grain_size(const MicrostructureSettings& s) {
  double growth = 0;
  if (s.anneal_temperature > 0 && s.anneal_time > 0)
    growth = grain_growth_rate_at(s, s.anneal_temperature) * s.anneal_time;
  return std::sqrt(s.grain_size * s.grain_size + growth);
}

namespace {

// Grains and boundaries of a grained type (polycrystalline, composite,
// annealed): Voronoi grains, and the boundary, glass or crystal phase of each
// site. Returns each site's distance to the nearest boundary plane.
std::vector<double> place_grains(const Lattice& lat, const MicrostructureSettings& ms, SiteMap& m) {
  const std::string& type = ms.type;
  const int64_t n = lat.num_sites();
  const PeriodicBox box(lat);
  if (type == "annealed") m.crystallized_fraction = jmak_crystallized_fraction(ms);
  m.grain_size = type == "annealed" ? annealed_grain_size(ms) : ms.grain_size;
  if (!(m.grain_size > 0)) throw std::invalid_argument("grain_size must be positive");
  const auto seeds = grain_seeds(box, m.grain_size, ms.seed, lat.dimension(), &m.grains);
  VoronoiSites v = voronoi(lat, box, seeds);
  m.grain = v.grain;
  const double half = 0.5 * ms.boundary_width;
  m.boundary_width = ms.boundary_width;
  if (type == "polycrystalline") {
    for (int64_t s = 0; s < n; ++s)
      if (v.to_boundary[s] < half) m.phase[s] = static_cast<uint8_t>(Phase::Boundary);
  } else if (type == "composite") {
    // The glass fills the space between the grains: the glass_fraction of
    // host sites closest to a boundary plane.
    const double edge = host_quantile(lat, v.to_boundary, ms.glass_fraction);
    m.boundary_width = std::isfinite(edge) ? 2 * std::max(0.0, edge) : 0;
    for (int64_t s = 0; s < n; ++s)
      if (v.to_boundary[s] < edge || ms.glass_fraction >= 1) {
        m.phase[s] = static_cast<uint8_t>(Phase::Amorphous);
        m.grain[s] = -1;
      }
  } else {
    // Each nucleus grows as a sphere inside its Voronoi cell until the
    // crystallized host sites make up the JMAK fraction.
    const double radius = host_quantile(lat, v.to_seed, m.crystallized_fraction);
    for (int64_t s = 0; s < n; ++s) {
      const double inside = radius - v.to_seed[s];  // > 0 in the crystal
      Phase p;
      if (inside > 0 || m.crystallized_fraction >= 1)
        p = std::min(inside, v.to_boundary[s]) < half ? Phase::Boundary : Phase::Crystal;
      else
        p = -inside < half ? Phase::Boundary : Phase::Amorphous;
      m.phase[s] = static_cast<uint8_t>(p);
      if (p == Phase::Amorphous) m.grain[s] = -1;
    }
  }
  return std::move(v.to_boundary);
}

// Point defects (their energy added to `energy`) and blocked sites, each an
// independent draw per site.
std::vector<uint8_t> draw_blocked_sites(const Lattice& lat, const MicrostructureSettings& ms,
                                        std::vector<double>& energy) {
  // Blockable sublattices in order of first appearance, each with its index: a
  // P1 structure file has as many sublattices as atoms (each label its own), so
  // these look-ups go through a hash map, not a search of the list.
  std::vector<std::string> blockable = ms.blocked_sublattices;
  std::unordered_map<std::string, size_t> index_of;
  for (size_t i = 0; i < blockable.size(); ++i) index_of.emplace(blockable[i], i);
  if (blockable.empty())
    for (const BasisSite& b : lat.description().basis)
      if (b.host() && index_of.emplace(b.sublattice, blockable.size()).second)
        blockable.push_back(b.sublattice);
  if (!ms.blocked_fractions.empty() && ms.blocked_fractions.size() != 1 &&
      ms.blocked_fractions.size() != blockable.size())
    throw std::invalid_argument("blocked fractions: give one value or one per blocked sublattice");
  std::vector<double> p_blocked(lat.basis_size(), 0.0);
  for (int b = 0; b < lat.basis_size(); ++b) {
    const BasisSite& site = lat.description().basis[b];
    const auto it = index_of.find(site.sublattice);
    if (it == index_of.end() || ms.blocked_fractions.empty() || !site.mobile) continue;
    p_blocked[b] = ms.blocked_fractions.size() == 1 ? ms.blocked_fractions[0]
                                                    : ms.blocked_fractions[it->second];
  }
  for (const std::string& name : ms.blocked_sublattices) {
    bool found = false;
    for (const BasisSite& b : lat.description().basis) found |= b.mobile && b.sublattice == name;
    if (!found) throw std::invalid_argument("no mobile sublattice '" + name + "' to block");
  }
  const int64_t n = lat.num_sites();
  std::vector<uint8_t> blocked(n, 0);
  for (int64_t s = 0; s < n; ++s) {
    const double pb = p_blocked[lat.basis_of(s)];
    if (pb > 0 && uniform(ms.seed, kBlockedSites, s, 0) < pb) blocked[s] = 1;
    if (ms.defect_fraction > 0 && lat.is_host(s) &&
        uniform(ms.seed, kDefectSites, s, 0) < ms.defect_fraction)
      energy[s] += ms.defect_energy;
  }
  return blocked;
}

SiteMap build_single(const Lattice& lat, const MicrostructureSettings& ms, double hop_barrier) {
  const std::string& type = ms.type;
  if (type != "crystalline" && type != "amorphous" && type != "polycrystalline" &&
      type != "composite" && type != "annealed")
    throw std::invalid_argument("unknown microstructure '" + type + "'");
  const int64_t n = lat.num_sites();
  const int z = lat.max_coordination();
  SiteMap m;
  m.phase.assign(n, static_cast<uint8_t>(type == "amorphous" ? Phase::Amorphous : Phase::Crystal));
  m.grain.assign(n, type == "amorphous" ? -1 : 0);
  m.grains = type == "amorphous" ? 0 : 1;

  // Grains and boundaries.
  const bool grained = type == "polycrystalline" || type == "composite" || type == "annealed";
  const std::vector<double> to_boundary = grained ? place_grains(lat, ms, m) : std::vector<double>{};

  // Site energies and bond barriers of each phase.
  const double barrier[3] = {ms.grain_barrier >= 0 ? ms.grain_barrier : hop_barrier,
                             ms.boundary_barrier >= 0 ? ms.boundary_barrier : hop_barrier,
                             ms.amorphous_barrier >= 0 ? ms.amorphous_barrier : hop_barrier};
  const double offset[3] = {0.0, ms.boundary_energy, ms.amorphous_energy};
  const double sigma_e[3] = {0.0, 0.0, ms.site_energy_sigma};
  const double sigma_b[3] = {0.0, 0.0, ms.barrier_sigma};
  bool has_amorphous = false;
  for (int64_t s = 0; s < n; ++s) has_amorphous |= m.phase[s] == uint8_t(Phase::Amorphous);
  LandscapeSettings normal;  // standard-normal draws, scaled per phase below
  normal.seed = ms.seed;
  normal.site_energy_sigma = has_amorphous && ms.site_energy_sigma > 0 ? 1.0 : 0.0;
  normal.barrier_sigma = has_amorphous && ms.barrier_sigma > 0 ? 1.0 : 0.0;
  const Landscape g = draw_landscape(lat, normal);

  std::vector<double> energy(n, 0.0);
  bool any_energy = false;
  for (int64_t s = 0; s < n; ++s) {
    if (!lat.is_mobile(s)) continue;
    const int p = m.phase[s];
    double e = offset[p];
    if (!g.site_energy.empty()) e += sigma_e[p] * g.site_energy[s];
    if (ms.space_charge_energy != 0 && ms.debye_length > 0 && p == int(Phase::Crystal) &&
        !to_boundary.empty() && std::isfinite(to_boundary[s])) {
      const double x = std::max(0.0, to_boundary[s] - 0.5 * m.boundary_width);
      e += ms.space_charge_energy * std::exp(-x / ms.debye_length);
    }
    energy[s] = e;
  }

  std::vector<uint8_t> blocked = draw_blocked_sites(lat, ms, energy);
  const bool any_blocked = std::find(blocked.begin(), blocked.end(), 1) != blocked.end();
  for (double e : energy) any_energy |= e != 0.0;
  if (any_energy) m.site_energy = std::move(energy);

  // Bonds: the mean of the two ends' phase barriers and disorder; a bond to a
  // blocked site is closed (infinite barrier: rate exactly zero both ways).
  // A standard normal draw turned into the chosen distribution of unit variance
  // (through its CDF, so a bond and its reverse still share one value).
  const std::string& shape = ms.barrier_distribution;
  if (shape != "gaussian" && shape != "uniform" && shape != "bimodal")
    throw std::invalid_argument("unknown barrier distribution '" + shape + "'");
  auto spread = [&](double normal) {
    if (shape == "uniform") return std::sqrt(3.0) * std::erf(normal / std::sqrt(2.0));
    if (shape == "bimodal") return normal < 0 ? -1.0 : 1.0;
    return normal;
  };
  bool any_bond = any_blocked || !g.bond_barrier.empty();
  for (int p = 0; p < 3; ++p) any_bond |= barrier[p] != hop_barrier;
  if (any_bond) {
    m.bond_barrier.assign(n * z, 0.0);
    for (int64_t s = 0; s < n; ++s) {
      const int b = lat.basis_of(s);
      for (int k = 0; k < lat.coordination(b); ++k) {
        const int64_t t = lat.neighbor(s, k);
        const int ps = m.phase[s], pt = m.phase[t];
        double e = 0.5 * (barrier[ps] + barrier[pt]) - hop_barrier;
        if (!g.bond_barrier.empty())
          e += 0.5 * (sigma_b[ps] + sigma_b[pt]) * spread(g.bond_barrier[s * z + k]);
        if (blocked[s] || blocked[t]) e = kInfinity;
        m.bond_barrier[s * z + k] = e;
      }
    }
  }
  if (any_blocked) m.blocked = std::move(blocked);

  m.layer.assign(n, 0);
  count_sites(lat, m);
  return m;
}

// Layers stacked along the third lattice vector: each layer's own map is built
// on the whole lattice and its sites inside the layer are kept. A bond inside
// a layer keeps that layer's barrier; one across an interface takes the mean
// of both layers' values plus the lower layer's interface_barrier.
SiteMap build_multilayer(const Lattice& lat, const MicrostructureSettings& ms, double hop_barrier) {
  const int nz = lat.dimension() == 3 ? lat.cells()[2] : 1;
  const int nl = static_cast<int>(ms.layers.size());
  if (nl < 1 || nl > 255) throw std::invalid_argument("a multilayer needs 1 to 255 layers");
  std::vector<int> layer_of_cell;
  for (int i = 0; i < nl; ++i) {
    if (ms.layers[i].cells < 1)
      throw std::invalid_argument("every layer is at least one cell thick");
    if (ms.layers[i].microstructure.type == "multilayer")
      throw std::invalid_argument("a layer cannot itself be a multilayer");
    layer_of_cell.insert(layer_of_cell.end(), ms.layers[i].cells, i);
  }
  if (static_cast<int>(layer_of_cell.size()) != nz)
    throw std::invalid_argument("the layers are " + std::to_string(layer_of_cell.size()) +
                                " cells thick together, the lattice " + std::to_string(nz));
  const int64_t n = lat.num_sites();
  const int z = lat.max_coordination();
  const int64_t per_layer_cells = int64_t(lat.cells()[0]) * lat.cells()[1];
  auto layer_of = [&](int64_t s) {
    return layer_of_cell[(s / lat.basis_size()) / per_layer_cells];
  };
  std::vector<SiteMap> maps;
  for (int i = 0; i < nl; ++i) {
    MicrostructureSettings li = ms.layers[i].microstructure;
    if (li.type == "none") li.type = "crystalline";
    li.seed =
        ms.seed + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(i + 1);  // a realization per layer
    maps.push_back(build_single(lat, li, hop_barrier));
  }
  SiteMap m;
  m.phase.assign(n, 0);
  m.grain.assign(n, -1);
  m.layer.assign(n, 0);
  std::vector<uint8_t> blocked(n, 0);
  std::vector<double> energy(n, 0.0);
  bool any_blocked = false, any_energy = false;
  std::vector<int> grain_base(nl, 0);
  for (int i = 1; i < nl; ++i) grain_base[i] = grain_base[i - 1] + maps[i - 1].grains;
  for (int64_t s = 0; s < n; ++s) {
    const int i = layer_of(s);
    const SiteMap& src = maps[i];
    m.layer[s] = static_cast<uint8_t>(i);
    m.phase[s] = src.phase[s];
    m.grain[s] = src.grain[s] < 0 ? -1 : grain_base[i] + src.grain[s];
    if (!src.blocked.empty() && src.blocked[s]) blocked[s] = 1, any_blocked = true;
    if (lat.is_mobile(s))
      energy[s] = (src.site_energy.empty() ? 0.0 : src.site_energy[s]) + ms.layers[i].energy;
    any_energy |= energy[s] != 0.0;
  }
  m.bond_barrier.assign(n * z, 0.0);
  bool any_bond = false;
  const LatticeDescription& d = lat.description();
  for (int64_t s = 0; s < n; ++s) {
    const int b = lat.basis_of(s);
    const int i = layer_of(s);
    for (int k = 0; k < lat.coordination(b); ++k) {
      const int64_t t = lat.neighbor(s, k);
      const int j = layer_of(t);
      auto bond = [&](int l) {
        return maps[l].bond_barrier.empty() ? 0.0 : maps[l].bond_barrier[s * z + k];
      };
      double e = bond(i);
      if (i != j) {
        // Which interface: the one the hop crosses going up (+c) or down.
        const HopTemplate& h = lat.hop(s, k);
        const double up =
            d.basis[h.to_basis].fractional.z + h.cell_offset[2] - d.basis[b].fractional.z;
        const int lower = up > 0 ? i : j;
        e = 0.5 * (bond(i) + bond(j)) + ms.layers[lower].interface_barrier;
      }
      m.bond_barrier[s * z + k] = e;
      any_bond |= e != 0.0;
    }
  }
  if (!any_bond) m.bond_barrier.clear();
  if (any_energy) m.site_energy = std::move(energy);
  if (any_blocked) m.blocked = std::move(blocked);
  m.grains = grain_base[nl - 1] + maps[nl - 1].grains;
  count_sites(lat, m);
  return m;
}

}  // namespace

SiteMap build_microstructure(const Lattice& lat, const MicrostructureSettings& ms,
                             double hop_barrier) {
  if (ms.type == "multilayer") return build_multilayer(lat, ms, hop_barrier);
  return build_single(lat, ms, hop_barrier);
}

}  // namespace coatkmc
