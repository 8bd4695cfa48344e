#include "host/io/ClusterListWriter.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace coatkmc {

namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

ordered vec(Vec3 v) {
  return ordered::array({v.x, v.y, v.z});
}

std::vector<std::string> names_of(const EnvironmentCodes& codes, const std::vector<int32_t>& dec) {
  std::vector<std::string> out;
  for (int32_t c : dec) out.push_back(codes.names[c]);
  return out;
}

// The non-reference occupants each site of the cluster can hold.
std::vector<std::vector<std::string>> species_basis(const EnvironmentCodes& codes,
                                                    const Cluster& sites) {
  std::vector<std::vector<std::string>> out;
  for (const SiteRef& s : sites) {
    std::vector<std::string> b;
    for (int c = 1; c < codes.states(); ++c)
      if (codes.allowed[s.basis][c]) b.push_back(codes.names[c]);
    out.push_back(std::move(b));
  }
  return out;
}

// Distances between the sites (0,1), (0,2), ..., (1,2), ... in Å.
std::vector<double> pair_distances(const LatticeDescription& d, const Cluster& c) {
  std::vector<double> out;
  for (size_t i = 0; i < c.size(); ++i)
    for (size_t j = i + 1; j < c.size(); ++j)
      out.push_back(norm(site_position(d, c[i]) - site_position(d, c[j])));
  return out;
}

ordered orbit_json(const GeneratedOrbits& g, const LatticeDescription& d, const GeneratedOrbit& o) {
  ordered j;
  j["id"] = o.id;
  if (o.hop_class >= 0) j["hop"] = g.hops[o.hop_class].id;
  j["order"] = o.sites.size();
  ordered sites = ordered::array(), relative = ordered::array();
  const Vec3 origin = o.hop_class >= 0 ? fractional_of(d, g.hops[o.hop_class].from)
                                       : fractional_of(d, o.sites.front());
  for (const SiteRef& s : o.sites) {
    sites.push_back(vec(fractional_of(d, s)));
    relative.push_back(vec(fractional_of(d, s) - origin));
  }
  j["sites"] = sites;
  j[o.hop_class >= 0 ? "sites_from_hop_origin" : "sites_from_first_site"] = relative;
  if (o.hop_class >= 0) {
    const HopClass& h = g.hops[o.hop_class];
    const Vec3 mid = 0.5 * (site_position(d, h.from) + site_position(d, h.to));
    ordered r = ordered::array();
    for (const SiteRef& s : o.sites) r.push_back(norm(site_position(d, s) - mid));
    j["midpoint_distances_A"] = r;
  }
  j["distances_A"] = pair_distances(d, o.sites);
  j["max_distance_A"] = o.max_distance_A;
  j["multiplicity"] = o.multiplicity;
  j["species_basis"] = species_basis(g.codes, o.sites);
  ordered decs = ordered::array();
  for (const auto& dec : o.decorations) decs.push_back(names_of(g.codes, dec));
  j["decorations"] = decs;
  return j;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string number(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.10g", x);
  return b;
}

}  // namespace

std::string cluster_list_json(const GeneratedOrbits& g, const LatticeDescription& d,
                              const EnvironmentSpec& spec) {
  ordered root;
  root["occupants"] = g.codes.names;
  root["reference"] = "Va";
  root["cutoffs_A"] = {{"kra_cutoff_A", spec.kra_cutoff_A},
                       {"kra_pair_cutoff_A", spec.kra_generate.pair_A},
                       {"kra_triplet_cutoff_A", spec.kra_generate.triplet_A},
                       {"kra_quadruplet_cutoff_A", spec.kra_generate.quadruplet_A},
                       {"site_pair_cutoff_A", spec.site_generate.pair_A},
                       {"site_triplet_cutoff_A", spec.site_generate.triplet_A},
                       {"site_quadruplet_cutoff_A", spec.site_generate.quadruplet_A}};
  ordered hops = ordered::array();
  for (const HopClass& h : g.hops) {
    ordered j;
    j["id"] = h.id;
    j["from"] = vec(fractional_of(d, h.from));
    j["to"] = vec(fractional_of(d, h.to));
    j["length_A"] = norm(site_position(d, h.to) - site_position(d, h.from));
    j["symmetry_order"] = h.group.size();
    j["hop_slots"] = h.slots;
    hops.push_back(j);
  }
  root["hop_classes"] = hops;
  ordered kra = ordered::array(), site = ordered::array();
  for (const GeneratedOrbit& o : g.kra) kra.push_back(orbit_json(g, d, o));
  for (const GeneratedOrbit& o : g.site) site.push_back(orbit_json(g, d, o));
  root["kra"] = kra;
  root["site"] = site;
  return root.dump(2) + "\n";
}

std::string cluster_list_csv(const GeneratedOrbits& g, const LatticeDescription& d) {
  std::string out = "id,hop,order,multiplicity,max_distance_A,decorations,sites,species_basis\n";
  for (const auto* list : {&g.kra, &g.site})
    for (const GeneratedOrbit& o : *list) {
      std::string sites, basis;
      for (size_t i = 0; i < o.sites.size(); ++i) {
        const Vec3 f = fractional_of(d, o.sites[i]);
        sites += (i ? "; " : "") + number(f.x) + " " + number(f.y) + " " + number(f.z);
      }
      const auto b = species_basis(g.codes, o.sites);
      for (size_t i = 0; i < b.size(); ++i) {
        basis += i ? "; " : "";
        for (size_t k = 0; k < b[i].size(); ++k) basis += (k ? "|" : "") + b[i][k];
      }
      out += csv_field(o.id) + "," + (o.hop_class >= 0 ? g.hops[o.hop_class].id : "") + "," +
             std::to_string(o.sites.size()) + "," + std::to_string(o.multiplicity) + "," +
             number(o.max_distance_A) + "," + std::to_string(o.decorations.size()) + "," +
             csv_field(sites) + "," + csv_field(basis) + "\n";
    }
  return out;
}

std::string coefficients_template_json(const GeneratedOrbits& g) {
  ordered root;
  root["require_every_orbit"] = true;
  for (const char* part : {"kra", "site"}) {
    ordered list = ordered::array();
    for (const GeneratedOrbit& o : std::string(part) == "kra" ? g.kra : g.site)
      for (const auto& dec : o.decorations)
        list.push_back(
            ordered{{"orbit", o.id}, {"species", names_of(g.codes, dec)}, {"eci_eV", 0.0}});
    root[part] = list;
  }
  return root.dump(2) + "\n";
}

}  // namespace coatkmc
