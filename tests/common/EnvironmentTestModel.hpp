#pragma once
// An environment model for the sublattice solver's tests, built directly in
// the solver's form (kmc/solvers/SublatticeEnvironment.hpp), independent of
// the [environment] input (issue 16 part A): every site of the listed
// sublattices within `cutoff_A` of a hop's midpoint is an environment site
// (neither origin nor target), each with a one-site term over its occupation
// state (energies drawn from a fixed seed, one per distance shell and
// state: a KRA-like point term), and the first two sites share a two-site
// term (a pair), so that codes, Horner order, term tables and entry offsets
// are all exercised. The physics is not the point (tests/validation's
// Environment* tests check that): the same tables on every backend are.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/SpeciesEnergy.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/solvers/HopSteps.hpp"
#include "kmc/solvers/SublatticeEnvironment.hpp"

namespace coatkmc::test {

struct EnvironmentTestSpec {
  double cutoff_A = 0;            // sites within this distance of the hop midpoint
  std::vector<int> basis;         // the basis sites an environment site may be on (empty: mobile ones)
  int species = 1;                // mobile species
  int hosts = 0;                  // immobile host cations
  std::vector<double> host_fraction;  // per basis site: fraction of its sites given a host cation
  // Term energies drawn from [-scale, scale]: small against kT, so that the
  // most favourable environment (which sets the solver's gamma) is not
  // orders of magnitude faster than a typical one.
  double energy_scale_ev = 0.004;
  uint64_t seed = 7;
  int64_t max_codes_per_slot = kMaxEnvironmentCodesPerSlot;  // 0: the product form
};

inline SublatticeEnvironmentModel make_test_environment(const Lattice& lattice,
                                                        const EnvironmentTestSpec& spec,
                                                        double kT_ev) {
  const HopSteps hops = make_hop_steps(lattice);
  const int nb = lattice.basis_size(), zmax = lattice.max_coordination();
  SublatticeEnvironmentModel m;
  m.species = spec.species;
  m.hosts = spec.hosts;
  m.kT_ev = kT_ev;
  m.max_codes_per_slot = spec.max_codes_per_slot;
  const int R = m.radix();
  std::vector<int> allowed = spec.basis;
  if (allowed.empty())
    for (int b = 0; b < nb; ++b)
      if (lattice.description().basis[b].mobile) allowed.push_back(b);
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> u(-spec.energy_scale_ev, spec.energy_scale_ev);
  // One point energy per (distance shell in 0.01 A, state).
  std::vector<std::vector<double>> shell_energy;
  std::vector<double> shell_distance;
  auto point_energy = [&](double d, int state) {
    size_t sh = 0;
    while (sh < shell_distance.size() && std::fabs(shell_distance[sh] - d) > 1e-2) ++sh;
    if (sh == shell_distance.size()) {
      shell_distance.push_back(d);
      std::vector<double> e(R);
      for (double& x : e) x = u(rng);
      e[0] = 0;  // a vacancy costs nothing
      shell_energy.push_back(e);
    }
    return shell_energy[sh][state];
  };
  auto position = [&](int b, const int d[3]) {
    Vec3 p = hops.basis_offset[b];
    for (int a = 0; a < 3; ++a) p = p + double(d[a]) * hops.cell_vectors[a];
    return p;
  };
  m.hops.resize(static_cast<size_t>(spec.species) * nb * zmax);
  for (int a = 0; a < spec.species; ++a)
    for (int b = 0; b < nb; ++b)
      for (int k = 0; k < zmax; ++k) {
        const HopStep& h = hops.steps[b * zmax + k];
        if (h.to_basis < 0) continue;
        const int zero[3] = {0, 0, 0}, dt[3] = {h.dcell[0], h.dcell[1], h.dcell[2]};
        const Vec3 o = position(b, zero), t = position(h.to_basis, dt);
        const Vec3 mid = 0.5 * (o + t);
        HopEnvironment& env = m.hops[SpeciesEnergy::slot(a, nb, zmax, b, k)];
        env.constant_ev = 0.01 * a;
        const int span = 3;
        for (int bb : allowed)
          for (int z = -span; z <= span; ++z)
            for (int y = -span; y <= span; ++y)
              for (int x = -span; x <= span; ++x) {
                const int d[3] = {x, y, z};
                if (bb == b && x == 0 && y == 0 && z == 0) continue;
                if (bb == h.to_basis && x == dt[0] && y == dt[1] && z == dt[2]) continue;
                const Vec3 p = position(bb, d);
                const double dist = norm(p - mid);
                if (dist > spec.cutoff_A) continue;
                env.sites.push_back({bb, {x, y, z}});
                HopEnvironmentTerm term;
                term.sites = {static_cast<int>(env.sites.size()) - 1};
                for (int st = 0; st < R; ++st) term.energy_ev.push_back(point_energy(dist, st) +
                                                                        0.005 * a * (st > 0));
                env.terms.push_back(term);
              }
        if (env.sites.size() >= 2) {
          HopEnvironmentTerm pair;
          pair.sites = {1, 0};  // not in listed order: the term's own order counts
          for (int c = 0; c < R * R; ++c) pair.energy_ev.push_back(u(rng));
          env.terms.push_back(pair);
        }
      }
  if (spec.hosts > 0) {
    std::mt19937_64 place(spec.seed + 1);
    std::uniform_real_distribution<double> p(0, 1);
    std::uniform_int_distribution<int> which(0, spec.hosts - 1);
    m.host_of_site.assign(lattice.num_sites(), -1);
    for (int64_t s = 0; s < lattice.num_sites(); ++s) {
      const int b = lattice.basis_of(s);
      const double f = b < static_cast<int>(spec.host_fraction.size()) ? spec.host_fraction[b] : 0;
      if (f > 0 && p(place) < f) m.host_of_site[s] = static_cast<int8_t>(which(place));
    }
  }
  return m;
}

// The sites an ion may not be placed on: those of host cations.
inline std::vector<uint8_t> host_sites(const SublatticeEnvironmentModel& m) {
  std::vector<uint8_t> blocked(m.host_of_site.size(), 0);
  for (size_t s = 0; s < blocked.size(); ++s) blocked[s] = m.host_of_site[s] >= 0;
  return blocked;
}

}  // namespace coatkmc::test
