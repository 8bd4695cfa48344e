#include "kmc/model/EnvironmentModel.hpp"

#include <algorithm>
#include <set>

#include "kmc/model/EnvironmentSpec.hpp"

namespace coatkmc {

EnvironmentModel::EnvironmentModel(const Lattice& lattice, CompiledEnvironment tables,
                                   std::vector<uint8_t> fixed, double kT)
    : lattice_(lattice),
      nb_(lattice.basis_size()),
      n_{lattice.cells()[0], lattice.cells()[1], lattice.cells()[2]},
      tables_(std::move(tables)),
      fixed_(std::move(fixed)),
      kT_(kT) {
  // Index offsets of the stencil sites for interior origins (no wrap).
  const int nb = lattice.basis_size();
  auto delta = [&](const EnvironmentSite& e, int from_basis) { return index_delta(e, from_basis); };
  for (int slot = 0; slot < tables_.slots(); ++slot)
    for (int32_t i = tables_.site_begin[slot]; i < tables_.site_begin[slot + 1]; ++i)
      site_delta_.push_back(delta(tables_.sites[i], slot / tables_.zmax));
  for (int bx = 0; bx < tables_.nbasis; ++bx)
    for (int32_t i = tables_.affected_begin[bx]; i < tables_.affected_begin[bx + 1]; ++i)
      affected_delta_.push_back(delta(tables_.affected[i], bx));
  // Every stencil must read distinct sites of this supercell, or a cluster
  // would count a site and its periodic image as two.
  for (int slot = 0; slot < tables_.slots(); ++slot) {
    const int64_t origin = slot / tables_.zmax;  // basis site b of cell 0
    if (origin >= nb) continue;
    std::set<int64_t> seen;
    for (int32_t i = tables_.site_begin[slot]; i < tables_.site_begin[slot + 1]; ++i)
      if (!seen.insert(site_at(origin, tables_.sites[i])).second)
        throw EnvironmentError("lattice.cells",
                               "too few cells for the environment's reach (" +
                                   std::to_string(tables_.reach_cells[0]) + ", " +
                                   std::to_string(tables_.reach_cells[1]) + ", " +
                                   std::to_string(tables_.reach_cells[2]) +
                                   " cells): a cluster would meet its own periodic image");
  }
}

int64_t EnvironmentModel::index_delta(const EnvironmentSite& e, int from_basis) const {
  const int nb = lattice_.basis_size();
  const auto& n = lattice_.cells();
  return ((int64_t(e.cell[2]) * n[1] + e.cell[1]) * n[0] + e.cell[0]) * nb + (e.basis - from_basis);
}

bool EnvironmentModel::interior(int64_t site) const {
  const int nb = lattice_.basis_size();
  const auto& n = lattice_.cells();
  const auto& r = tables_.reach_cells;
  const int64_t c = site / nb;
  const int64_t x[3] = {c % n[0], (c / n[0]) % n[1], c / (int64_t(n[0]) * n[1])};
  for (int a = 0; a < 3; ++a)
    if (x[a] < r[a] || x[a] >= n[a] - r[a]) return false;
  return true;
}

double EnvironmentModel::energy(const SystemState& state, int64_t site, int k) const {
  const int slot = lattice_.basis_of(site) * tables_.zmax + k;
  const int32_t s0 = tables_.site_begin[slot], s1 = tables_.site_begin[slot + 1];
  const int terms = tables_.local_terms(slot);
  if (terms == 0) return 0.0;
  uint8_t codes[512];
  int32_t counts[512];
  std::vector<uint8_t> many_codes;
  std::vector<int32_t> many_counts;
  uint8_t* c = codes;
  int32_t* n = counts;
  if (s1 - s0 > 512) {
    many_codes.resize(s1 - s0);
    c = many_codes.data();
  }
  if (terms > 512) {
    many_counts.resize(terms);
    n = many_counts.data();
  }
  if (interior(site)) {
    for (int32_t i = s0; i < s1; ++i) c[i - s0] = code(state, site + site_delta_[i]);
  } else {
    for (int32_t i = s0; i < s1; ++i) c[i - s0] = code(state, site_at(site, tables_.sites[i]));
  }
  std::fill(n, n + terms, 0);
  tables_.count(slot, c, n);
  const int32_t t0 = tables_.term_begin[slot];
  return HopEnergyEvaluator::environment(&tables_.term_weight_eV[t0], n, terms);
}

}  // namespace coatkmc
