// What the occupancies of an expanded CIF mean for the hop network, and the
// clash test that chooses between origin choices (docs/structures.md).
#include <algorithm>
#include <cstdio>
#include <tuple>

#include "host/structure/CifImport.hpp"
#include "kmc/lattice/CellList.hpp"

namespace coatkmc::cif_import {

// What the occupancies mean for the hop network (docs/structures.md):
// 1. a position shared by mobile and immobile species is a hop site only when
//    its mobile occupancy reaches the threshold (Li 0.17 on the Ti site of a
//    spinel, 2 % Li in a transition-metal layer: host, not a path);
// 2. mobile positions closer than the split distance whose occupancies add
//    up to at most one are the split positions of one ion (NASICON, LATP,
//    garnet refinements): they become one site at their occupancy-weighted
//    centre, which holds at most one ion. Groups grow closest pair first and
//    only while every member stays within the split distance of every other
//    and the occupancies still add up to at most one, so neighbouring cages
//    never fuse. Hops inside a group were rattling: merged, they are gone.
std::vector<Placed> resolve_occupancy(std::vector<Placed> sites, const Vec3 vectors[3],
                                      const StructureImportOptions& options,
                                      const std::string& path) {
  // 1. Mixed positions below the threshold.
  std::vector<std::string> demoted;
  for (Placed& p : sites)
    if (p.mobile && p.immobile_occupancy > 0 &&
        p.mobile_occupancy < options.occupancy_threshold) {
      p.mobile = false;
      demoted.push_back(p.occupants);
    }
  if (!demoted.empty() && options.notes) {
    // Each kind of position once ("Li2/Ti1"), however many images it has.
    std::vector<std::string> kinds;
    for (const auto& k : demoted)
      if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
    std::string list;
    for (size_t i = 0; i < kinds.size() && i < 6; ++i) list += (i ? ", " : "") + kinds[i];
    if (kinds.size() > 6) list += ", ...";
    char threshold[32];
    std::snprintf(threshold, sizeof threshold, "%g", options.occupancy_threshold);
    options.notes->push_back(path + ": " + std::to_string(demoted.size()) +
                             " mixed position(s) with a mobile occupancy below " + threshold +
                             " are host sites, not hop sites (" + list + ")");
  }

  // 2. Split positions.
  if (!(options.split_distance > 0)) return sites;
  std::vector<int> mob;
  std::vector<Vec3> f;
  for (int i = 0; i < static_cast<int>(sites.size()); ++i)
    if (sites[i].mobile) {
      mob.push_back(i);
      f.push_back(sites[i].f);
    }
  if (mob.empty()) return sites;
  const double split = options.split_distance;
  auto cart = [&](Vec3 x) { return x.x * vectors[0] + x.y * vectors[1] + x.z * vectors[2]; };
  struct Pair {
    double length;
    int a, b;
    Vec3 image;  // fractional position of b's image next to a
  };
  std::vector<Pair> pairs;
  const PeriodicCellList list(vectors, 3, f, split);
  for (int a = 0; a < static_cast<int>(mob.size()); ++a)
    list.for_each_candidate(f[a], [&](int b, const std::array<int, 3>& o) {
      if (b <= a) return;
      const Vec3 image = f[b] + Vec3{double(o[0]), double(o[1]), double(o[2])};
      const double len = norm(cart(image - f[a]));
      if (len < split) pairs.push_back({len, a, b, image});
    });
  if (pairs.empty()) return sites;
  std::sort(pairs.begin(), pairs.end(), [](const Pair& p, const Pair& q) {
    return std::tie(p.length, p.a, p.b) < std::tie(q.length, q.a, q.b);
  });
  const int n = static_cast<int>(mob.size());
  std::vector<int> group(n);
  std::vector<std::vector<int>> members(n);
  std::vector<Vec3> pos = f;  // unwrapped, consistent within a group
  std::vector<double> occ(n);
  for (int i = 0; i < n; ++i) {
    group[i] = i;
    members[i] = {i};
    occ[i] = sites[mob[i]].mobile_occupancy;
  }
  for (const Pair& p : pairs) {
    const int ga = group[p.a], gb = group[p.b];
    if (ga == gb || occ[ga] + occ[gb] > 1.01) continue;
    // b's group moves so that b sits at its image next to a.
    const Vec3 shift = (pos[p.a] + (p.image - f[p.a])) - pos[p.b];
    bool compact = true;
    for (int x : members[ga])
      for (int y : members[gb])
        compact = compact && norm(cart(pos[y] + shift - pos[x])) < split;
    if (!compact) continue;
    for (int y : members[gb]) {
      pos[y] = pos[y] + shift;
      group[y] = ga;
      members[ga].push_back(y);
    }
    members[gb].clear();
    occ[ga] += occ[gb];
  }
  std::vector<bool> drop(sites.size(), false);
  int merged_positions = 0, groups = 0;
  for (int g = 0; g < n; ++g) {
    if (members[g].size() < 2) continue;
    ++groups;
    merged_positions += static_cast<int>(members[g].size());
    Vec3 centre{};
    double weight = 0;
    int named = members[g][0];
    for (int m : members[g]) {
      const double w = sites[mob[m]].mobile_occupancy;
      centre = centre + w * pos[m];
      weight += w;
      if (w > sites[mob[named]].mobile_occupancy) named = m;
      if (m != g) drop[mob[m]] = true;
    }
    centre = (1.0 / weight) * centre;
    Placed& keep = sites[mob[g]];
    keep.f = {wrap(centre.x), wrap(centre.y), wrap(centre.z)};
    keep.label = sites[mob[named]].label;
    keep.species = sites[mob[named]].species;
    keep.mobile_occupancy = weight;
  }
  std::vector<Placed> out;
  for (size_t i = 0; i < sites.size(); ++i)
    if (!drop[i]) out.push_back(sites[i]);
  if (groups > 0 && options.notes) {
    char d[32];
    std::snprintf(d, sizeof d, "%.2f", split);
    options.notes->push_back(path + ": " + std::to_string(merged_positions) +
                             " split positions of the mobile species (closer than " + d +
                             " A, occupancies adding up to at most 1) merged into " +
                             std::to_string(groups) + " sites that hold at most one ion each");
  }
  return out;
}

Clashes clashes(const std::vector<Placed>& sites, const Vec3 vectors[3]) {
  std::vector<Vec3> f;
  for (const Placed& p : sites) f.push_back(p.f);
  const PeriodicCellList list(vectors, 3, f, kClash);
  Clashes out;
  for (size_t a = 0; a < sites.size(); ++a)
    list.for_each_candidate(f[a], [&](int b, const std::array<int, 3>& o) {
      if (b <= static_cast<int>(a)) return;
      const Vec3 df = {f[b].x - f[a].x + o[0], f[b].y - f[a].y + o[1], f[b].z - f[a].z + o[2]};
      const double len = norm(df.x * vectors[0] + df.y * vectors[1] + df.z * vectors[2]);
      if (len >= kClash || sites[a].total + sites[b].total <= 1.01) return;
      ++out.count;
      if (len < out.closest) {
        out.closest = len;
        out.between = sites[a].label + " and " + sites[b].label;
      }
    });
  return out;
}

}  // namespace coatkmc::cif_import
