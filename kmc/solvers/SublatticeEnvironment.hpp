#pragma once
// The local-environment energy model (issue 16) as the sublattice solver
// takes it, and the host-made tables the attempt reads
// (kernels/EnvironmentEnergy.hpp explains the two forms).
//
// The model, per hop slot (species a of the hopping ion, basis site b of its
// origin, hop slot k of HopSteps): the environment sites (basis site and cell
// offset from the origin's cell; neither the origin nor the target), and the
// activation energy the environment adds to HopModel's and SpeciesRates'
//   dE = constant + sum_t V_t[code_t]   (eV)
// each term a table over the occupation states of some of those sites,
// code_t = Horner over the term's sites in listed order, radix R = 1 + S + H
// (state 0 vacant, 1 + s mobile species s, 1 + S + h host cation h). The
// hop's rate is HopModel's rate times the species factor times exp(-dE / kT).
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "kernels/EnvironmentEnergy.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/solvers/HopSteps.hpp"

namespace coatkmc {

// Codes per slot up to which an environment is enumerated into integer
// thresholds (and in all, over every slot): a table of a few MiB at most.
constexpr int64_t kMaxEnvironmentCodesPerSlot = int64_t(1) << 20;
constexpr int64_t kMaxEnvironmentCodes = int64_t(1) << 22;

struct HopEnvironmentSite {
  int basis = 0;
  std::array<int, 3> dcell{0, 0, 0};  // cells from the origin's cell
};

struct HopEnvironmentTerm {
  std::vector<int> sites;         // indices into HopEnvironment::sites
  std::vector<double> energy_ev;  // R^sites.size() entries, by code
};

struct HopEnvironment {
  std::vector<HopEnvironmentSite> sites;
  double constant_ev = 0;
  std::vector<HopEnvironmentTerm> terms;
};

struct SublatticeEnvironmentModel {
  int species = 1;  // S: mobile species (the solver's count; 1 without [[occupancy.species]])
  int hosts = 0;    // H: immobile host cations
  double kT_ev = 0;
  // [SpeciesEnergy::slot(a, nbasis, zmax, b, k)]: S * nbasis * zmax entries
  // (slots without a hop: anything, never read).
  std::vector<HopEnvironment> hops;
  // Host cation h on each site, -1 none (empty: no host cations).
  std::vector<int8_t> host_of_site;
  // Codes per slot up to which the solver enumerates the environment into
  // integer thresholds (0: always the product form).
  int64_t max_codes_per_slot = kMaxEnvironmentCodesPerSlot;
  // A lower bound of dE over every slot and environment the model knows
  // (eV; -infinity: none): caps the product form's largest factor, which is
  // otherwise the product of the merged tables' largest factors.
  double min_energy_ev = -std::numeric_limits<double>::infinity();
  // The model's own evaluation of dE (eV) for one slot and the states of its
  // sites in listed order, used by the integer form instead of the sum of
  // the terms when set (so that the enumerated rates are the very doubles
  // the model's host solver computes). Called during construction only.
  std::function<double(int species, int basis, int k, const uint8_t* states)> exact_energy_ev;
  int radix() const { return 1 + species + hosts; }
};


class EnvironmentModel;  // kmc/model/EnvironmentModel.hpp ([environment])

// The [environment] model (issue 16 part A) in this form, for `species`
// mobile species: per (species a, slot) the stencil's sites other than the
// hop's origin and target, and one term per cluster over its other sites
// (the origin's occupant fixed at 1 + a, the target's at 0), each term's
// energy the cluster's contribution w(plus) - w(minus) to E_env; host
// cations from the model's fixed occupants; its lower energy bound.
SublatticeEnvironmentModel sublattice_environment_model(const EnvironmentModel& model,
                                                        int species);

class SublatticeEnvironment {
 public:
  // Checks the model against the lattice (CannotProceed: an environment site
  // beyond one supercell, one that is the origin, the target or another of
  // the slot's sites on this lattice, a term's table of the wrong size, a
  // host cation on a site an ion sits on is refused at load) and picks the form:
  // integer when `uniform_landscape` and the codes fit model.max_codes_per_slot
  // and `max_codes` in all.
  SublatticeEnvironment(const Lattice& lattice, const HopSteps& hops,
                        const SublatticeEnvironmentModel& model, bool uniform_landscape,
                        int64_t max_codes = kMaxEnvironmentCodes);

  bool integer() const { return integer_; }
  int radix() const { return radix_; }
  int species() const { return species_; }
  // Largest |cell offset| of an environment site along each axis.
  const std::array<int, 3>& reach() const { return reach_; }
  // Per basis site b: the environment sites (dcell0, dcell1, dcell2, basis;
  // cells from the origin's) an attempt from b may read, over every slot and
  // species (the site classes keep concurrent attempts off each other's).
  const std::vector<std::vector<std::array<int32_t, 4>>>& read_sites() const {
    return read_sites_;
  }
  // The largest exp(-dE / kT) of a slot over every environment (exact in the
  // integer form; otherwise the product of the largest factors of the tables
  // the terms merge into, one per set of sites: exact when those sets are
  // disjoint, an upper bound otherwise).
  double max_factor(int64_t slot) const { return max_factor_[slot]; }

  // Integer form: thresholds floor(min(p, 1) 2^32) (at most 2^32 - 1) with
  // p = (rate(slot) x exp(-dE / kT) x fraction) / gamma, rate(slot) the
  // static rate times the species factor of the slot (slots x width entries).
  void thresholds(const std::vector<double>& slot_rate, double gamma, double fraction,
                  std::vector<uint32_t>& out) const;
  // Product form: base(slot) = slot_scale(slot) x exp(-constant / kT) x
  // fraction, slot_scale the static rate x species factor x 2^32 / gamma
  // (uniform landscape) or the species factor alone (per-site rates).
  void bases(const std::vector<double>& slot_scale, double fraction,
             std::vector<double>& out) const;

  const std::vector<EnvironmentEntry>& entries() const { return entries_; }
  const std::vector<int32_t>& begin() const { return begin_; }
  const std::vector<double>& factors() const { return factors_; }  // product form
  int32_t width() const { return width_; }
  // The byte of every site before ions are placed on it: (S + h) << 2 for a
  // host cation h, 0 otherwise (empty: no host cations).
  const std::vector<uint8_t>& host_bytes() const { return host_bytes_; }

 private:
  int radix_, species_;
  int64_t slots_;
  bool integer_ = false;
  int32_t width_ = 1;
  std::array<int, 3> reach_{0, 0, 0};
  std::vector<std::vector<std::array<int32_t, 4>>> read_sites_;
  std::vector<EnvironmentEntry> entries_;
  std::vector<int32_t> begin_;
  std::vector<double> factors_;
  std::vector<double> constant_factor_;  // product form: exp(-constant / kT) per slot
  std::vector<double> code_factor_;      // integer form: exp(-dE / kT) per slot and code
  std::vector<double> max_factor_;
  std::vector<uint8_t> host_bytes_;
};

}  // namespace coatkmc
