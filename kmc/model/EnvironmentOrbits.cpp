#include "kmc/model/EnvironmentOrbits.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace coatkmc {

namespace {

// Clusters per cutoff key beyond which generation gives up (counted before
// any orbit is formed): a cutoff far beyond a few shells enumerates millions
// of triplets nobody can fit. Two shells of quadruplets on sc are ~10^3.
constexpr int64_t kMaxCandidates = 300000;

std::string fmt(double x) {
  std::ostringstream o;
  o << x;
  return o.str();
}

std::string cutoff_key(const char* part, int order) {
  if (order == 1) return std::string("environment.") + part + "_cutoff_A";
  return std::string("environment.") + part + "_" + cluster_order_name(order) + "_cutoff_A";
}

// Counts examined clusters against kMaxCandidates for one cutoff key.
struct Budget {
  std::string key;
  double cutoff_A = 0;
  int64_t used = 0;
  void spend_all(int64_t n) {
    used += n;
    spend();
  }
  void spend() {
    if (++used > kMaxCandidates)
      throw EnvironmentError(key, "cutoff " + fmt(cutoff_A) + " Å enumerates more than " +
                                      std::to_string(kMaxCandidates) +
                                      " clusters; give a shorter one (a few neighbour shells)");
  }
};

// Every increasing index tuple of `size` entries of `candidates` whose sites
// lie pairwise within `cutoff_A` (`at`: Cartesian positions by index, Å);
// `visit` gets the chosen indices. Distances are computed as the compiler
// computes them (norm of the difference of the positions).
template <class Visit>
void pairwise_within(const std::vector<Vec3>& at, const std::vector<int>& candidates, int size,
                     double cutoff_A, Budget& budget, Visit&& visit) {
  auto dist = [&](int i, int j) { return norm(at[i] - at[j]); };
  std::vector<int> chosen;
  // Recursion over positions in `candidates`; depth <= 4.
  // Counted first (cheap): a cutoff that enumerates too many clusters is
  // refused before the costly orbit work starts.
  // One recursion serves both passes; `leaf` runs on each complete tuple.
  auto each_tuple = [&](auto&& leaf) {
    auto step = [&](auto&& self, size_t from) -> void {
      if (static_cast<int>(chosen.size()) == size) {
        leaf();
        return;
      }
      for (size_t i = from; i < candidates.size(); ++i) {
        const int c = candidates[i];
        bool near = true;
        for (int o : chosen) near = near && dist(o, c) <= cutoff_A;
        if (!near) continue;
        chosen.push_back(c);
        self(self, i + 1);
        chosen.pop_back();
      }
    };
    step(step, 0);
  };
  int64_t count = 0;
  each_tuple([&] {
    if (++count + budget.used > kMaxCandidates) budget.spend_all(count);
  });
  each_tuple([&] {
    budget.spend();
    visit(chosen);
  });
}

double longest_A(const LatticeDescription& d, const Cluster& c) {
  double m = 0;
  for (size_t i = 0; i < c.size(); ++i)
    for (size_t j = i + 1; j < c.size(); ++j)
      m = std::max(m, norm(site_position(d, c[i]) - site_position(d, c[j])));
  return m;
}

double summed_A(const LatticeDescription& d, const Cluster& c) {
  double m = 0;
  for (size_t i = 0; i < c.size(); ++i)
    for (size_t j = i + 1; j < c.size(); ++j)
      m += norm(site_position(d, c[i]) - site_position(d, c[j]));
  return m;
}

// Lengths compared in whole micro-ångström: orbits of equal length (up to
// rounding) are ordered by their canonical sites, the same on every machine.
int64_t micro(double x_A) {
  return std::llround(x_A * 1e6);
}

// The symmetry-distinct decorations of `rep` over the occupants its sites
// can hold (codes >= 1), in lexicographic order, the first of each class.
std::vector<std::vector<int32_t>> distinct_decorations(const EnvironmentCodes& codes,
                                                       const std::vector<SymmetryOp>& group,
                                                       const Cluster& rep, bool translate) {
  std::vector<std::vector<int32_t>> options;
  for (const SiteRef& s : rep) {
    std::vector<int32_t> o;
    for (int c = 1; c < codes.states(); ++c)
      if (codes.allowed[s.basis][c]) o.push_back(c);
    if (o.empty()) return {};
    options.push_back(std::move(o));
  }
  std::vector<std::vector<int32_t>> out;
  std::set<ClusterKey> seen;
  std::vector<size_t> at(rep.size(), 0);
  while (true) {
    std::vector<int32_t> dec;
    for (size_t i = 0; i < rep.size(); ++i) dec.push_back(options[i][at[i]]);
    if (seen.insert(canonical_key(group, rep, dec, translate)).second) out.push_back(dec);
    // Odometer, the last site fastest: lexicographic order.
    size_t i = rep.size();
    while (i > 0 && ++at[i - 1] == options[i - 1].size()) at[--i] = 0;
    if (i == 0) break;
  }
  return out;
}

// A cluster without its translation: sorted, the first site in cell 0.
Cluster normalized(Cluster c) {
  std::sort(c.begin(), c.end());
  const auto o = c.front().cell;
  for (SiteRef& s : c) s = s.shifted({-o[0], -o[1], -o[2]});
  return c;
}

struct Sortable {
  GeneratedOrbit orbit;
  std::tuple<int, int64_t, int64_t, int64_t> rank;  // order, longest, farthest/summed, summed
};

void sort_and_name(std::vector<Sortable>& found, const std::string& prefix,
                   std::vector<GeneratedOrbit>& out) {
  std::stable_sort(found.begin(), found.end(), [](const Sortable& a, const Sortable& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.orbit.sites < b.orbit.sites;
  });
  std::map<int, int> count;
  for (Sortable& f : found) {
    const int n = static_cast<int>(f.orbit.sites.size());
    f.orbit.id = prefix + cluster_order_name(n) + std::to_string(count[n]++);
    out.push_back(std::move(f.orbit));
  }
}

std::vector<HopClass> hop_classes(const LatticeDescription& d, const std::vector<SymmetryOp>& G) {
  const HopTable table = hop_table(d);
  // The same classes, in the same order, as compile_environment forms them.
  std::vector<HopClass> out;
  for (HopSlotClass& c : classify_hop_slots(table.hops, table.zmax, G).classes) {
    HopClass h;
    h.id = "h" + std::to_string(out.size());
    h.from = c.from;
    h.to = c.to;
    h.group = std::move(c.group);
    h.slots = c.slots;
    out.push_back(std::move(h));
  }
  return out;
}

int max_order(int max_sites, const OrbitCutoffs& cut) {
  int n = 1;
  for (int k = 2; k <= 4; ++k)
    if (cut.of_order(k) > 0 && k <= max_sites) n = k;
  return std::min(n, max_sites);
}

void generate_kra(const LatticeDescription& d, const EnvironmentSpec& spec,
                  const std::vector<bool>& use, GeneratedOrbits& g, int cls) {
  const HopClass& h = g.hops[cls];
  const Vec3 mid = 0.5 * (site_position(d, h.from) + site_position(d, h.to));
  std::vector<SiteRef> near;
  for (const SiteRef& s : sites_within(d, use, mid, spec.kra_cutoff_A))
    if (s != h.from && s != h.to) near.push_back(s);
  const int n = static_cast<int>(near.size());
  std::vector<Vec3> at;
  for (const SiteRef& s : near) at.push_back(site_position(d, s));
  std::vector<int> all(n);
  for (int i = 0; i < n; ++i) all[i] = i;
  std::set<Cluster> seen;
  std::vector<Sortable> found;
  const int top = max_order(spec.kra_max_sites, spec.kra_generate);
  for (int order = 1; order <= top; ++order) {
    const double cut = order == 1 ? spec.kra_cutoff_A : spec.kra_generate.of_order(order);
    if (order > 1 && cut <= 0) continue;
    Budget budget{cutoff_key("kra", order), cut};
    pairwise_within(
        at, all, order, order == 1 ? 1e300 : cut, budget, [&](const std::vector<int>& idx) {
          Cluster c;
          for (int i : idx) c.push_back(near[i]);  // sorted: `near` is
          if (seen.count(c)) return;
          const std::vector<Cluster> images = orbit_images(h.group, c);
          for (Cluster img : images) {
            std::sort(img.begin(), img.end());
            seen.insert(std::move(img));
          }
          GeneratedOrbit o;
          o.hop_class = cls;
          o.sites = canonical_key(h.group, c, {}, false).sites;
          // The representative is an image of c: checked again in its own
          // coordinates (rounding), as compile_environment will check it.
          o.max_distance_A = longest_A(d, o.sites);
          if (order > 1 && o.max_distance_A > cut) return;
          double farthest = 0, summed = 0;
          for (const SiteRef& s : o.sites) {
            const double r = norm(site_position(d, s) - mid);
            if (r > spec.kra_cutoff_A) return;
            farthest = std::max(farthest, r);
            summed += r;
          }
          o.multiplicity = static_cast<int>(images.size());
          o.decorations = distinct_decorations(g.codes, h.group, o.sites, false);
          const auto rank =
              std::make_tuple(order, micro(o.max_distance_A), micro(farthest), micro(summed));
          found.push_back({std::move(o), rank});
        });
  }
  sort_and_name(found, "kra." + h.id + ".", g.kra);
}

void generate_site(const LatticeDescription& d, const EnvironmentSpec& spec,
                   const std::vector<bool>& use, GeneratedOrbits& g) {
  const OrbitCutoffs& cut = spec.site_generate;
  const int top = max_order(spec.site_max_sites, cut);
  double reach = 0;
  for (int k = 2; k <= top; ++k) reach = std::max(reach, cut.of_order(k));
  std::set<Cluster> seen;  // normalized clusters of the orbits found
  std::vector<Sortable> found;
  for (int b = 0; b < static_cast<int>(d.basis.size()); ++b) {
    if (!use[b]) continue;
    const SiteRef o{b, {0, 0, 0}};
    // Index 0 is o itself; the rest its neighbours within the longest cutoff.
    std::vector<SiteRef> pts{o};
    for (const SiteRef& s : sites_within(d, use, site_position(d, o), reach))
      if (s != o) pts.push_back(s);
    const int n = static_cast<int>(pts.size());
    std::vector<Vec3> at;
    for (const SiteRef& s : pts) at.push_back(site_position(d, s));
    for (int order = 1; order <= top; ++order) {
      const double c_A = order == 1 ? 0 : cut.of_order(order);
      if (order > 1 && c_A <= 0) continue;
      std::vector<int> partners;
      for (int i = 1; i < n; ++i)
        if (norm(at[0] - at[i]) <= c_A) partners.push_back(i);
      Budget budget{cutoff_key("site", order), c_A};
      pairwise_within(at, partners, order - 1, c_A, budget, [&](const std::vector<int>& idx) {
        Cluster c{o};
        for (int i : idx) c.push_back(pts[i]);
        if (seen.count(normalized(c))) return;
        for (const SymmetryOp& op : g.space_group) {
          Cluster img;
          for (const SiteRef& s : c) img.push_back(op.apply(s));
          seen.insert(normalized(std::move(img)));
        }
        GeneratedOrbit orbit;
        orbit.sites = canonical_key(g.space_group, c, {}, true).sites;
        orbit.max_distance_A = longest_A(d, orbit.sites);
        if (order > 1 && orbit.max_distance_A > c_A) return;  // rounding, as for E_KRA
        int incidences = 0;
        for (int b2 = 0; b2 < static_cast<int>(d.basis.size()); ++b2)
          incidences += static_cast<int>(
              images_containing(g.space_group, orbit.sites, SiteRef{b2, {0, 0, 0}}).size());
        orbit.multiplicity = incidences / order;
        orbit.decorations = distinct_decorations(g.codes, g.space_group, orbit.sites, true);
        const auto rank = std::make_tuple(order, micro(orbit.max_distance_A),
                                          micro(summed_A(d, orbit.sites)), int64_t{0});
        found.push_back({std::move(orbit), rank});
      });
    }
  }
  sort_and_name(found, "site.", g.site);
}

std::string names_text(const EnvironmentCodes& codes, const std::vector<int32_t>& dec) {
  std::string s = "[";
  for (size_t i = 0; i < dec.size(); ++i) s += (i ? ", " : "") + codes.names[dec[i]];
  return s + "]";
}

[[noreturn]] void bad(const EnvironmentCoefficients& c, const std::string& where,
                      const std::string& what) {
  throw EnvironmentError("environment.coefficients", c.path + " " + where + ": " + what);
}

std::string generated_text(const std::vector<GeneratedOrbit>& list, const char* kind) {
  if (list.empty()) return std::string("the configuration generates no ") + kind + " orbits";
  return "generated: " + list.front().id + " ... " + list.back().id + ", " +
         std::to_string(list.size()) + " in all; `coatkmc clusters CONFIG` lists them";
}

}  // namespace

const char* cluster_order_name(int sites) {
  switch (sites) {
    case 1:
      return "point";
    case 2:
      return "pair";
    case 3:
      return "triplet";
    case 4:
      return "quadruplet";
    default:
      return "cluster";
  }
}

Vec3 fractional_of(const LatticeDescription& d, const SiteRef& s) {
  const Vec3 f = d.basis[s.basis].fractional;
  return {s.cell[0] + f.x, s.cell[1] + f.y, s.cell[2] + f.z};
}

GeneratedOrbits generate_orbits(const LatticeDescription& d, const EnvironmentSpec& spec) {
  GeneratedOrbits g;
  g.codes = environment_codes(d, spec);
  g.space_group = space_group(d);
  g.hops = hop_classes(d, g.space_group);
  const std::vector<bool> use = g.codes.cluster_sites();
  for (int c = 0; c < static_cast<int>(g.hops.size()); ++c) generate_kra(d, spec, use, g, c);
  generate_site(d, spec, use, g);
  return g;
}

bool needs_generated_orbits(const EnvironmentCoefficients& c) {
  if (c.require_every_orbit) return true;
  for (const auto* list : {&c.kra, &c.site})
    for (const ClusterCoefficient& e : *list)
      if (!e.orbit.empty()) return true;
  return false;
}

void resolve_orbit_coefficients(const GeneratedOrbits& orbits, const LatticeDescription& d,
                                EnvironmentCoefficients& c) {
  std::map<std::string, const GeneratedOrbit*> kra, site;
  for (const GeneratedOrbit& o : orbits.kra) kra[o.id] = &o;
  for (const GeneratedOrbit& o : orbits.site) site[o.id] = &o;
  auto resolve = [&](std::vector<ClusterCoefficient>& list, bool is_kra) {
    auto& mine = is_kra ? kra : site;
    const auto& other = is_kra ? site : kra;
    for (ClusterCoefficient& e : list) {
      if (e.orbit.empty()) continue;
      auto it = mine.find(e.orbit);
      if (it == mine.end()) {
        if (other.count(e.orbit))
          bad(c, e.where + "/orbit",
              "'" + e.orbit + "' is a " +
                  (is_kra ? "site-energy orbit: list it under \"site\""
                          : "E_KRA orbit: list it under \"kra\""));
        bad(c, e.where + "/orbit",
            "no generated orbit '" + e.orbit + "' (" +
                generated_text(is_kra ? orbits.kra : orbits.site, is_kra ? "E_KRA" : "site") + ")");
      }
      const GeneratedOrbit& o = *it->second;
      if (e.species.size() != o.sites.size())
        bad(c, e.where + "/species",
            "give one species per site of " + o.id + " (" + std::to_string(o.sites.size()) + ")");
      if (is_kra) {
        e.hop_from = fractional_of(d, orbits.hops[o.hop_class].from);
        e.hop_to = fractional_of(d, orbits.hops[o.hop_class].to);
      }
      e.sites.clear();
      for (const SiteRef& s : o.sites) e.sites.push_back(fractional_of(d, s));
    }
  };
  resolve(c.kra, true);
  resolve(c.site, false);
}

void check_every_orbit_given(const GeneratedOrbits& orbits, const LatticeDescription& d,
                             const EnvironmentCoefficients& c) {
  if (!c.require_every_orbit) return;
  const std::vector<SymmetryOp>& G = orbits.space_group;
  auto codes_of = [&](const std::vector<std::string>& names) {
    std::vector<int32_t> out;
    for (const std::string& n : names) out.push_back(orbits.codes.code_of(n));
    return out;
  };
  auto site_of = [&](Vec3 f) {
    auto s = site_at(d, f);
    return s ? *s : SiteRef{};  // compile_environment accepted every position
  };
  // The keys the entries give, E_KRA ones tagged with their hop class.
  std::set<std::pair<int, ClusterKey>> given;
  for (const ClusterCoefficient& e : c.kra) {
    const SiteRef a = site_of(e.hop_from), b = site_of(e.hop_to);
    for (int h = 0; h < static_cast<int>(orbits.hops.size()); ++h) {
      const HopClass& cls = orbits.hops[h];
      bool reversed = false;
      auto op = op_between_hops(G, a, b, cls.from, cls.to, &reversed);
      if (!op) continue;
      Cluster ref;
      for (const Vec3& f : e.sites) ref.push_back(op->apply(site_of(f)));
      given.insert({h, canonical_key(cls.group, ref, codes_of(e.species), false)});
      break;
    }
  }
  for (const ClusterCoefficient& e : c.site) {
    Cluster sites;
    for (const Vec3& f : e.sites) sites.push_back(site_of(f));
    given.insert({-1, canonical_key(G, sites, codes_of(e.species), true)});
  }
  const std::string hint =
      " (\"require_every_orbit\" is true; `coatkmc clusters CONFIG` writes a template "
      "with every orbit)";
  for (const GeneratedOrbit& o : orbits.kra)
    for (const auto& dec : o.decorations)
      if (!given.count(
              {o.hop_class, canonical_key(orbits.hops[o.hop_class].group, o.sites, dec, false)}))
        bad(c, "/kra",
            "orbit " + o.id + " decorated " + names_text(orbits.codes, dec) + " has no entry" +
                hint);
  for (const GeneratedOrbit& o : orbits.site)
    for (const auto& dec : o.decorations)
      if (!given.count({-1, canonical_key(G, o.sites, dec, true)}))
        bad(c, "/site",
            "orbit " + o.id + " decorated " + names_text(orbits.codes, dec) + " has no entry" +
                hint);
}

}  // namespace coatkmc
