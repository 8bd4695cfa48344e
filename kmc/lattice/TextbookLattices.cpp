#include "kmc/lattice/TextbookLattices.hpp"

#include <cmath>
#include <stdexcept>

namespace coatkmc {

namespace {

LatticeDescription cubic(const std::string& name, double a, std::vector<Vec3> fractional) {
  LatticeDescription d;
  d.name = name;
  d.dimension = 3;
  d.vectors[0] = {a, 0, 0};
  d.vectors[1] = {0, a, 0};
  d.vectors[2] = {0, 0, a};
  for (const Vec3& f : fractional) d.basis.push_back({f, "A", true});
  return d;
}

LatticeDescription planar(const std::string& name, Vec3 a1, Vec3 a2, double layer,
                          std::vector<BasisSite> basis) {
  LatticeDescription d;
  d.name = name;
  d.dimension = 2;
  d.vectors[0] = a1;
  d.vectors[1] = a2;
  d.vectors[2] = {0, 0, layer};
  d.basis = std::move(basis);
  return d;
}

}  // namespace

const std::vector<std::string>& textbook_lattice_names() {
  static const std::vector<std::string> names = {"sc",     "bcc",        "fcc",      "diamond",
                                                 "square", "triangular", "honeycomb"};
  return names;
}

LatticeDescription make_textbook_lattice(const std::string& type, double a) {
  const double h = std::sqrt(3.0) / 2.0;
  if (type == "sc") return cubic(type, a, {{0, 0, 0}});
  if (type == "bcc") return cubic(type, a, {{0, 0, 0}, {0.5, 0.5, 0.5}});
  if (type == "fcc") return cubic(type, a, {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}});
  if (type == "diamond") {
    LatticeDescription d = cubic(type, a, {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}});
    for (int i = 0; i < 4; ++i) {
      Vec3 f = d.basis[i].fractional;
      d.basis.push_back({{f.x + 0.25, f.y + 0.25, f.z + 0.25}, "B", true});
    }
    return d;
  }
  // 2D lattices: `a` is the length of the primitive vectors; the layer
  // thickness used for volume densities is `a` as well (documented).
  if (type == "square") return planar(type, {a, 0, 0}, {0, a, 0}, a, {{{0, 0, 0}, "A", true}});
  if (type == "triangular")
    return planar(type, {a, 0, 0}, {0.5 * a, h * a, 0}, a, {{{0, 0, 0}, "A", true}});
  if (type == "honeycomb")
    return planar(type, {a, 0, 0}, {0.5 * a, h * a, 0}, a,
                  {{{0, 0, 0}, "A", true}, {{1.0 / 3.0, 1.0 / 3.0, 0}, "B", true}});
  throw std::invalid_argument("unknown lattice type '" + type + "'");
}

}  // namespace coatkmc
