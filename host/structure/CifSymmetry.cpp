// The symmetry of a CIF as the file states it, in this order (docs/structures.md):
// the listed operations; else the Hall symbol; else the Hermann-Mauguin name
// with its setting or origin choice (old, spaced and annotated spellings
// normalised); else the International Tables number. Where a name or number
// leaves the origin choice open, both choices are returned and CifReader.cpp
// keeps the one that places the atoms without clashes.
#include <gemmi/numb.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "host/structure/CifImport.hpp"

namespace coatkmc::cif_import {

namespace {

std::vector<gemmi::Op> ops_of(const gemmi::GroupOps& g) {
  std::vector<gemmi::Op> out;
  for (const gemmi::Op& op : g) out.push_back(op);
  return out;
}

std::string setting_name(const gemmi::SpaceGroup& sg) {
  std::string s = sg.hm;
  if (sg.ext == '1' || sg.ext == '2') s += std::string(", origin choice ") + sg.ext;
  if (sg.ext == 'H') s += ", hexagonal axes";
  if (sg.ext == 'R') s += ", rhombohedral axes";
  return s;
}

// The table entries of one group that differ only in the origin choice
// (gemmi lists choice 1 and then choice 2); one entry when there is none.
std::vector<const gemmi::SpaceGroup*> origin_choices(const gemmi::SpaceGroup* sg) {
  if (sg->ext != '1' && sg->ext != '2') return {sg};
  std::vector<const gemmi::SpaceGroup*> out;
  for (const gemmi::SpaceGroup& g : gemmi::spacegroup_tables::main)
    if (g.number == sg->number && std::string(g.hm) == sg->hm && (g.ext == '1' || g.ext == '2'))
      out.push_back(&g);
  return out;
}

// Decimal translations ("0.66667+x", "x+0.5") as the fractions they stand
// for: each decimal must lie within 1e-4 of a multiple of 1/12.
bool with_fractions(const std::string& in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size();) {
    const unsigned char ch = static_cast<unsigned char>(in[i]);
    if (std::isdigit(ch) || (in[i] == '.' && i + 1 < in.size() &&
                             std::isdigit(static_cast<unsigned char>(in[i + 1])))) {
      size_t j = i;
      while (j < in.size() &&
             (std::isdigit(static_cast<unsigned char>(in[j])) || in[j] == '.'))
        ++j;
      const std::string number = in.substr(i, j - i);
      if (number.find('.') == std::string::npos) {
        // gemmi multiplies each integer by 24 in a long: keep them small
        // (a 20-digit translation overflowed it; found by fuzz.structure).
        if (number.size() > 6) return false;
        out += number;
      } else {
        if (std::count(number.begin(), number.end(), '.') > 1) return false;
        const double x = std::strtod(number.c_str(), nullptr);
        if (!(x < 100)) return false;
        const double twelfths = std::round(12 * x);
        if (std::fabs(x - twelfths / 12) > 1e-4) return false;
        out += std::to_string(static_cast<long>(twelfths)) + "/12";
      }
      i = j;
    } else {
      out += in[i++];
    }
  }
  return true;
}

// A Hermann-Mauguin name as written in the wild, reduced to gemmi's spelling
// plus the setting it states ('1'/'2' origin choice, 'H'/'R' axes, 0 none):
// "F d -3 m {origin @ centre (-3m)}", "F D -3 M Z", "Fd-3m:2", "P 42/m n m",
// "P 4_2/m n m", "R -3 m H", "P m 3 m" (the old cubic symbols without the bar).
struct NormalizedName {
  std::string name;
  char setting = 0;
};

NormalizedName normalize_hm(const std::string& raw) {
  NormalizedName out;
  const std::string low = lower(raw);
  auto has = [&](const char* what) { return low.find(what) != std::string::npos; };
  if (has("origin choice 2") || has("origin 2") || has("origin @ centre") ||
      has("origin at centre") || has("origin at -1") || has("origin @ -1") ||
      has("centre of symmetry") || has("center of symmetry") || has("origin at center") ||
      has("origin @ center"))
    out.setting = '2';
  else if (has("origin choice 1") || has("origin 1") || has("origin @ -4") ||
           has("origin at -4") || has("origin @ 4") || has("origin at 4") || has("origin at 2") ||
           has("origin @ 2") || has("origin at 222") || has("origin at -43m"))
    out.setting = '1';
  else if (has("hexagonal axes") || has("hexagonal setting"))
    out.setting = 'H';
  else if (has("rhombohedral axes") || has("rhombohedral setting"))
    out.setting = 'R';
  // The symbol is what comes before any annotation in braces or parentheses.
  std::string name = raw.substr(0, raw.find_first_of("{(["));
  if (const size_t colon = name.find(':'); colon != std::string::npos) {
    std::string tail = lower(name.substr(colon + 1));
    tail.erase(std::remove_if(tail.begin(), tail.end(),
                              [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
               tail.end());
    if (tail == "1" || tail == "2") out.setting = tail[0];
    if (tail == "h" || tail == "r") out.setting = static_cast<char>(std::toupper(tail[0]));
    if (tail == "s") out.setting = '1';
    if (tail == "z") out.setting = '2';
    name = name.substr(0, colon);
  }
  name.erase(std::remove(name.begin(), name.end(), '_'), name.end());
  // A last word S or Z (ICSD: origin choice 1 or 2), H or R (axes).
  std::istringstream words(name);
  std::vector<std::string> w;
  for (std::string x; words >> x;) w.push_back(x);
  if (w.size() > 1 && w.back().size() == 1) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(w.back()[0])));
    if (c == 'S' || c == 'Z' || c == 'H' || c == 'R') {
      out.setting = c == 'S' ? '1' : c == 'Z' ? '2' : c;
      w.pop_back();
    }
  }
  for (size_t i = 0; i < w.size(); ++i) out.name += (i ? " " : "") + w[i];
  return out;
}

// Whether gemmi 0.5.7 can read a Hall symbol without indexing out of bounds:
// it applies a numeric screw subscript ("41", "61") along the principal axis
// of the matrix symbol, and for a symbol that has none (a diagonal axis ' " *,
// or an implicit axis it does not fill in) it indexes an array at a negative
// position (found by fuzz.structure). Standard Hall symbols put subscripts
// only on the first matrix symbol, or give the axis (x, y, z) with them.
// The symbol is split as gemmi splits it (generators_from_hall): blanks are
// ' ', '\t' and '_', an optional '-', then ONE character of lattice symbol,
// then the matrix symbols, so "-F3vw 22w" has "3vw" as its first (a fuzzed
// symbol glued them together and made "22w" the second, unsafe).
bool hall_symbol_safe(const std::string& hall_in) {
  const std::string hall = hall_in.substr(0, hall_in.find('('));
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '_'; };
  size_t p = 0;
  while (p < hall.size() && blank(hall[p])) ++p;
  if (p < hall.size() && hall[p] == '-') ++p;
  while (p < hall.size() && blank(hall[p])) ++p;
  if (p >= hall.size()) return false;
  ++p;  // the lattice symbol
  std::vector<std::string> tokens;
  while (p < hall.size()) {
    while (p < hall.size() && blank(hall[p])) ++p;
    const size_t begin = p;
    while (p < hall.size() && !blank(hall[p])) ++p;
    if (p > begin) tokens.push_back(hall.substr(begin, p - begin));
  }
  for (size_t i = 0; i < tokens.size(); ++i) {  // matrix symbol i + 1
    std::string t = tokens[i];
    if (!t.empty() && t[0] == '-') t = t.substr(1);
    if (t.empty()) return false;
    bool subscript = false, axis = false, diagonal = false;
    for (size_t k = 1; k < t.size(); ++k) {
      subscript = subscript || (t[k] >= '1' && t[k] <= '5');
      axis = axis || t[k] == 'x' || t[k] == 'y' || t[k] == 'z';
      diagonal = diagonal || t[k] == '\'' || t[k] == '"' || t[k] == '*';
    }
    if (subscript && (diagonal || (!axis && i > 0))) return false;
  }
  return true;
}

const gemmi::SpaceGroup* lookup_hm(const std::string& name, char setting, double alpha,
                                   double gamma) {
  auto find = [&](const std::string& n) -> const gemmi::SpaceGroup* {
    if (n.empty()) return nullptr;
    if (setting) {
      if (const gemmi::SpaceGroup* sg =
              gemmi::find_spacegroup_by_name(n + ":" + std::string(1, setting), alpha, gamma))
        return sg;
    }
    return gemmi::find_spacegroup_by_name(n, alpha, gamma);
  };
  if (const gemmi::SpaceGroup* sg = find(name)) return sg;
  // The old cubic symbols write -3 as 3 (Fd3m, P m 3 m, Ia3d): try the bar
  // before each 3 in turn and keep a cubic group that answers.
  for (size_t i = 1; i < name.size(); ++i) {
    if (name[i] != '3' || name[i - 1] == '-' || std::isdigit(static_cast<unsigned char>(name[i - 1])))
      continue;
    const std::string barred = name.substr(0, i) + "-" + name.substr(i);
    if (const gemmi::SpaceGroup* sg = find(barred))
      if (sg->number >= 195) return sg;
  }
  return nullptr;
}

StatedSymmetry from_groups(const std::vector<const gemmi::SpaceGroup*>& groups,
                           const std::string& tag, const std::string& stated) {
  StatedSymmetry s;
  s.tag = tag;
  s.stated = stated;
  for (const gemmi::SpaceGroup* g : groups) s.candidates.push_back({ops_of(g->operations()), setting_name(*g)});
  return s;
}

// The first value of a tag, whether a tag-value pair or the first row of a
// loop (a fuzzed file put the Hall symbol in a loop: find_value alone is null).
const std::string& first_value(cif::Block& b, const std::string& tag) {
  static const std::string none = "?";
  if (const std::string* v = b.find_value(tag)) return *v;
  cif::Column col = b.find_values(tag);
  return col.length() > 0 ? col[0] : none;
}

}  // namespace

// The symmetry as the file states it (precedence in the header comment).
StatedSymmetry read_symmetry(CifContext& c, const double angles[3]) {
  cif::Block& b = c.block();
  const std::string op_tag =
      first_present(b, {"_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz",
                        "_space_group_symop.operation_xyz", "_symmetry_equiv.pos_as_xyz"});
  if (!op_tag.empty()) {
    StatedSymmetry s;
    s.tag = op_tag;
    s.stated = "the listed operations";
    SymmetryCandidate listed;
    listed.name = "the listed operations";
    for (const std::string& raw : b.find_values(op_tag)) {
      const std::string triplet = cif::as_string(raw);
      std::string exact;
      try {
        if (!with_fractions(triplet, exact)) throw std::invalid_argument("decimal");
        listed.ops.push_back(gemmi::parse_triplet(exact));
      } catch (const std::exception&) {
        c.fail(op_tag, "'" + triplet +
                           "' is not a symmetry operation like 'x,y,z' or '-y,x-y,z+1/3' (decimal "
                           "translations must be within 1e-4 of a multiple of 1/12)");
      }
    }
    if (listed.ops.empty()) c.fail(op_tag, "lists no operation");
    s.candidates.push_back(listed);
    return s;
  }

  const std::string hall_tag = first_present(
      b, {"_space_group_name_Hall", "_symmetry_space_group_name_Hall", "_space_group.name_Hall"});
  if (!hall_tag.empty() && !cif::is_null(first_value(b, hall_tag))) {
    const std::string hall = cif::as_string(first_value(b, hall_tag));
    gemmi::GroupOps g;
    try {
      if (!hall_symbol_safe(hall)) throw std::invalid_argument("unsafe");
      g = gemmi::symops_from_hall(hall.c_str());
    } catch (const std::exception&) {
      c.fail(hall_tag, "'" + hall + "' is not a Hall symbol (e.g. '-F 4vw 2vw 3')");
    }
    StatedSymmetry s;
    s.tag = hall_tag;
    s.stated = "Hall symbol '" + hall + "'";
    s.candidates.push_back({ops_of(g), s.stated});
    return s;
  }

  const std::string name_tag =
      first_present(b, {"_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M",
                        "_space_group.name_H-M_alt", "_space_group_name_H-M_ref"});
  const std::string number_tag = first_present(
      b, {"_space_group_IT_number", "_symmetry_Int_Tables_number", "_space_group.IT_number"});
  const std::string code_tag =
      first_present(b, {"_space_group_IT_coordinate_system_code",
                        "_space_group.IT_coordinate_system_code"});
  char coded = 0;
  if (!code_tag.empty()) {
    const std::string code = lower(cif::as_string(first_value(b, code_tag)));
    if (code == "1" || code == "2") coded = code[0];
    if (code == "h" || code == "r") coded = static_cast<char>(std::toupper(code[0]));
  }
  if (!name_tag.empty() && !cif::is_null(first_value(b, name_tag))) {
    const std::string raw = cif::as_string(first_value(b, name_tag));
    NormalizedName n = normalize_hm(raw);
    if (!n.setting) n.setting = coded;
    const gemmi::SpaceGroup* sg = lookup_hm(n.name, n.setting, angles[0], angles[2]);
    if (!sg) c.fail(name_tag, "unknown space group '" + raw + "'");
    const bool stated = (n.setting == '1' || n.setting == '2') && sg->ext == n.setting;
    return from_groups(stated ? std::vector<const gemmi::SpaceGroup*>{sg} : origin_choices(sg),
                       name_tag, "'" + raw + "'");
  }
  if (!number_tag.empty() && !cif::is_null(first_value(b, number_tag))) {
    const std::string raw = cif::as_string(first_value(b, number_tag));
    char* end = nullptr;
    const long number = std::strtol(raw.c_str(), &end, 10);
    if (end == raw.c_str() || *end != '\0' || number < 1 || number > 230)
      c.fail(number_tag, "expected a space-group number in [1, 230], got '" + raw + "'");
    const gemmi::SpaceGroup* sg = &gemmi::get_spacegroup_reference_setting(static_cast<int>(number));
    // Rhombohedral groups: the reference is hexagonal axes; a cell with three
    // equal angles other than 90 degrees is on rhombohedral ones.
    if (sg->ext == 'H' && std::fabs(angles[0] - angles[2]) < 1e-3 && std::fabs(angles[0] - 90) > 1e-3)
      sg = sg + 1;
    if (coded == '1' || coded == '2') {
      for (const gemmi::SpaceGroup* g : origin_choices(sg))
        if (g->ext == coded) sg = g;
      return from_groups({sg}, number_tag, "space-group number " + raw);
    }
    return from_groups(origin_choices(sg), number_tag, "space-group number " + raw);
  }
  c.fail("_space_group_symop_operation_xyz",
         "missing (give the symmetry operations, a Hall symbol, _space_group_name_H-M_alt or "
         "_space_group_IT_number; 'P 1' for none)");
}

// The tag a line of CIF text starts with ("" when it starts with none).

}  // namespace coatkmc::cif_import
