#include "kmc/lattice/OxideLattices.hpp"

#include <cmath>
#include <stdexcept>

namespace coatkmc {

namespace {

constexpr double kThird = 1.0 / 3.0;

// Fractional coordinate folded into [0, 1).
double fold(double x) {
  x -= std::floor(x);
  return x >= 1.0 - 1e-12 ? 0.0 : x;
}

struct Builder {
  LatticeDescription d;

  void site(Vec3 f, const std::string& sublattice, const std::string& species, bool mobile,
            bool transition = false, double energy = 0) {
    d.basis.push_back(
        {{fold(f.x), fold(f.y), fold(f.z)}, sublattice, mobile, transition, energy, species});
  }
  // Sites at `f` plus each centring translation.
  void sites(Vec3 f, const std::vector<Vec3>& centring, const std::string& sublattice,
             const std::string& species, bool mobile, bool transition = false, double energy = 0) {
    for (const Vec3& t : centring) site(f + t, sublattice, species, mobile, transition, energy);
  }
};

const std::vector<Vec3> kFaceCentring = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
const std::vector<Vec3> kRhombohedralCentring = {
    {0, 0, 0}, {2 * kThird, kThird, kThird}, {kThird, 2 * kThird, 2 * kThird}};

Builder cubic_cell(const std::string& name, double a) {
  Builder b;
  b.d.name = name;
  b.d.vectors[0] = {a, 0, 0};
  b.d.vectors[1] = {0, a, 0};
  b.d.vectors[2] = {0, 0, a};
  return b;
}

// ABO3, Pm-3m: Li on the A sites (simple cubic network, hops through the
// square O4 window between neighbouring A sites), Ti on B, O on the faces.
// "layered" doubles the cell along c into an A layer rich in La (z = 0) and
// one poor in La (z = 1/2), as in ordered Li0.35La0.55TiO3; which A sites La
// actually blocks is left to the microstructure (blocked fractions per sublattice).
LatticeDescription perovskite(const OxideOptions& o) {
  Builder b = cubic_cell("perovskite", o.a);
  if (o.ordering == "none") {
    b.site({0, 0, 0}, "A", "Li", true);
    b.site({0.5, 0.5, 0.5}, "B", "Ti", false);
    for (Vec3 f : {Vec3{0.5, 0.5, 0}, Vec3{0.5, 0, 0.5}, Vec3{0, 0.5, 0.5}})
      b.site(f, "O", "O", false);
    return b.d;
  }
  b.d.vectors[2] = {0, 0, 2 * o.a};
  b.site({0, 0, 0}, "A_La_rich", "Li", true);
  b.site({0, 0, 0.5}, "A_La_poor", "Li", true);
  for (double z : {0.25, 0.75}) b.site({0.5, 0.5, z}, "B", "Ti", false);
  for (double z0 : {0.0, 0.5}) {
    b.site({0.5, 0.5, z0}, "O", "O", false);
    b.site({0.5, 0, z0 + 0.25}, "O", "O", false);
    b.site({0, 0.5, z0 + 0.25}, "O", "O", false);
  }
  return b.d;
}

// AB2O4, Fd-3m origin choice 1: Li on the tetrahedral 8a sites (a diamond
// network), passing the empty octahedral 16c site halfway between two 8a
// sites (8a -> 16c -> 8a); transition metals on 16d; O on 32e, each O bonded
// to one 8a site along a body diagonal at u - 1/4.
LatticeDescription spinel(const OxideOptions& o) {
  Builder b = cubic_cell("spinel", o.a);
  const double u = o.oxygen_parameter > 0 ? o.oxygen_parameter : 0.3875;  // Li4Ti5O12
  const double e = o.transition_energy;
  for (Vec3 f : {Vec3{0, 0, 0}, Vec3{0.25, 0.25, 0.25}})
    b.sites(f, kFaceCentring, "8a", "Li", true);
  const std::vector<Vec3> c16 = {
      {0.125, 0.125, 0.125}, {0.125, 0.875, 0.875}, {0.875, 0.125, 0.875}, {0.875, 0.875, 0.125}};
  for (Vec3 f : c16) b.sites(f, kFaceCentring, "16c", "Li", true, true, e);
  for (Vec3 f : c16) b.sites(f + Vec3{0.5, 0.5, 0.5}, kFaceCentring, "16d", "Ti", false);
  const double s = u - 0.25;
  const std::vector<Vec3> tetra = {{-1, -1, -1}, {1, 1, -1}, {1, -1, 1}, {-1, 1, 1}};
  for (const Vec3& v : tetra) {
    b.sites(s * v, kFaceCentring, "O", "O", false);
    b.sites(Vec3{0.25, 0.25, 0.25} - s * v, kFaceCentring, "O", "O", false);
  }
  b.d.hop_rules = {{"8a", "16c"}};
  return b.d;
}

// Rocksalt, Fm-3m: cations on the octahedral sites, anions on the other fcc
// sublattice, and the empty tetrahedral sites (1/4 1/4 1/4) between them, each
// sharing faces with four octahedra: a cation hops oct -> tet -> oct.
// "layered" orders the cations in alternating (111) layers of Li and M (the
// alpha-NaFeO2 / Li2TiO3-like motif) in a cell of 2a; only tetrahedral sites in
// the Li layers, with three Li octahedra around them, stay on the path.
LatticeDescription rocksalt(const OxideOptions& o) {
  const bool ordered = o.ordering == "layered";
  const int n = ordered ? 2 : 1;
  Builder b = cubic_cell("rocksalt", n * o.a);
  const double e = o.transition_energy;
  const std::string li = ordered ? "oct_Li" : "oct";
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) {
        const Vec3 cell = {double(i), double(j), double(k)};
        for (const Vec3& t : kFaceCentring) {
          const Vec3 r = cell + t;  // in units of a
          const long plane = std::lround(r.x + r.y + r.z);
          const bool li_layer = !ordered || plane % 2 == 0;
          b.site((1.0 / n) * r, li_layer ? li : "oct_M", li_layer ? "Li" : "Ni", li_layer);
          b.site((1.0 / n) * (r + Vec3{0.5, 0, 0}), "O", "O", false);
        }
        for (double x : {0.25, 0.75})
          for (double y : {0.25, 0.75})
            for (double z : {0.25, 0.75}) {
              const Vec3 r = cell + Vec3{x, y, z};
              // A tetrahedral site lies in the gap of the cation plane nearest to it.
              const long plane = std::lround(r.x + r.y + r.z);
              const bool li_gap = !ordered || plane % 2 == 0;
              b.site((1.0 / n) * r, li_gap ? "tet" : "tet_M", "", li_gap, li_gap, li_gap ? e : 0);
            }
      }
  b.d.hop_rules = {{li, "tet"}};
  if (o.direct_hop_barrier >= 0) b.d.hop_rules.push_back({li, li, 0, o.direct_hop_barrier});
  return b.d;
}

// O3 LiMO2, R-3m in the hexagonal setting: M on 3a (0 0 0), Li on 3b
// (0 0 1/2), O on 6c (0 0 +-z). In each Li slab every triangle of Li sites
// caps a tetrahedral site (three O of one layer, one of the other, the
// centroid of the four); Li hops oct -> tet -> oct, and, with
// direct_hop_barrier >= 0, also straight between octahedra.
LatticeDescription layered(const OxideOptions& o) {
  Builder b;
  b.d.name = "layered";
  const double a = o.a;
  b.d.vectors[0] = {a, 0, 0};
  b.d.vectors[1] = {-0.5 * a, 0.5 * std::sqrt(3.0) * a, 0};
  b.d.vectors[2] = {0, 0, o.c};
  const double z = o.oxygen_parameter > 0 ? o.oxygen_parameter : 0.2604;  // LiCoO2
  const double e = o.transition_energy;
  const auto& r = kRhombohedralCentring;
  b.sites({0, 0, 0}, r, "M", "Co", false);
  b.sites({0, 0, 0.5}, r, "Li", "Li", true);
  b.sites({kThird, 2 * kThird, 5.0 / 12 + z / 2}, r, "tet", "", true, true, e);
  b.sites({2 * kThird, kThird, 7.0 / 12 - z / 2}, r, "tet", "", true, true, e);
  b.sites({0, 0, z}, r, "O", "O", false);
  b.sites({0, 0, -z}, r, "O", "O", false);
  b.d.hop_rules = {{"Li", "tet"}};
  if (o.direct_hop_barrier >= 0) b.d.hop_rules.push_back({"Li", "Li", 0, o.direct_hop_barrier});
  return b.d;
}

}  // namespace

const std::vector<std::string>& oxide_lattice_names() {
  static const std::vector<std::string> names = {"perovskite", "spinel", "rocksalt", "layered"};
  return names;
}

double default_oxide_a(const std::string& type) {
  if (type == "perovskite") return 3.87;  // Li0.35La0.55TiO3, A-A hop 3.87 A
  if (type == "spinel") return 8.36;      // Li4Ti5O12
  if (type == "rocksalt") return 4.177;   // NiO
  if (type == "layered") return 2.816;    // LiCoO2 (c = 14.05 A)
  throw std::invalid_argument("unknown oxide lattice '" + type + "'");
}

LatticeDescription make_oxide_lattice(const std::string& type, const OxideOptions& options) {
  OxideOptions o = options;
  if (!(o.a > 0)) o.a = default_oxide_a(type);
  if (!(o.c > 0)) o.c = o.a * (14.05 / 2.816);
  const bool has_ordering = type == "perovskite" || type == "rocksalt";
  if (o.ordering != "none" && !(has_ordering && o.ordering == "layered"))
    throw std::invalid_argument("lattice '" + type + "' has no ordering '" + o.ordering + "'");
  if (type == "perovskite") return perovskite(o);
  if (type == "spinel") return spinel(o);
  if (type == "rocksalt") return rocksalt(o);
  if (type == "layered") return layered(o);
  throw std::invalid_argument("unknown oxide lattice '" + type + "'");
}

}  // namespace coatkmc
