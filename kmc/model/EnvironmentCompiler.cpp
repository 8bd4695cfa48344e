#include "kmc/model/EnvironmentCompiler.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "kmc/model/EnvironmentClusters.hpp"
#include "kmc/model/EnvironmentSymmetry.hpp"

namespace coatkmc {

namespace {

std::string fmt(double x) {
  std::ostringstream o;
  o << x;
  return o.str();
}

std::string fractional_text(Vec3 f) {
  return "[" + fmt(f.x) + ", " + fmt(f.y) + ", " + fmt(f.z) + "]";
}

struct HopOrbit {
  int ref_slot = -1;
  SiteRef from, to;
  std::vector<SymmetryOp> H;
  std::vector<Cluster> kra_reps;  // E_KRA cluster orbits with a coefficient (reference frame)
  std::set<ClusterKey> kra_seen;
  bool has_neb = false;
  Cluster neb_positions;
  std::map<ClusterKey, int> neb_terms;
  int neb_default = -1;
  std::string neb_where;
};

struct SlotMap {
  int orbit = -1;
  SymmetryOp g;  // reference hop -> this slot's hop (or its reverse)
};

class Compiler {
 public:
  Compiler(const Lattice& lattice, const EnvironmentSpec& spec)
      : lat_(lattice), d_(lattice.description()), spec_(spec),
        codes_(environment_codes(d_, spec)), use_(codes_.cluster_sites()),
        zmax_(lattice.max_coordination()), nbasis_(lattice.basis_size()) {}

  CompiledEnvironment run() {
    if (codes_.states() > kEnvironmentMaxStates)
      throw EnvironmentError("environment.immobile",
                             "more than " + std::to_string(kEnvironmentMaxStates) +
                                 " occupant kinds (vacancy, mobile and immobile species)");
    group_ = space_group(d_);
    assign_hop_orbits();
    for (const ClusterCoefficient& c : spec_.coefficients.kra) add_kra(c);
    for (const ClusterCoefficient& c : spec_.coefficients.site) add_site(c);
    for (const NebTable& t : spec_.coefficients.neb) add_neb(t);
    return build();
  }

 private:
  const Lattice& lat_;
  const LatticeDescription& d_;
  const EnvironmentSpec& spec_;
  EnvironmentCodes codes_;
  std::vector<bool> use_;
  int zmax_, nbasis_;
  std::vector<SymmetryOp> group_;
  std::vector<HopOrbit> orbits_;
  std::vector<SlotMap> slots_;
  std::vector<double> weight_;  // per global term
  std::map<std::pair<int, ClusterKey>, int> kra_terms_;
  std::map<ClusterKey, int> site_terms_;
  std::map<ClusterKey, std::string> listed_where_;
  std::vector<Cluster> site_reps_;
  std::set<ClusterKey> site_seen_;

  [[noreturn]] void bad(const std::string& where, const std::string& what) const {
    throw EnvironmentError("environment.coefficients",
                           spec_.coefficients.path + " " + where + ": " + what);
  }

  SiteRef slot_from(int slot) const { return {slot / zmax_, {0, 0, 0}}; }
  SiteRef slot_to(int slot) const {
    const HopTemplate& h = lat_.hops(slot / zmax_)[slot % zmax_];
    return {h.to_basis, {h.cell_offset[0], h.cell_offset[1], h.cell_offset[2]}};
  }
  bool slot_valid(int slot) const { return slot % zmax_ < lat_.coordination(slot / zmax_); }

  void assign_hop_orbits() {
    std::vector<std::vector<HopTemplate>> hops(nbasis_);
    for (int b = 0; b < nbasis_; ++b) hops[b] = lat_.hops(b);
    HopSlotClasses c = classify_hop_slots(hops, zmax_, group_);
    slots_.assign(nbasis_ * zmax_, {});
    for (int s = 0; s < nbasis_ * zmax_; ++s)
      if (c.class_of[s] >= 0) slots_[s] = {c.class_of[s], c.op[s]};
    for (HopSlotClass& k : c.classes) {
      HopOrbit o;
      o.ref_slot = k.ref_slot;
      o.from = k.from;
      o.to = k.to;
      o.H = std::move(k.group);
      orbits_.push_back(std::move(o));
    }
  }

  SiteRef site_of(Vec3 f, const std::string& where) const {
    auto s = site_at(d_, f);
    if (!s) bad(where, "no site of the lattice at " + fractional_text(f));
    return *s;
  }

  // The hop orbit of the hop at fractional from -> to, and the operation
  // taking that hop onto the orbit's reference hop.
  std::pair<int, SymmetryOp> hop_of(Vec3 ffrom, Vec3 fto, const std::string& where) const {
    const SiteRef a = site_of(ffrom, where + "/hop/0"), b = site_of(fto, where + "/hop/1");
    for (int k = 0; k < lat_.coordination(a.basis); ++k) {
      const int slot = a.basis * zmax_ + k;
      const SiteRef t = slot_to(slot).shifted(a.cell);
      if (t != b) continue;
      const HopOrbit& o = orbits_[slots_[slot].orbit];
      bool reversed = false;
      auto g = op_between_hops(group_, a, b, o.from, o.to, &reversed);
      if (!g) bad(where + "/hop", "no symmetry operation maps this hop onto its class");
      return {slots_[slot].orbit, *g};
    }
    bad(where + "/hop", "no hop of the lattice goes from " + fractional_text(ffrom) + " to " +
                            fractional_text(fto));
  }

  std::vector<int32_t> decoration(const std::vector<std::string>& names, const Cluster& sites,
                                  const std::string& where, bool allow_vacancy) const {
    std::vector<int32_t> out;
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string w = where + "/" + std::to_string(i);
      const int c = codes_.code_of(names[i]);
      if (c < 0) bad(w, "no species '" + names[i] + "' (the model knows " + known_names() + ")");
      if (c == 0 && !allow_vacancy)
        bad(w, "'Va' is the reference of the occupation basis; a cluster names what occupies its "
               "sites");
      if (!codes_.allowed[sites[i].basis][c])
        bad(w, "sublattice '" + d_.basis[sites[i].basis].sublattice + "' cannot hold '" +
                   names[i] + "'");
      out.push_back(c);
    }
    return out;
  }

  std::string known_names() const {
    std::string s;
    for (size_t i = 0; i < codes_.names.size(); ++i) s += (i ? ", " : "") + codes_.names[i];
    return s;
  }

  Cluster sites_of(const FractionalSites& f, const std::string& where) const {
    Cluster out;
    for (size_t i = 0; i < f.size(); ++i) {
      const SiteRef s = site_of(f[i], where + "/" + std::to_string(i));
      if (!use_[s.basis])
        bad(where + "/" + std::to_string(i),
            "the site at " + fractional_text(f[i]) + " (sublattice '" +
                d_.basis[s.basis].sublattice + "') can hold only its own atom");
      for (const SiteRef& o : out)
        if (o == s) bad(where + "/" + std::to_string(i), "a site listed twice");
      out.push_back(s);
    }
    return out;
  }

  int new_term(double w) {
    weight_.push_back(w);
    return static_cast<int>(weight_.size()) - 1;
  }

  void check_twice(const ClusterKey& k, const std::string& where) {
    auto [it, fresh] = listed_where_.emplace(k, where);
    if (!fresh)
      bad(where, "the same cluster and decoration (up to symmetry) as " + it->second +
                     " is listed twice");
  }

  void add_kra(const ClusterCoefficient& c) {
    if (c.sites.empty()) bad(c.where + "/sites", "an E_KRA cluster needs at least one site");
    if (static_cast<int>(c.sites.size()) > spec_.kra_max_sites)
      bad(c.where + "/sites", std::to_string(c.sites.size()) +
                                  " sites, more than environment.kra_max_sites = " +
                                  std::to_string(spec_.kra_max_sites));
    if (c.species.size() != c.sites.size())
      bad(c.where + "/species", "give one species per site");
    auto [orbit, g] = hop_of(c.hop_from, c.hop_to, c.where);
    const SiteRef a = site_of(c.hop_from, c.where), b = site_of(c.hop_to, c.where);
    const Cluster sites = sites_of(c.sites, c.where + "/sites");
    const Vec3 mid = 0.5 * (site_position(d_, a) + site_position(d_, b));
    for (size_t i = 0; i < sites.size(); ++i) {
      if (sites[i] == a || sites[i] == b)
        bad(c.where + "/sites/" + std::to_string(i), "an end of the hop is not part of E_KRA");
      const double r = norm(site_position(d_, sites[i]) - mid);
      if (r > spec_.kra_cutoff_A)
        bad(c.where + "/sites/" + std::to_string(i),
            "the cluster reaches " + fmt(r) + " Å from the hop's midpoint, outside "
            "environment.kra_cutoff_A = " + fmt(spec_.kra_cutoff_A));
    }
    const std::vector<int32_t> dec = decoration(c.species, sites, c.where + "/species", false);
    HopOrbit& o = orbits_[orbit];
    Cluster ref;
    for (const SiteRef& s : sites) ref.push_back(g.apply(s));
    const ClusterKey shape = canonical_key(o.H, ref, {}, false);
    if (o.kra_seen.insert(shape).second) o.kra_reps.push_back(shape.sites);
    ClusterKey key = canonical_key(o.H, ref, dec, false);
    ClusterKey tagged = key;
    tagged.codes.push_back(-1 - orbit);  // keys of different hops never meet
    check_twice(tagged, c.where);
    kra_terms_[{orbit, key}] = new_term(c.eci_eV);
  }

  void add_site(const ClusterCoefficient& c) {
    if (c.sites.empty()) bad(c.where + "/sites", "a cluster needs at least one site");
    if (static_cast<int>(c.sites.size()) > spec_.site_max_sites)
      bad(c.where + "/sites", std::to_string(c.sites.size()) +
                                  " sites, more than environment.site_max_sites = " +
                                  std::to_string(spec_.site_max_sites));
    if (c.species.size() != c.sites.size())
      bad(c.where + "/species", "give one species per site");
    const Cluster sites = sites_of(c.sites, c.where + "/sites");
    for (size_t i = 0; i < sites.size(); ++i)
      for (size_t j = i + 1; j < sites.size(); ++j) {
        const double r = norm(site_position(d_, sites[i]) - site_position(d_, sites[j]));
        if (r > spec_.site_cutoff_A)
          bad(c.where + "/sites/" + std::to_string(j),
              "sites " + std::to_string(i) + " and " + std::to_string(j) + " are " + fmt(r) +
                  " Å apart, outside environment.site_cutoff_A = " + fmt(spec_.site_cutoff_A));
      }
    const std::vector<int32_t> dec = decoration(c.species, sites, c.where + "/species", false);
    const ClusterKey shape = canonical_key(group_, sites, {}, true);
    if (site_seen_.insert(shape).second) site_reps_.push_back(shape.sites);
    const ClusterKey key = canonical_key(group_, sites, dec, true);
    check_twice(key, c.where);
    // Half the energy change enters the barrier: the weight is ECI / 2.
    site_terms_[key] = new_term(0.5 * c.eci_eV);
  }

  void add_neb(const NebTable& t) {
    auto [orbit, g] = hop_of(t.hop_from, t.hop_to, t.where);
    HopOrbit& o = orbits_[orbit];
    if (o.has_neb)
      bad(t.where, "a second NEB table for the hops of " + o.neb_where + " (one table per hop)");
    const SiteRef a = site_of(t.hop_from, t.where), b = site_of(t.hop_to, t.where);
    if (t.positions.empty()) bad(t.where + "/positions", "list at least one position");
    if (static_cast<int>(t.positions.size()) > kEnvironmentMaxClusterSites)
      bad(t.where + "/positions", "more than " + std::to_string(kEnvironmentMaxClusterSites) +
                                      " positions");
    const Cluster pos = sites_of(t.positions, t.where + "/positions");
    double entries = 1;
    for (size_t i = 0; i < pos.size(); ++i) {
      if (pos[i] == a || pos[i] == b)
        bad(t.where + "/positions/" + std::to_string(i),
            "an end of the hop is not part of its environment");
      entries *= codes_.states();
    }
    if (entries > (1 << 20))
      bad(t.where + "/positions", "too many arrangements (" + fmt(entries) + " > 2^20)");
    Cluster ref;
    for (const SiteRef& s : pos) ref.push_back(g.apply(s));
    // Patterns are equivalent under the hop's group only if the positions
    // map onto themselves; otherwise a hop and its reverse would read
    // different sites and detailed balance would fail.
    Cluster sorted = ref;
    std::sort(sorted.begin(), sorted.end());
    for (const SymmetryOp& h : o.H) {
      Cluster img;
      for (const SiteRef& s : ref) img.push_back(h.apply(s));
      std::sort(img.begin(), img.end());
      if (img != sorted)
        bad(t.where + "/positions",
            "the positions are not closed under the hop's symmetry (add the positions "
            "equivalent to the listed ones)");
    }
    o.has_neb = true;
    o.neb_positions = ref;
    o.neb_where = t.where;
    o.neb_default = new_term(t.default_eV);
    std::map<ClusterKey, std::string> seen;
    for (const NebPattern& p : t.patterns) {
      if (p.occupation.size() != pos.size())
        bad(p.where + "/occupation", "give one occupant per position (" +
                                         std::to_string(pos.size()) + ")");
      const std::vector<int32_t> dec = decoration(p.occupation, pos, p.where + "/occupation", true);
      const ClusterKey key = canonical_key(o.H, ref, dec, false);
      auto [it, fresh] = seen.emplace(key, p.where);
      if (!fresh)
        bad(p.where, "the same pattern (up to the hop's symmetry) as " + it->second +
                         " is listed twice");
      o.neb_terms[key] = new_term(p.barrier_eV);
    }
  }

  // --- compiling the slots ---

  static int64_t power(int base, int exp) {
    int64_t p = 1;
    for (int i = 0; i < exp; ++i) p *= base;
    return p;
  }
  std::vector<int32_t> decode(int64_t dec, int size) const {
    std::vector<int32_t> c(size);
    for (int i = 0; i < size; ++i) {
      c[i] = static_cast<int32_t>(dec % codes_.states());
      dec /= codes_.states();
    }
    return c;
  }

  int kra_term(int orbit, const Cluster& ref_sites, const std::vector<int32_t>& dec) const {
    for (int32_t c : dec)
      if (c == 0) return -1;
    auto it = kra_terms_.find({orbit, canonical_key(orbits_[orbit].H, ref_sites, dec, false)});
    return it == kra_terms_.end() ? -1 : it->second;
  }
  int site_term(const Cluster& sites, const std::vector<int32_t>& dec) const {
    for (int32_t c : dec)
      if (c == 0) return -1;
    auto it = site_terms_.find(canonical_key(group_, sites, dec, true));
    return it == site_terms_.end() ? -1 : it->second;
  }

  struct GlobalCluster {
    std::vector<SiteRef> read;  // sites read, relative to the slot's origin
    std::vector<std::pair<int, int>> table;  // global (minus, plus) per decoration
  };

  // The E_KRA, NEB and site-energy clusters of one slot, in global terms.
  std::vector<GlobalCluster> slot_clusters(int slot) {
    std::vector<GlobalCluster> out;
    const int S = codes_.states();
    const SlotMap& m = slots_[slot];
    const HopOrbit& o = orbits_[m.orbit];
    auto to_slot = [&](const Cluster& ref) {
      Cluster c;
      for (const SiteRef& s : ref) c.push_back(m.g.apply(s));
      return c;
    };
    for (const Cluster& rep : o.kra_reps)
      for (const Cluster& inst : orbit_images(o.H, rep)) {
        GlobalCluster gc{to_slot(inst), {}};
        const int64_t n = power(S, static_cast<int>(inst.size()));
        for (int64_t dec = 0; dec < n; ++dec)
          gc.table.push_back({-1, kra_term(m.orbit, inst, decode(dec, static_cast<int>(inst.size())))});
        out.push_back(std::move(gc));
      }
    if (o.has_neb) {
      GlobalCluster gc{to_slot(o.neb_positions), {}};
      const int m_sites = static_cast<int>(o.neb_positions.size());
      const int64_t n = power(S, m_sites);
      for (int64_t dec = 0; dec < n; ++dec) {
        auto it = o.neb_terms.find(canonical_key(o.H, o.neb_positions, decode(dec, m_sites), false));
        gc.table.push_back({-1, it == o.neb_terms.end() ? o.neb_default : it->second});
      }
      out.push_back(std::move(gc));
    }
    // Site-energy clusters containing the origin or the target, each once.
    const SiteRef from = slot_from(slot), to = slot_to(slot);
    std::set<Cluster> seen;
    for (const Cluster& rep : site_reps_)
      for (const SiteRef& end : {from, to})
        for (Cluster inst : images_containing(group_, rep, end)) {
          Cluster sorted = inst;
          std::sort(sorted.begin(), sorted.end());
          if (!seen.insert(sorted).second) continue;
          const int size = static_cast<int>(inst.size());
          int io = -1, it = -1;
          for (int i = 0; i < size; ++i) {
            if (inst[i] == from) io = i;
            if (inst[i] == to) it = i;
          }
          GlobalCluster gc{inst, {}};
          // The ion's code is read from the origin even where the cluster holds only the target.
          int read_o = io;
          if (io < 0 && it >= 0) {
            gc.read.push_back(from);
            read_o = size;
          }
          const int nread = static_cast<int>(gc.read.size());
          const int64_t n = power(S, nread);
          for (int64_t dec = 0; dec < n; ++dec) {
            const std::vector<int32_t> c = decode(dec, nread);
            const bool possible = (it < 0 || c[it] == 0) && (read_o < 0 || c[read_o] != 0);
            if (!possible) {
              gc.table.push_back({-1, -1});
              continue;
            }
            std::vector<int32_t> before(c.begin(), c.begin() + size), after = before;
            if (io >= 0) after[io] = 0;
            if (it >= 0) after[it] = c[read_o];
            const int minus = site_term(inst, before), plus = site_term(inst, after);
            gc.table.push_back(minus == plus ? std::make_pair(-1, -1) : std::make_pair(minus, plus));
          }
          out.push_back(std::move(gc));
        }
    return out;
  }

  CompiledEnvironment build() {
    CompiledEnvironment e;
    e.states = codes_.states();
    e.nbasis = nbasis_;
    e.zmax = zmax_;
    e.global_terms = static_cast<int32_t>(weight_.size());
    std::vector<std::set<std::pair<std::array<int32_t, 3>, int32_t>>> affected(nbasis_);
    bool first_bound = true;
    e.site_begin.push_back(0);
    e.cluster_begin.push_back(0);
    e.term_begin.push_back(0);
    for (int slot = 0; slot < nbasis_ * zmax_; ++slot) {
      // Every hop slot lists at least its origin and target, even without
      // coefficients: bkl's update set must still cover the hop neighbours.
      if (slot_valid(slot)) compile_slot(e, slot, affected, first_bound);
      e.site_begin.push_back(static_cast<int32_t>(e.sites.size()));
      e.cluster_begin.push_back(static_cast<int32_t>(e.clusters.size()));
      e.term_begin.push_back(static_cast<int32_t>(e.term_id.size()));
    }
    e.affected_begin.push_back(0);
    for (int b = 0; b < nbasis_; ++b) {
      for (const auto& [cell, basis] : affected[b])
        e.affected.push_back({{cell[0], cell[1], cell[2]}, basis});
      e.affected_begin.push_back(static_cast<int32_t>(e.affected.size()));
    }
    return e;
  }

  void compile_slot(CompiledEnvironment& e, int slot,
                    std::vector<std::set<std::pair<std::array<int32_t, 3>, int32_t>>>& affected,
                    bool& first_bound) {
    std::vector<GlobalCluster> clusters = slot_clusters(slot);
    // Drop clusters that never change the energy.
    clusters.erase(std::remove_if(clusters.begin(), clusters.end(),
                                  [](const GlobalCluster& c) {
                                    for (const auto& [mi, pl] : c.table)
                                      if (mi >= 0 || pl >= 0) return false;
                                    return true;
                                  }),
                   clusters.end());
    std::map<SiteRef, int> index;
    std::vector<SiteRef> stencil;
    auto site_index = [&](const SiteRef& s) {
      auto [it, fresh] = index.emplace(s, static_cast<int>(stencil.size()));
      if (fresh) stencil.push_back(s);
      return it->second;
    };
    site_index(slot_from(slot));
    site_index(slot_to(slot));
    std::set<int> used;
    for (const GlobalCluster& c : clusters)
      for (const auto& [mi, pl] : c.table) {
        if (mi >= 0) used.insert(mi);
        if (pl >= 0) used.insert(pl);
      }
    if (used.size() > 32767)
      throw EnvironmentError("environment.coefficients",
                             spec_.coefficients.path + ": more than 32767 terms reach one hop");
    std::map<int, int> local;
    for (int g : used) {
      local[g] = static_cast<int>(local.size());
      e.term_id.push_back(g);
      e.term_weight_eV.push_back(weight_[g]);
    }
    double lo = 0, hi = 0;
    for (const GlobalCluster& c : clusters) {
      EnvironmentCluster ec{};
      ec.size = static_cast<int32_t>(c.read.size());
      for (int i = 0; i < ec.size; ++i) ec.site[i] = site_index(c.read[i]);
      ec.table = static_cast<int32_t>(e.deltas.size());
      double cmin = 0, cmax = 0;
      bool first = true;
      for (const auto& [mi, pl] : c.table) {
        e.deltas.push_back({static_cast<int16_t>(mi >= 0 ? local[mi] : -1),
                            static_cast<int16_t>(pl >= 0 ? local[pl] : -1)});
        const double v = (pl >= 0 ? weight_[pl] : 0.0) - (mi >= 0 ? weight_[mi] : 0.0);
        cmin = first ? v : std::min(cmin, v);
        cmax = first ? v : std::max(cmax, v);
        first = false;
      }
      lo += cmin;
      hi += cmax;
      e.clusters.push_back(ec);
    }
    e.min_energy_eV = first_bound ? lo : std::min(e.min_energy_eV, lo);
    e.max_energy_eV = first_bound ? hi : std::max(e.max_energy_eV, hi);
    first_bound = false;
    const int b = slot / zmax_;
    const Vec3 origin = site_position(d_, slot_from(slot));
    for (const SiteRef& s : stencil) {
      e.sites.push_back({{s.cell[0], s.cell[1], s.cell[2]}, s.basis});
      e.interaction_radius_A =
          std::max(e.interaction_radius_A, norm(site_position(d_, s) - origin));
      for (int i = 0; i < 3; ++i)
        e.reach_cells[i] = std::max(e.reach_cells[i], std::abs(s.cell[i]));
      affected[s.basis].insert({{-s.cell[0], -s.cell[1], -s.cell[2]}, b});
    }
  }
};

}  // namespace

CompiledEnvironment compile_environment(const Lattice& lattice, const EnvironmentSpec& spec) {
  return Compiler(lattice, spec).run();
}

}  // namespace coatkmc
