#include "kmc/lattice/HopNetwork.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "kmc/lattice/MobilePairs.hpp"

namespace coatkmc {

namespace {

// Rank of a set of integer vectors (at most 3), by elimination in doubles:
// the entries are small whole numbers, so the pivots are exact enough.
int rank_of(std::vector<std::array<double, 3>> v) {
  int rank = 0;
  for (int col = 0; col < 3 && rank < static_cast<int>(v.size()); ++col) {
    int pivot = -1;
    double best = 1e-9;
    for (int r = rank; r < static_cast<int>(v.size()); ++r)
      if (std::fabs(v[r][col]) > best) best = std::fabs(v[r][col]), pivot = r;
    if (pivot < 0) continue;
    std::swap(v[rank], v[pivot]);
    for (int r = 0; r < static_cast<int>(v.size()); ++r) {
      if (r == rank) continue;
      const double f = v[r][col] / v[rank][col];
      for (int c = 0; c < 3; ++c) v[r][c] -= f * v[rank][c];
    }
    ++rank;
  }
  return rank;
}

std::string length_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return buf;
}

}  // namespace

std::string HopNetwork::summary() const {
  std::string s = std::to_string(dimensionality) + "D";
  s += ", largest cluster " + std::to_string(largest_host_sites) + " of " +
       std::to_string(host_sites) + " host sites per cell";
  if (clusters > 1) s += " (" + std::to_string(clusters) + " clusters)";
  if (best_dimensionality > dimensionality)
    s += "; a smaller cluster percolates in " + std::to_string(best_dimensionality) + "D";
  return s;
}

HopNetwork analyze_hop_network(const LatticeDescription& d,
                               const std::vector<std::vector<HopTemplate>>& hops) {
  const int nb = static_cast<int>(d.basis.size());
  HopNetwork net;
  std::vector<int> cluster(nb, -1);
  std::vector<std::array<long, 3>> place(nb);  // cell of each site within its cluster's tree
  struct Cluster {
    int host = 0;
    int dimensionality = 0;
  };
  std::vector<Cluster> found;
  for (int b = 0; b < nb; ++b) net.host_sites += d.basis[b].host();
  for (int root = 0; root < nb; ++root) {
    if (cluster[root] >= 0 || !d.basis[root].mobile) continue;
    const int id = static_cast<int>(found.size());
    found.push_back({});
    std::vector<std::array<double, 3>> loops;
    std::vector<int> stack = {root};
    cluster[root] = id;
    place[root] = {0, 0, 0};
    while (!stack.empty()) {
      const int b = stack.back();
      stack.pop_back();
      found[id].host += d.basis[b].host();
      for (const HopTemplate& h : hops[b]) {
        const std::array<long, 3> at = {place[b][0] + h.cell_offset[0],
                                        place[b][1] + h.cell_offset[1],
                                        place[b][2] + h.cell_offset[2]};
        if (cluster[h.to_basis] < 0) {
          cluster[h.to_basis] = id;
          place[h.to_basis] = at;
          stack.push_back(h.to_basis);
        } else {
          // A closed loop: it runs through the crystal by the difference in cells.
          const std::array<long, 3>& p = place[h.to_basis];
          // Keep only loops independent of those kept (at most three).
          if (at != p && loops.size() < 3) {
            loops.push_back({double(at[0] - p[0]), double(at[1] - p[1]), double(at[2] - p[2])});
            if (rank_of(loops) < static_cast<int>(loops.size())) loops.pop_back();
          }
        }
      }
    }
    found[id].dimensionality = std::min(d.dimension, rank_of(loops));
  }
  int largest = -1;
  for (int c = 0; c < static_cast<int>(found.size()); ++c) {
    if (found[c].host == 0) continue;
    ++net.clusters;
    if (found[c].dimensionality > 0) net.spanning_host_sites += found[c].host;
    net.best_dimensionality = std::max(net.best_dimensionality, found[c].dimensionality);
    if (largest < 0 || found[c].host > found[largest].host ||
        (found[c].host == found[largest].host &&
         found[c].dimensionality > found[largest].dimensionality))
      largest = c;
  }
  if (largest >= 0) {
    net.dimensionality = found[largest].dimensionality;
    net.largest_host_sites = found[largest].host;
  }
  return net;
}

HopNetwork analyze_hop_network(const Lattice& lattice) {
  std::vector<std::vector<HopTemplate>> hops;
  for (int b = 0; b < lattice.basis_size(); ++b) hops.push_back(lattice.hops(b));
  return analyze_hop_network(lattice.description(), hops);
}

HopCutoffChoice choose_hop_cutoff(const LatticeDescription& d) {
  HopCutoffChoice choice;
  const int nb = static_cast<int>(d.basis.size());
  const double nearest = nearest_mobile_distance(d);
  if (!std::isfinite(nearest)) return choice;  // no mobile sites: nothing to choose
  const double reach = std::max(kMaxDefaultHop, nearest * (1 + 1e-6));
  const MobilePairs pairs(d, reach);
  std::vector<std::vector<HopTemplate>> all(nb);
  std::vector<double> lengths;
  for (int b = 0; b < nb; ++b) {
    if (!d.basis[b].mobile) continue;
    all[b] = pairs.within(b, reach);
    for (const HopTemplate& h : all[b]) lengths.push_back(h.length);
  }
  std::sort(lengths.begin(), lengths.end());
  // Candidate cutoffs: the end of each group of distances before a clear gap.
  std::vector<double> candidates;
  for (size_t k = 0; k < lengths.size(); ++k) {
    const bool gap = k + 1 == lengths.size() || lengths[k + 1] >= 1.05 * lengths[k];
    if (!gap) continue;
    // The first shell alone keeps the textbook cutoff to the last bit.
    const double end = lengths[k] <= nearest * (1 + 1e-9) ? nearest : lengths[k];
    if (end > kMaxDefaultHop && !candidates.empty()) break;
    candidates.push_back(end * (1 + 1e-6));
    if (end > kMaxDefaultHop) break;
  }
  auto network_at = [&](double cutoff) {
    std::vector<std::vector<HopTemplate>> hops(nb);
    for (int b = 0; b < nb; ++b)
      for (const HopTemplate& h : all[b])
        if (h.length <= cutoff) hops[b].push_back(h);
    return analyze_hop_network(d, hops);
  };
  size_t best = 0;
  std::vector<HopNetwork> networks;
  for (size_t i = 0; i < candidates.size(); ++i) {
    networks.push_back(network_at(candidates[i]));
    if (networks[i].dimensionality > networks[best].dimensionality) best = i;
    if (networks[i].dimensionality == d.dimension) break;
  }
  choice.cutoff = candidates[best];
  choice.network = networks[best];
  std::string e = "hop cutoff " + length_text(choice.cutoff) + " A (lattice.cutoff = 0: ";
  if (best == 0)
    e += "the first shell of mobile-mobile distances";
  else
    e += "the first clear gap in the mobile-mobile distances at which the network percolates "
         "in " + std::to_string(choice.network.dimensionality) + "D; the nearest shell, " +
         length_text(nearest) + " A, gives " + std::to_string(networks[0].dimensionality) + "D";
  if (choice.network.dimensionality < d.dimension)
    e += best == 0 ? "; no distance up to " + length_text(kMaxDefaultHop) +
                         " A percolates in more dimensions"
                   : "; nothing up to " + length_text(kMaxDefaultHop) + " A does better";
  e += ")";
  choice.explanation = e;
  return choice;
}

}  // namespace coatkmc
