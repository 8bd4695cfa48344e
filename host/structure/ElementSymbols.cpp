#include "host/structure/ElementSymbols.hpp"

#include <set>

#include "host/structure/StructureFile.hpp"

namespace coatkmc {

bool is_element_symbol(const std::string& symbol) {
  static const std::set<std::string> elements = {
      "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",
      "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
      "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh",
      "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
      "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re",
      "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
      "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db",
      "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};
  return elements.count(symbol) > 0;
}

std::string element_of_site(const BasisSite& site, const std::vector<std::string>& ion_species) {
  if (!site.species.empty()) {
    const std::string e = element_symbol(site.species);  // "Li1+" -> "Li"
    if (is_element_symbol(e)) return e;
  }
  // Ion species named by element (all of them: "A" and "B" of a couple are
  // labels, and B would read as boron): the first is what the site holds.
  bool elements = !ion_species.empty();
  for (const std::string& name : ion_species) elements = elements && is_element_symbol(name);
  if (site.mobile && !site.transition && elements) return ion_species.front();
  return "X";
}

}  // namespace coatkmc
