#include "kmc/model/EnvironmentClusters.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "kmc/lattice/CellList.hpp"

namespace coatkmc {

namespace {

ClusterKey decorated_image(const SymmetryOp& g, const Cluster& c,
                           const std::vector<int32_t>& codes, bool translate) {
  std::vector<std::pair<SiteRef, int32_t>> img;
  img.reserve(c.size());
  for (size_t i = 0; i < c.size(); ++i) img.emplace_back(g.apply(c[i]), codes.empty() ? 0 : codes[i]);
  std::sort(img.begin(), img.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second < b.second;
  });
  ClusterKey k;
  const std::array<int32_t, 3> origin = img.empty() || !translate
                                            ? std::array<int32_t, 3>{0, 0, 0}
                                            : img.front().first.cell;
  for (const auto& [s, code] : img) {
    k.sites.push_back(s.shifted({-origin[0], -origin[1], -origin[2]}));
    k.codes.push_back(code);
  }
  return k;
}

}  // namespace

ClusterKey canonical_key(const std::vector<SymmetryOp>& group, const Cluster& c,
                         const std::vector<int32_t>& codes, bool translate) {
  ClusterKey best;
  bool first = true;
  for (const SymmetryOp& g : group) {
    ClusterKey k = decorated_image(g, c, codes, translate);
    if (first || k < best) best = std::move(k);
    first = false;
  }
  return best;
}

std::vector<Cluster> orbit_images(const std::vector<SymmetryOp>& group, const Cluster& c) {
  std::vector<Cluster> out;
  std::set<Cluster> seen;
  for (const SymmetryOp& g : group) {
    Cluster img;
    for (const SiteRef& s : c) img.push_back(g.apply(s));
    Cluster sorted = img;
    std::sort(sorted.begin(), sorted.end());
    if (seen.insert(sorted).second) out.push_back(std::move(img));
  }
  return out;
}

std::vector<Cluster> images_containing(const std::vector<SymmetryOp>& group, const Cluster& c,
                                       const SiteRef& site) {
  std::vector<Cluster> out;
  std::set<Cluster> seen;
  for (const SymmetryOp& g : group) {
    Cluster img;
    for (const SiteRef& s : c) img.push_back(g.apply(s));
    for (const SiteRef& e : img) {
      if (e.basis != site.basis) continue;
      std::array<int32_t, 3> by{};
      for (int i = 0; i < 3; ++i) by[i] = site.cell[i] - e.cell[i];
      Cluster moved;
      for (const SiteRef& s : img) moved.push_back(s.shifted(by));
      Cluster sorted = moved;
      std::sort(sorted.begin(), sorted.end());
      if (seen.insert(sorted).second) out.push_back(std::move(moved));
    }
  }
  return out;
}

std::vector<SiteRef> sites_within(const LatticeDescription& d, const std::vector<bool>& use,
                                  Vec3 center, double radius_A) {
  // Fractional coordinates of the centre and the reach in cells along each vector.
  int lo[3], hi[3];
  {
    // Solve center = sum f_i a_i through the reciprocal vectors.
    const Vec3* a = d.vectors;
    const double vol = dot(a[0], cross(a[1], a[2]));
    const Vec3 r[3] = {(1.0 / vol) * cross(a[1], a[2]), (1.0 / vol) * cross(a[2], a[0]),
                       (1.0 / vol) * cross(a[0], a[1])};
    for (int i = 0; i < 3; ++i) {
      const double f = dot(center, r[i]);
      const double reach = radius_A / plane_spacing(d.vectors, i) + 1.0;
      lo[i] = static_cast<int>(std::floor(f - reach)) - 1;
      hi[i] = static_cast<int>(std::ceil(f + reach)) + 1;
      if (d.dimension == 2 && i == 2) lo[i] = hi[i] = 0;
    }
  }
  std::vector<SiteRef> out;
  for (int i = lo[0]; i <= hi[0]; ++i)
    for (int j = lo[1]; j <= hi[1]; ++j)
      for (int k = lo[2]; k <= hi[2]; ++k)
        for (int b = 0; b < static_cast<int>(d.basis.size()); ++b) {
          if (!use[b]) continue;
          const SiteRef s{b, {i, j, k}};
          if (norm(site_position(d, s) - center) <= radius_A) out.push_back(s);
        }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Cluster> site_cluster_orbits(const LatticeDescription& d,
                                         const std::vector<SymmetryOp>& group,
                                         const std::vector<bool>& use, double cutoff_A,
                                         int max_sites) {
  std::set<ClusterKey> seen;
  std::vector<Cluster> out;
  auto add = [&](const Cluster& c) {
    ClusterKey k = canonical_key(group, c, {}, true);
    if (seen.insert(k).second) out.push_back(k.sites);
  };
  for (int b = 0; b < static_cast<int>(d.basis.size()); ++b) {
    if (!use[b]) continue;
    const SiteRef o{b, {0, 0, 0}};
    const Vec3 po = site_position(d, o);
    if (max_sites >= 1) add({o});
    const std::vector<SiteRef> near = sites_within(d, use, po, cutoff_A);
    for (size_t i = 0; i < near.size(); ++i) {
      if (near[i] == o) continue;
      if (max_sites >= 2) add({o, near[i]});
      if (max_sites < 3) continue;
      for (size_t j = i + 1; j < near.size(); ++j) {
        if (near[j] == o) continue;
        if (norm(site_position(d, near[i]) - site_position(d, near[j])) <= cutoff_A)
          add({o, near[i], near[j]});
      }
    }
  }
  return out;
}

std::vector<Cluster> hop_cluster_orbits(const LatticeDescription& d,
                                        const std::vector<SymmetryOp>& hop_ops,
                                        const std::vector<bool>& use, const SiteRef& from,
                                        const SiteRef& to, double cutoff_A, int max_sites) {
  const Vec3 mid = 0.5 * (site_position(d, from) + site_position(d, to));
  std::vector<SiteRef> near;
  for (const SiteRef& s : sites_within(d, use, mid, cutoff_A))
    if (s != from && s != to) near.push_back(s);
  std::set<ClusterKey> seen;
  std::vector<Cluster> out;
  auto add = [&](const Cluster& c) {
    ClusterKey k = canonical_key(hop_ops, c, {}, false);
    if (seen.insert(k).second) out.push_back(k.sites);
  };
  const size_t n = near.size();
  for (size_t i = 0; i < n; ++i) {
    if (max_sites >= 1) add({near[i]});
    for (size_t j = i + 1; j < n && max_sites >= 2; ++j) {
      add({near[i], near[j]});
      for (size_t k = j + 1; k < n && max_sites >= 3; ++k) add({near[i], near[j], near[k]});
    }
  }
  return out;
}

}  // namespace coatkmc
