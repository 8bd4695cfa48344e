#include "kmc/state/SystemState.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "kernels/CounterRng.hpp"

namespace coatkmc {

int64_t Occupancy::ion_count(int64_t mobile_sites) const {
  if (by_vacancies) {
    if (vacancies < 0 || vacancies > mobile_sites)
      throw std::invalid_argument("vacancies must lie between 0 and the number of mobile sites");
    return mobile_sites - vacancies;
  }
  if (!(fraction >= 0 && fraction <= 1)) throw std::invalid_argument("fraction must lie in [0, 1]");
  return std::llround(fraction * static_cast<double>(mobile_sites));
}

std::vector<int64_t> Occupancy::ions_by_basis(const std::vector<int64_t>& open) const {
  if (open.size() > basis_fraction.size())
    throw std::invalid_argument("occupancy: a fraction per basis site is needed");
  std::vector<int64_t> n(open.size(), 0);
  std::vector<double> remainder(open.size(), 0.0);
  double total = 0;
  int64_t floors = 0;
  for (size_t b = 0; b < open.size(); ++b) {
    const double f = basis_fraction[b];
    if (!(f >= 0 && f <= 1)) throw std::invalid_argument("fraction must lie in [0, 1]");
    const double share = f * static_cast<double>(open[b]);
    n[b] = static_cast<int64_t>(std::floor(share));
    remainder[b] = share - static_cast<double>(n[b]);
    total += share;
    floors += n[b];
  }
  // The rounded total, the missing ions to the largest remainders (the first on ties).
  std::vector<size_t> order(open.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return remainder[x] > remainder[y]; });
  for (int64_t k = 0, left = std::llround(total) - floors; k < left && k < int64_t(order.size()); ++k)
    ++n[order[k]];
  return n;
}

int64_t Occupancy::ion_count(const Lattice& lattice, const std::vector<uint8_t>& blocked) const {
  std::vector<int64_t> open(lattice.basis_size(), 0);
  for (int64_t s = 0; s < lattice.num_sites(); ++s)
    if (lattice.is_host(s) && (blocked.empty() || !blocked[s])) ++open[lattice.basis_of(s)];
  if (basis_fraction.empty())
    return ion_count(std::accumulate(open.begin(), open.end(), int64_t(0)));
  const std::vector<int64_t> n = ions_by_basis(open);
  return std::accumulate(n.begin(), n.end(), int64_t(0));
}

void SystemState::move_ion(const Lattice& lattice, int32_t from, int32_t to, Vec3 dr,
                           double length_sq, bool count_neighbors) {
  record_hop(relocate_ion(lattice, from, to, count_neighbors), dr, length_sq);
}

int32_t SystemState::relocate_ion(const Lattice& lattice, int32_t from, int32_t to,
                                  bool count_neighbors) {
  const int32_t ion = site_ion[from];
  site_ion[to] = ion;
  site_ion[from] = -1;
  occupied[to] = 1;
  occupied[from] = 0;
  ion_site[ion] = to;
  if (count_neighbors && neighbor_counts_valid) {
    const int z = lattice.max_coordination();
    const int32_t* nf = lattice.neighbor_row(from);
    const int32_t* nt = lattice.neighbor_row(to);
    for (int k = 0; k < z; ++k) {
      if (nf[k] >= 0) --occupied_neighbors[nf[k]];
      if (nt[k] >= 0) ++occupied_neighbors[nt[k]];
    }
  } else {
    neighbor_counts_valid = false;
  }
  return ion;
}

void SystemState::recount_neighbors(const Lattice& lattice) {
  occupied_neighbors.assign(lattice.num_sites(), 0);
  const int z = lattice.max_coordination();
  for (int64_t s = 0; s < lattice.num_sites(); ++s) {
    const int32_t* row = lattice.neighbor_row(s);
    int count = 0;
    for (int k = 0; k < z; ++k) count += (row[k] >= 0 && occupied[row[k]]);
    occupied_neighbors[s] = static_cast<uint8_t>(count);
  }
  neighbor_counts_valid = true;
}

SystemState place_ions(const Lattice& lattice, const Occupancy& occupancy, uint64_t seed,
                       uint32_t replica, const std::vector<uint8_t>& blocked) {
  std::vector<int32_t> mobile;
  mobile.reserve(lattice.num_host_sites());
  for (int64_t s = 0; s < lattice.num_sites(); ++s)
    if (lattice.is_host(s) && (blocked.empty() || !blocked[s]))
      mobile.push_back(static_cast<int32_t>(s));
  int64_t n = 0;
  if (occupancy.basis_fraction.empty()) {
    n = occupancy.ion_count(static_cast<int64_t>(mobile.size()));
    // Partial Fisher-Yates: draw i picks the i-th ion's site among the remaining ones.
    for (int64_t i = 0; i < n; ++i) {
      const auto w = CounterRng::words(seed, kStreamPlacement, replica, 0, static_cast<uint32_t>(i));
      const uint64_t j = i + CounterRng::below(w[0], w[1], mobile.size() - i);
      std::swap(mobile[i], mobile[j]);
    }
  } else {
    // Site by site (occupancy.from_file): the same partial Fisher-Yates among
    // the open sites of each basis site in turn, the draws numbered on.
    std::vector<std::vector<int32_t>> by_basis(lattice.basis_size());
    std::vector<int64_t> open(lattice.basis_size(), 0);
    for (int32_t s : mobile) by_basis[lattice.basis_of(s)].push_back(s);
    for (int b = 0; b < lattice.basis_size(); ++b) open[b] = int64_t(by_basis[b].size());
    const std::vector<int64_t> ions = occupancy.ions_by_basis(open);
    std::vector<int32_t> chosen;
    uint32_t draw = 0;
    for (int b = 0; b < lattice.basis_size(); ++b) {
      std::vector<int32_t>& g = by_basis[b];
      const int64_t nb = ions[b];
      for (int64_t i = 0; i < nb; ++i) {
        const auto w = CounterRng::words(seed, kStreamPlacement, replica, 0, draw++);
        const uint64_t j = i + CounterRng::below(w[0], w[1], g.size() - i);
        std::swap(g[i], g[j]);
      }
      chosen.insert(chosen.end(), g.begin(), g.begin() + nb);
    }
    n = static_cast<int64_t>(chosen.size());
    mobile = std::move(chosen);
  }

  SystemState st;
  st.replica = replica;
  st.site_ion.assign(lattice.num_sites(), -1);
  st.ion_site.assign(mobile.begin(), mobile.begin() + n);
  st.displacement.assign(n, Vec3{});
  st.occupied.assign(lattice.num_sites(), 0);
  for (int64_t i = 0; i < n; ++i) {
    st.site_ion[st.ion_site[i]] = static_cast<int32_t>(i);
    st.occupied[st.ion_site[i]] = 1;
  }
  st.recount_neighbors(lattice);
  return st;
}

}  // namespace coatkmc
