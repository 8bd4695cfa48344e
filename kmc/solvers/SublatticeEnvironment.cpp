#include "kmc/solvers/SublatticeEnvironment.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/HopEnergy.hpp"
#include "kernels/SpeciesEnergy.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/model/EnvironmentModel.hpp"

namespace coatkmc {

namespace {

constexpr double kTwo32 = 4294967296.0;

// R^p, or -1 past `limit`.
int64_t power_upto(int64_t r, int64_t p, int64_t limit) {
  int64_t v = 1;
  for (int64_t i = 0; i < p; ++i) {
    if (v > limit / r) return -1;
    v *= r;
  }
  return v;
}

std::string slot_name(int a, int b, int k) {
  return "environment of species " + std::to_string(a) + ", basis site " + std::to_string(b) +
         ", hop slot " + std::to_string(k);
}

double factor_of(double energy_ev, double kT, const std::string& what) {
  const double f = std::exp(-energy_ev / kT);
  if (!std::isfinite(energy_ev) || !std::isfinite(f) || !(f > 0))
    throw CannotProceed("sublattice: " + what + ": energy " + std::to_string(energy_ev) +
                        " eV makes a rate factor overflow or vanish at kT = " +
                        std::to_string(kT) + " eV");
  return f;
}

// A slot's terms merged by the sites they read: one table per set of sites
// (ascending, distinct), its energies the sum of every term over that set,
// then each table whose sites all lie in a larger table folded into the
// first such one. The product of the tables' largest factors bounds the
// slot's largest factor more tightly than the terms' (a site's pair clusters
// with the origin and with the target, of opposite signs, and its E_KRA
// point become one factor of that site), and an attempt multiplies fewer
// factors. Terms over no site add to `constant_ev`.
struct MergedTerm {
  std::vector<int> sites;          // indices into HopEnvironment::sites
  std::vector<double> energy_ev;   // R^sites.size(), code = Horner over `sites`
  std::vector<double> factor;      // exp(-(energy - lowest) / kT), filled by the caller
  double mean_factor = 0;
};

// The digits (states) of `code` over `n` sites, the first site the most significant.
void digits_of(int64_t code, int radix, size_t n, std::vector<int>& digit) {
  digit.assign(n, 0);
  for (size_t u = n; u-- > 0;) {
    digit[u] = static_cast<int>(code % radix);
    code /= radix;
  }
}

// The code over `sub` of the states `digit` of `sites` (every site of `sub` in `sites`).
int64_t code_over(const std::vector<int>& sites, const std::vector<int>& digit,
                  const std::vector<int>& sub, int radix) {
  int64_t c = 0;
  for (int m : sub) {
    const size_t u = static_cast<size_t>(
        std::find(sites.begin(), sites.end(), m) - sites.begin());
    c = c * radix + digit[u];
  }
  return c;
}

std::vector<MergedTerm> merge_terms(const std::vector<HopEnvironmentTerm>& terms, int radix,
                                    double& constant_ev) {
  std::vector<MergedTerm> merged;
  std::vector<int> digit;
  for (const HopEnvironmentTerm& t : terms) {
    if (t.sites.empty()) {
      constant_ev += t.energy_ev[0];
      continue;
    }
    std::vector<int> key = t.sites;
    std::sort(key.begin(), key.end());
    key.erase(std::unique(key.begin(), key.end()), key.end());
    auto at = std::find_if(merged.begin(), merged.end(),
                           [&](const MergedTerm& m) { return m.sites == key; });
    if (at == merged.end()) {
      MergedTerm m;
      m.sites = key;
      m.energy_ev.assign(power_upto(radix, key.size(), int64_t(1) << 30), 0.0);
      merged.push_back(std::move(m));
      at = merged.end() - 1;
    }
    for (int64_t c = 0; c < static_cast<int64_t>(at->energy_ev.size()); ++c) {
      digits_of(c, radix, key.size(), digit);
      at->energy_ev[c] += t.energy_ev[code_over(key, digit, t.sites, radix)];
    }
  }
  // Fold the smaller tables into larger ones that read all their sites.
  std::vector<size_t> order(merged.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return merged[x].sites.size() < merged[y].sites.size();
  });
  std::vector<bool> gone(merged.size(), false);
  for (size_t g : order) {
    const MergedTerm& small = merged[g];
    for (size_t h = 0; h < merged.size(); ++h) {
      MergedTerm& big = merged[h];
      if (h == g || gone[h] || big.sites.size() <= small.sites.size() ||
          !std::includes(big.sites.begin(), big.sites.end(), small.sites.begin(),
                         small.sites.end()))
        continue;
      for (int64_t c = 0; c < static_cast<int64_t>(big.energy_ev.size()); ++c) {
        digits_of(c, radix, big.sites.size(), digit);
        big.energy_ev[c] += small.energy_ev[code_over(big.sites, digit, small.sites, radix)];
      }
      gone[g] = true;
      break;
    }
  }
  std::vector<MergedTerm> kept;
  for (size_t i = 0; i < merged.size(); ++i)
    if (!gone[i]) kept.push_back(std::move(merged[i]));
  return kept;
}

// The sites and terms of one slot against this lattice (CannotProceed
// naming the slot); widens `reach` to its sites and adds them to `reads`
// (dcell, basis: what an attempt from the slot's site reads).
void check_slot(const Lattice& lattice, const LatticeView& view, const HopEnvironment& env,
                const HopStep& h, int b, int radix, const std::string& name,
                std::array<int, 3>& reach, std::vector<std::array<int32_t, 4>>& reads) {
  SiteCoord origin{{0, 0, 0}, b};
  std::vector<int32_t> seen = {view.index(origin), view.index(view.target(origin, h))};
  for (const HopEnvironmentSite& s : env.sites) {
    if (s.basis < 0 || s.basis >= lattice.basis_size())
      throw CannotProceed("sublattice: " + name + ": basis site " + std::to_string(s.basis) +
                          " does not exist");
    HopStep e{static_cast<int16_t>(s.basis), {0, 0, 0}, 0};
    for (int ax = 0; ax < 3; ++ax) {
      const int d = s.dcell[ax];
      // One wrap in LatticeView::target: at most one supercell away.
      if (std::abs(d) > lattice.cells()[ax] || std::abs(d) > 127)
        throw CannotProceed("sublattice: " + name + " reaches " + std::to_string(d) +
                            " cells along axis " + std::to_string(ax) + ", beyond the " +
                            std::to_string(lattice.cells()[ax]) +
                            " cells of the supercell (use more cells)");
      e.dcell[ax] = static_cast<int8_t>(d);
      reach[ax] = std::max(reach[ax], std::abs(d));
    }
    reads.push_back({s.dcell[0], s.dcell[1], s.dcell[2], s.basis});
    const int32_t at = view.index(view.target(origin, e));
    // On a supercell smaller than the cutoff a site would be the origin,
    // the target or another site again: the expansion would count it twice.
    if (std::find(seen.begin(), seen.end(), at) != seen.end())
      throw CannotProceed("sublattice: " + name +
                          ": two environment sites (or one and the hop's origin or "
                          "target) are the same site of this supercell (use more cells)");
    seen.push_back(at);
  }
  for (const HopEnvironmentTerm& t : env.terms) {
    for (int m : t.sites)
      if (m < 0 || m >= static_cast<int>(env.sites.size()))
        throw CannotProceed("sublattice: " + name + ": a term names site " +
                            std::to_string(m) + " of " + std::to_string(env.sites.size()));
    const int64_t codes = power_upto(radix, t.sites.size(), int64_t(1) << 30);
    if (codes < 0 || static_cast<int64_t>(t.energy_ev.size()) != codes)
      throw CannotProceed("sublattice: " + name + ": a term over " +
                          std::to_string(t.sites.size()) + " sites needs " +
                          std::to_string(radix) + "^" + std::to_string(t.sites.size()) +
                          " energies, it has " + std::to_string(t.energy_ev.size()));
  }
}

}  // namespace

SublatticeEnvironment::SublatticeEnvironment(const Lattice& lattice, const HopSteps& hops,
                                             const SublatticeEnvironmentModel& model,
                                             bool uniform_landscape, int64_t max_codes)
    : radix_(model.radix()), species_(model.species), read_sites_(lattice.basis_size()) {
  const int64_t max_codes_per_slot = std::max<int64_t>(1, model.max_codes_per_slot);
  const int nb = lattice.basis_size(), zmax = lattice.max_coordination();
  const LatticeView view = hops.view(lattice);
  if (model.species < 1 || model.hosts < 0 || model.species + model.hosts > kMaxSpecies - 1)
    throw CannotProceed("sublattice: the environment model takes at most 63 species and host "
                        "cations in all (they share the site byte's six species bits)");
  if (!(model.kT_ev > 0)) throw CannotProceed("sublattice: environment model without a temperature");
  slots_ = static_cast<int64_t>(model.species) * nb * zmax;
  if (static_cast<int64_t>(model.hops.size()) != slots_)
    throw CannotProceed("sublattice: the environment model has " +
                        std::to_string(model.hops.size()) + " hop slots, the lattice " +
                        std::to_string(slots_));
  // Sites, checked against this lattice; the widest slot.
  int64_t widest = 1;
  bool enumerable = uniform_landscape && model.max_codes_per_slot > 0;
  for (int a = 0; a < model.species; ++a)
    for (int b = 0; b < nb; ++b)
      for (int k = 0; k < zmax; ++k) {
        const HopStep& h = view.step(b, k);
        if (h.to_basis < 0) continue;
        const HopEnvironment& env = model.hops[SpeciesEnergy::slot(a, nb, zmax, b, k)];
        check_slot(lattice, view, env, h, b, radix_, slot_name(a, b, k), reach_, read_sites_[b]);
        const int64_t codes = power_upto(radix_, env.sites.size(), max_codes_per_slot);
        if (codes < 0)
          enumerable = false;
        else
          widest = std::max(widest, codes);
      }
  if (enumerable && widest * slots_ > max_codes) enumerable = false;
  integer_ = enumerable;
  width_ = integer_ ? static_cast<int32_t>(widest) : 0;

  // Entries and factors; the largest factor of each slot.
  begin_.assign(slots_ + 1, 0);
  max_factor_.assign(slots_, 1.0);
  constant_factor_.assign(slots_, 1.0);
  if (integer_) code_factor_.assign(static_cast<size_t>(slots_) * width_, 0.0);
  const double kT = model.kT_ev;
  for (int64_t slot = 0; slot < slots_; ++slot) {
    begin_[slot] = static_cast<int32_t>(entries_.size());
    const int b = static_cast<int>((slot / zmax) % nb), k = static_cast<int>(slot % zmax);
    const int a = static_cast<int>(slot / (int64_t(zmax) * nb));
    if (view.step(b, k).to_basis < 0) continue;
    const HopEnvironment& env = model.hops[slot];
    const std::string name = slot_name(a, b, k);
    auto entry_of = [&](int m) {
      const HopEnvironmentSite& s = env.sites[m];
      return EnvironmentEntry{static_cast<int16_t>(s.basis),
                              {static_cast<int8_t>(s.dcell[0]), static_cast<int8_t>(s.dcell[1]),
                               static_cast<int8_t>(s.dcell[2])},
                              0,
                              0};
    };
    if (integer_) {
      for (size_t m = 0; m < env.sites.size(); ++m) entries_.push_back(entry_of(int(m)));
      // Every code of the slot: the states of its sites (the first site the
      // most significant digit), each term's code, dE in term order.
      const int P = static_cast<int>(env.sites.size());
      const int64_t codes = power_upto(radix_, P, max_codes_per_slot);
      std::vector<int> digit(P, 0);
      std::vector<uint8_t> states(P, 0);
      double* out = &code_factor_[static_cast<size_t>(slot) * width_];
      double most = 0;
      for (int64_t c = 0; c < codes; ++c) {
        double e = env.constant_ev;
        if (model.exact_energy_ev) {
          for (int m = 0; m < P; ++m) states[m] = static_cast<uint8_t>(digit[m]);
          e = model.exact_energy_ev(a, b, k, states.data());
        } else {
          for (const HopEnvironmentTerm& t : env.terms) {
            int64_t tc = 0;
            for (int m : t.sites) tc = tc * radix_ + digit[m];
            e += t.energy_ev[tc];
          }
        }
        out[c] = factor_of(e, kT, name);
        most = std::max(most, out[c]);
        for (int m = P - 1; m >= 0; --m) {  // the next code's digits (odometer)
          if (++digit[m] < radix_) break;
          digit[m] = 0;
        }
      }
      max_factor_[slot] = most;
      continue;
    }
    // Product form: the terms merged into one table per set of sites they
    // read (merge_terms), each table divided by its largest factor so that
    // every factor is at most 1 (the running product of an attempt only
    // falls: kernels/EnvironmentEnergy.hpp stops at the first factor that
    // takes it to or below the word), the largest factors moved into the
    // slot's constant, the tables whose mean factor is smallest first (they
    // end most rejected attempts soonest); each table's sites in order, the
    // last one closing it.
    double constant = env.constant_ev;
    std::vector<MergedTerm> merged = merge_terms(env.terms, radix_, constant);
    for (MergedTerm& t : merged) {
      const double lowest = *std::min_element(t.energy_ev.begin(), t.energy_ev.end());
      constant += lowest;
      t.factor.reserve(t.energy_ev.size());
      double sum = 0;
      for (double v : t.energy_ev) {
        // exp of a non-positive number: at most 1 (min() guards a libm that rounds up).
        t.factor.push_back(std::min(1.0, factor_of(v - lowest, kT, name)));
        sum += t.factor.back();
      }
      t.mean_factor = sum / static_cast<double>(t.factor.size());
    }
    std::stable_sort(merged.begin(), merged.end(), [](const MergedTerm& x, const MergedTerm& y) {
      return x.mean_factor < y.mean_factor;
    });
    for (const MergedTerm& t : merged) {
      const int32_t table = static_cast<int32_t>(factors_.size());
      factors_.insert(factors_.end(), t.factor.begin(), t.factor.end());
      for (size_t u = 0; u < t.sites.size(); ++u) {
        EnvironmentEntry e = entry_of(t.sites[u]);
        if (u + 1 == t.sites.size()) {
          e.closes = 1;
          e.table = table;
        }
        entries_.push_back(e);
      }
    }
    constant_factor_[slot] = factor_of(constant, kT, name);
    // The product of every table's largest factor (each 1 now, the constant
    // holding them): exact when the tables read disjoint sites (a model of
    // pair clusters with the hop's ends and E_KRA points has one table per
    // site), an upper bound otherwise.
    max_factor_[slot] = constant_factor_[slot];
    if (std::isfinite(model.min_energy_ev))
      max_factor_[slot] = std::min(max_factor_[slot], std::exp(-model.min_energy_ev / kT));
    if (!std::isfinite(max_factor_[slot]))
      throw CannotProceed("sublattice: " + name + ": the largest rate factor overflows");
  }
  begin_[slots_] = static_cast<int32_t>(entries_.size());
  if (factors_.empty()) factors_.push_back(1.0);  // a valid pointer for the engines

  // Host cations in the site bytes.
  if (!model.host_of_site.empty()) {
    if (static_cast<int64_t>(model.host_of_site.size()) != lattice.num_sites())
      throw CannotProceed("sublattice: the host-cation map does not cover the lattice");
    host_bytes_.assign(model.host_of_site.size(), 0);
    for (size_t s = 0; s < host_bytes_.size(); ++s) {
      const int h = model.host_of_site[s];
      if (h < 0) continue;
      if (h >= model.hosts) throw CannotProceed("sublattice: host cation out of range");
      host_bytes_[s] = static_cast<uint8_t>((model.species + h) << kSpeciesShift);
    }
  }
}

void SublatticeEnvironment::thresholds(const std::vector<double>& slot_rate, double gamma,
                                       double fraction, std::vector<uint32_t>& out) const {
  out.assign(static_cast<size_t>(slots_) * width_, 0u);
  for (int64_t slot = 0; slot < slots_; ++slot) {
    const double* f = &code_factor_[static_cast<size_t>(slot) * width_];
    uint32_t* t = &out[static_cast<size_t>(slot) * width_];
    for (int32_t c = 0; c < width_; ++c) {
      // Codes past the slot's own R^P are never formed: their factor is 0.
      const double p = slot_rate[slot] * (f[c] * fraction) / gamma;
      const double scaled = std::floor(std::min(p, 1.0) * kTwo32);
      t[c] = static_cast<uint32_t>(std::min(scaled, kTwo32 - 1));
    }
  }
}

void SublatticeEnvironment::bases(const std::vector<double>& slot_scale, double fraction,
                                  std::vector<double>& out) const {
  out.assign(slots_, 0.0);
  for (int64_t slot = 0; slot < slots_; ++slot)
    out[slot] = slot_scale[slot] * constant_factor_[slot] * fraction;
}

SublatticeEnvironmentModel sublattice_environment_model(const EnvironmentModel& model,
                                                        int species) {
  const CompiledEnvironment& t = model.tables();
  SublatticeEnvironmentModel m;
  m.species = species;
  m.hosts = t.states - 1 - species;
  if (m.hosts < 0)
    throw CannotProceed("sublattice: the environment model has fewer occupant codes than species");
  m.kT_ev = model.kT();
  const int nb = t.nbasis, zmax = t.zmax, R = t.states;
  m.hops.resize(static_cast<size_t>(species) * nb * zmax);
  for (int a = 0; a < species; ++a)
    for (int b = 0; b < nb; ++b)
      for (int k = 0; k < zmax; ++k) {
        const int slot = b * zmax + k;
        if (t.stencil_size(slot) < 2) continue;  // no hop in this slot
        HopEnvironment& h = m.hops[SpeciesEnergy::slot(a, nb, zmax, b, k)];
        for (int32_t i = t.site_begin[slot] + 2; i < t.site_begin[slot + 1]; ++i) {
          const EnvironmentSite& e = t.sites[i];
          h.sites.push_back({e.basis, {e.cell[0], e.cell[1], e.cell[2]}});
        }
        const double* w = t.term_weight_eV.data() + t.term_begin[slot];
        for (int32_t c = t.cluster_begin[slot]; c < t.cluster_begin[slot + 1]; ++c) {
          const EnvironmentCluster& cl = t.clusters[c];
          HopEnvironmentTerm term;
          for (int i = 0; i < cl.size; ++i)
            if (cl.site[i] >= 2) term.sites.push_back(cl.site[i] - 2);
          int64_t codes = 1;
          for (size_t i = 0; i < term.sites.size(); ++i) {
            codes *= R;
            if (codes > (int64_t(1) << 22))
              throw CannotProceed("sublattice: an environment cluster of " +
                                  std::to_string(term.sites.size()) + " sites over " +
                                  std::to_string(R) + " occupants is too large a table "
                                  "(use run.solver = \"bkl\")");
          }
          term.energy_ev.resize(codes);
          std::vector<int> digit(term.sites.size(), 0);
          for (int64_t code = 0; code < codes; ++code) {
            // The cluster's decoration: dec = sum_i code(site[i]) R^i.
            int32_t dec = 0;
            for (int i = cl.size - 1, u = static_cast<int>(term.sites.size()) - 1; i >= 0; --i) {
              int occupant;
              if (cl.site[i] == 0)
                occupant = 1 + a;
              else if (cl.site[i] == 1)
                occupant = 0;
              else
                occupant = digit[u--];
              dec = dec * R + occupant;
            }
            const EnvironmentDelta d = t.deltas[cl.table + dec];
            term.energy_ev[code] = (d.plus >= 0 ? w[d.plus] : 0.0) - (d.minus >= 0 ? w[d.minus] : 0.0);
            for (int u = static_cast<int>(digit.size()) - 1; u >= 0; --u) {  // next code (odometer)
              if (++digit[u] < R) break;
              digit[u] = 0;
            }
          }
          h.terms.push_back(std::move(term));
        }
      }
  m.min_energy_ev = t.min_energy_eV;
  // The enumerated energies exactly as the host evaluates them (bkl):
  // counts of the slot's terms, then HopEnergyEvaluator::environment.
  m.exact_energy_ev = [&t, zmax](int a, int b, int k, const uint8_t* states) {
    const int slot = b * zmax + k;
    const int n = t.stencil_size(slot);
    std::vector<uint8_t> codes(n, 0);
    codes[0] = static_cast<uint8_t>(1 + a);
    for (int i = 2; i < n; ++i) codes[i] = states[i - 2];
    std::vector<int32_t> counts(t.local_terms(slot), 0);
    t.count(slot, codes.data(), counts.data());
    return HopEnergyEvaluator::environment(t.term_weight_eV.data() + t.term_begin[slot],
                                           counts.data(), t.local_terms(slot));
  };

  const std::vector<uint8_t>& fixed = model.fixed_occupant();
  if (!fixed.empty()) {
    m.host_of_site.assign(fixed.size(), -1);
    for (size_t s = 0; s < fixed.size(); ++s)
      if (fixed[s]) {
        if (fixed[s] < 1 + species)
          throw CannotProceed("sublattice: a fixed occupant with a mobile species' code");
        m.host_of_site[s] = static_cast<int8_t>(fixed[s] - 1 - species);
      }
  }
  return m;
}

}  // namespace coatkmc
