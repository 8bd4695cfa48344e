// CIF and POSCAR text of a lattice description: the atoms of one cell, so a
// built-in or generated structure can be checked in VESTA/OVITO/ASE and read back.
#include <cstdio>
#include <map>
#include <sstream>

#include "host/structure/ElementSymbols.hpp"
#include "host/structure/StructureFile.hpp"

namespace coatkmc {

namespace {

std::string fixed(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

// A CIF value: bare when it is a plain word, quoted otherwise.
std::string cif_value(const std::string& s) {
  bool plain = !s.empty() && s[0] != '_' && s[0] != '#' && s[0] != '$' && s[0] != '\'' &&
               s[0] != '"' && s[0] != '[' && s[0] != ']' && s[0] != ';';
  for (char c : s) plain = plain && c > ' ' && c != '\'' && c != '"';
  return plain ? s : "'" + s + "'";
}

}  // namespace

std::string cif_text(const LatticeDescription& d, const std::vector<std::string>& ion_species) {
  double l[3], ang[3];
  cell_parameters(d.vectors, l, ang);
  std::ostringstream os;
  os << "# written by coatkmc: the atoms of one cell of lattice '" << d.name << "'\n"
     << "# (space group P 1; each atom's label is its sublattice, numbered; its type an element,\n"
     << "# X where the site has none)\n"
     << "data_" << (d.name.empty() ? "coatkmc" : d.name) << "\n"
     << "_cell_length_a " << fixed(l[0], 8) << "\n"
     << "_cell_length_b " << fixed(l[1], 8) << "\n"
     << "_cell_length_c " << fixed(l[2], 8) << "\n"
     << "_cell_angle_alpha " << fixed(ang[0], 8) << "\n"
     << "_cell_angle_beta " << fixed(ang[1], 8) << "\n"
     << "_cell_angle_gamma " << fixed(ang[2], 8) << "\n"
     << "_space_group_name_H-M_alt 'P 1'\n"
     << "loop_\n_space_group_symop_operation_xyz\n'x,y,z'\n"
     << "loop_\n_atom_site_label\n_atom_site_type_symbol\n"
     << "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n";
  std::map<std::string, int> numbered;
  for (const BasisSite& b : d.basis) {
    if (b.transition) continue;
    const std::string label = b.sublattice + "_" + std::to_string(++numbered[b.sublattice]);
    os << cif_value(label) << ' ' << cif_value(element_of_site(b, ion_species)) << ' ' << fixed(b.fractional.x, 10)
       << ' ' << fixed(b.fractional.y, 10) << ' ' << fixed(b.fractional.z, 10) << " 1\n";
  }
  return os.str();
}

std::string poscar_text(const LatticeDescription& d, const std::vector<std::string>& ion_species) {
  // Elements in order of first appearance, each with its atoms (after each
  // atom's coordinates its element and sublattice, which VASP and ASE ignore).
  std::vector<std::string> order;
  std::map<std::string, std::vector<const BasisSite*>> atoms;
  for (const BasisSite& b : d.basis) {
    if (b.transition) continue;
    const std::string s = element_of_site(b, ion_species);
    if (!atoms.count(s)) order.push_back(s);
    atoms[s].push_back(&b);
  }
  std::ostringstream os;
  os << "coatkmc lattice '" << d.name << "'\n1.0\n";
  for (int i = 0; i < 3; ++i)
    os << "  " << fixed(d.vectors[i].x, 10) << ' ' << fixed(d.vectors[i].y, 10) << ' '
       << fixed(d.vectors[i].z, 10) << "\n";
  for (const auto& s : order) os << ' ' << s;
  os << "\n";
  for (const auto& s : order) os << ' ' << atoms[s].size();
  os << "\nDirect\n";
  for (const auto& s : order)
    for (const BasisSite* b : atoms[s])
      os << "  " << fixed(b->fractional.x, 10) << ' ' << fixed(b->fractional.y, 10) << ' '
         << fixed(b->fractional.z, 10) << ' ' << s << ' ' << b->sublattice << "\n";
  return os.str();
}

}  // namespace coatkmc
