#pragma once
// The environment model of one run, bound to its lattice: the compiled
// tables, the immobile species' sites and kT. The host's evaluator of the
// tables (bkl); docs/environment.md.
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/HopEnergy.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/model/EnvironmentTables.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

class EnvironmentModel {
 public:
  // `fixed`: empty or one occupant code per site (EnvironmentPlacement).
  // `kT` in eV, the hop model's. Throws EnvironmentError (key lattice.cells)
  // when the cells are too few for the stencils (a site would meet its own
  // periodic image).
  EnvironmentModel(const Lattice& lattice, CompiledEnvironment tables, std::vector<uint8_t> fixed,
                   double kT);

  const CompiledEnvironment& tables() const { return tables_; }
  const std::vector<uint8_t>& fixed_occupant() const { return fixed_; }
  double kT() const { return kT_; }

  // Occupant code of `site` (EnvironmentTables.hpp).
  uint8_t code(const SystemState& state, int64_t site) const {
    if (!fixed_.empty() && fixed_[site]) return fixed_[site];
    if (!state.occupied[site]) return 0;
    return static_cast<uint8_t>(
        state.ion_species.empty() ? 1 : 1 + state.ion_species[state.site_ion[site]]);
  }
  // The site `e` of a stencil, seen from `origin`.
  int64_t site_at(int64_t origin, const EnvironmentSite& e) const { return site_at(frame(origin), e); }
  // A site's cell coordinates, worked out once for many site_at calls.
  struct Frame {
    int64_t cell[3];
  };
  Frame frame(int64_t site) const {
    const int64_t c = site / nb_;
    return {{c % n_[0], (c / n_[0]) % n_[1], c / (n_[0] * n_[1])}};
  }
  // Stencil offsets are a few cells: an add or a subtract (rarely more)
  // wraps them, no division.
  int64_t site_at(const Frame& f, const EnvironmentSite& e) const {
    int64_t x[3];
    for (int a = 0; a < 3; ++a) {
      x[a] = f.cell[a] + e.cell[a];
      while (x[a] < 0) x[a] += n_[a];
      while (x[a] >= n_[a]) x[a] -= n_[a];
    }
    return ((x[2] * n_[1] + x[1]) * n_[0] + x[0]) * nb_ + e.basis;
  }
  // A site whose stencils (and the sites whose stencils read it) stay inside
  // the supercell without wrapping: a site at offset e from it is the site
  // plus index_delta(e, its basis).
  bool interior(int64_t site) const;
  int64_t index_delta(const EnvironmentSite& e, int from_basis) const;
  // Stencil entry `entry` (index into tables().sites) of a hop of `origin`;
  // `inside` = interior(origin).
  int64_t stencil_site(int64_t origin, int32_t entry, bool inside) const {
    return inside ? origin + site_delta_[entry] : site_at(origin, tables_.sites[entry]);
  }
  // The same with the origin's frame at hand (used when !inside).
  int64_t stencil_site(int64_t origin, const Frame& f, int32_t entry, bool inside) const {
    return inside ? origin + site_delta_[entry] : site_at(f, tables_.sites[entry]);
  }
  // E_env (eV) of the hop of `site` along slot k (its target empty).
  double energy(const SystemState& state, int64_t site, int k) const;
  // exp(-E_env / kT).
  double factor(const SystemState& state, int64_t site, int k) const {
    return std::exp(-energy(state, site, k) / kT_);
  }
  // Calls f(s) for every site s whose hops read `site` (their rates change
  // when its code does); `site` itself is among them when it reads itself.
  template <class F>
  void for_affected(int64_t site, F&& f) const {
    const int bx = lattice_.basis_of(site);
    const bool inside = interior(site);
    for (int32_t i = tables_.affected_begin[bx]; i < tables_.affected_begin[bx + 1]; ++i)
      f(inside ? site + affected_delta_[i] : site_at(site, tables_.affected[i]));
  }

 private:
  std::vector<int64_t> site_delta_;      // per entry of tables_.sites
  std::vector<int64_t> affected_delta_;  // per entry of tables_.affected
  const Lattice& lattice_;
  int64_t nb_, n_[3];  // basis sites, cells along each vector
  CompiledEnvironment tables_;
  std::vector<uint8_t> fixed_;
  double kT_;
};

}  // namespace coatkmc
