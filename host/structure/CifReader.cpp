// CIF import through gemmi (Debian gemmi-dev): gemmi parses the file and knows
// the space groups; this file turns the cell, the atom sites and the symmetry
// into a LatticeDescription, naming the tag and line of whatever is wrong.
//
// Symmetry is taken as the file states it, in this order (docs/structures.md):
// the listed operations; else the Hall symbol; else the Hermann-Mauguin name
// with its setting or origin choice; else the International Tables number.
// Where a name or number leaves the origin choice open, both are expanded and
// the one that places the atoms without clashes is taken, with a note.
#include <gemmi/cif.hpp>
#include <gemmi/numb.hpp>
#include <gemmi/symmetry.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <tuple>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/CellList.hpp"

namespace coatkmc {

namespace {

namespace cif = gemmi::cif;

// Images closer than this (Å) are one site: symmetry copies of a special
// position, or two species sharing a site (mixed occupancy).
constexpr double kSameSite = 0.01;
// Two atoms closer than this (Å) whose occupancies add up to more than one
// cannot both be there: an expansion that makes such pairs is the wrong one.
constexpr double kClash = 0.5;
// The largest cell read (atoms after expansion); the neighbour search is a
// cell list, so this bounds memory, not time.
constexpr size_t kMaxSites = 250000;

class CifContext {
 public:
  CifContext(const std::string& path, cif::Block& block) : path_(path), block_(block) {}

  // Names the line of `tag`, or when the tag is missing, of `near` (the loop it belongs in).
  [[noreturn]] void fail(const std::string& tag, const std::string& what,
                         const std::string& near = "") const {
    const cif::Item* item = find_item(tag);
    if (!item && !near.empty()) item = find_item(near);
    throw InputError(where(item), tag + ": " + what);
  }

  const cif::Item* find_item(const std::string& tag) const {
    const cif::Item* item = block_.find_pair_item(tag);
    return item ? item : block_.find_loop_item(tag);
  }

  std::string where(const cif::Item* item) const {
    return item && item->line_number > 0 ? path_ + ":" + std::to_string(item->line_number) : path_;
  }

  // A number (standard uncertainty in parentheses allowed) of a tag-value pair.
  double pair_number(const std::string& tag) const {
    const std::string* v = block_.find_value(tag);
    if (!v)
      fail(tag, "missing (the cell needs _cell_length_a/b/c and _cell_angle_alpha/beta/gamma)");
    const double x = cif::as_number(*v);
    if (!std::isfinite(x)) fail(tag, "expected a number, got '" + *v + "'");
    return x;
  }

  cif::Block& block() { return block_; }

 private:
  std::string path_;
  cif::Block& block_;
};

struct AsymmetricSite {
  std::string label, species;
  std::array<double, 3> fractional;
  double occupancy = 1;
};

std::string first_present(cif::Block& b, std::initializer_list<const char*> tags) {
  for (const char* t : tags)
    if (b.has_tag(t)) return t;
  return "";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A dummy atom (a calculated position, a marker for a cavity centre or a
// lone pair) is no atom of the structure: `_atom_site_calc_flag dum`, or the
// type symbols programs use for them.
bool is_dummy(const std::string& type, const std::string& calc_flag) {
  if (lower(calc_flag) == "dum") return true;
  const std::string t = lower(type);
  return t == "du" || t == "dum" || t.rfind("dum", 0) == 0;
}

std::vector<AsymmetricSite> read_atom_sites(CifContext& c, std::vector<std::string>& skipped) {
  cif::Block& b = c.block();
  for (const char* tag : {"_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z"})
    if (!b.has_tag(tag))
      c.fail(tag,
             std::string("missing (the atom sites need fractional coordinates") +
                 (b.has_tag("_atom_site_Cartn_x") ? "; Cartesian ones are not read" : "") + ")",
             b.has_tag("_atom_site_label") ? "_atom_site_label" : "_atom_site_type_symbol");
  const std::string label_tag = first_present(b, {"_atom_site_label"});
  const std::string type_tag = first_present(b, {"_atom_site_type_symbol"});
  if (label_tag.empty() && type_tag.empty())
    c.fail("_atom_site_label",
           "missing (neither _atom_site_label nor _atom_site_type_symbol is given)");
  std::vector<std::string> tags = {"_atom_site_fract_x", "_atom_site_fract_y",
                                   "_atom_site_fract_z"};
  tags.push_back(label_tag.empty() ? type_tag : label_tag);
  tags.push_back(type_tag.empty() ? label_tag : type_tag);
  const bool has_occupancy = b.has_tag("_atom_site_occupancy");
  if (has_occupancy) tags.push_back("_atom_site_occupancy");
  const bool has_flag = b.has_tag("_atom_site_calc_flag");
  if (has_flag) tags.push_back("_atom_site_calc_flag");
  cif::Table table = b.find(tags);
  if (!table.ok()) c.fail("_atom_site_fract_x", "the atom site tags are not in one loop");
  const size_t flag_column = has_occupancy ? 6 : 5;
  std::vector<AsymmetricSite> out;
  int row_number = 0;
  for (auto row : table) {
    ++row_number;
    AsymmetricSite s;
    s.label = cif::as_string(row[3]);
    const std::string type = cif::as_string(row[4]);
    const std::string name = "row " + std::to_string(row_number) + " ('" + s.label + "')";
    if (is_dummy(type, has_flag ? cif::as_string(row[flag_column]) : "") ||
        (type_tag.empty() && is_dummy(s.label, ""))) {
      skipped.push_back(s.label);
      continue;
    }
    s.species = element_symbol(type);
    for (int i = 0; i < 3; ++i) {
      const double x = cif::as_number(row[i]);
      if (!std::isfinite(x)) c.fail(tags[i], name + ": expected a number, got '" + row[i] + "'");
      if (!(std::fabs(x) < 1e4)) c.fail(tags[i], name + ": '" + row[i] + "' is not a fractional coordinate");
      s.fractional[i] = x;
    }
    if (s.species.empty()) c.fail(tags[4], name + ": '" + row[4] + "' names no element");
    if (has_occupancy && !cif::is_null(row[5])) {
      s.occupancy = cif::as_number(row[5]);
      if (!(s.occupancy > 0 && s.occupancy <= 1.0001))
        c.fail("_atom_site_occupancy",
               name + ": expected a number in (0, 1], got '" + row[5] + "'");
    }
    out.push_back(s);
  }
  if (out.empty())
    c.fail("_atom_site_fract_x", skipped.empty() ? "the atom sites loop has no rows"
                                                 : "the atom sites loop has only dummy atoms");
  return out;
}

// One way of expanding the asymmetric unit, and what to call it in a note.
struct SymmetryCandidate {
  std::vector<gemmi::Op> ops;
  std::string name;
};

// How the file states its symmetry: one candidate, or two origin choices.
struct StatedSymmetry {
  std::vector<SymmetryCandidate> candidates;
  std::string tag;     // the tag it came from
  std::string stated;  // the value as written, for notes
};

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
bool hall_symbol_safe(const std::string& hall) {
  std::istringstream in(hall.substr(0, hall.find('(')));
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  for (size_t i = 1; i < tokens.size(); ++i) {  // tokens[0] is the lattice symbol
    std::string t = tokens[i];
    if (!t.empty() && t[0] == '-') t = t.substr(1);
    if (t.empty()) return false;
    bool subscript = false, axis = false, diagonal = false;
    for (size_t k = 1; k < t.size(); ++k) {
      subscript = subscript || (t[k] >= '1' && t[k] <= '5');
      axis = axis || t[k] == 'x' || t[k] == 'y' || t[k] == 'z';
      diagonal = diagonal || t[k] == '\'' || t[k] == '"' || t[k] == '*';
    }
    if (subscript && (diagonal || (!axis && i > 1))) return false;
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
std::string tag_on_line(const std::string& text, size_t line) {
  if (line == 0) return "";
  size_t start = 0;
  for (size_t n = 1; n < line && start != std::string::npos; ++n) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return "";
  start = text.find_first_not_of(" \t", start);
  if (start == std::string::npos || text[start] != '_') return "";
  const size_t end = text.find_first_of(" \t\r\n", start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

double wrap(double x) {
  x -= std::floor(x);
  return x >= 1.0 - 1e-12 ? 0.0 : x;
}

// One position of the expanded cell and what sits on it.
struct Placed {
  Vec3 f;
  std::string label, species;
  double occupancy;  // of the named occupant
  double total;      // of every occupant
  bool mobile;
  double mobile_occupancy = 0;    // of the mobile occupants
  double immobile_occupancy = 0;  // of the others
  std::string occupants;          // "Ti1/Li2" for a mixed position
};

// Every symmetry image of every site, folded into the cell; images that
// coincide (within kSameSite) are one site, whose species is the most
// occupied one on it. Coincident images are found through a grid of bins at
// least 0.5 Å wide, so a large cell costs no pairwise comparisons.
std::vector<Placed> expand(const std::vector<AsymmetricSite>& asym,
                           const std::vector<gemmi::Op>& ops, const Vec3 vectors[3],
                           const StructureImportOptions& options, CifContext& c) {
  auto mobile = [&](const std::string& species) {
    return std::find(options.mobile_species.begin(), options.mobile_species.end(), species) !=
           options.mobile_species.end();
  };
  int bins[3];
  for (int i = 0; i < 3; ++i)
    bins[i] = static_cast<int>(std::min(200.0, std::max(1.0, std::floor(plane_spacing(vectors, i) / 0.5))));
  auto key = [&](int i, int j, int k) {
    return (int64_t((k % bins[2] + bins[2]) % bins[2]) * bins[1] + (j % bins[1] + bins[1]) % bins[1]) *
               bins[0] + (i % bins[0] + bins[0]) % bins[0];
  };
  std::unordered_map<int64_t, std::vector<int>> grid;
  std::vector<Placed> sites;
  for (const AsymmetricSite& s : asym) {
    for (const gemmi::Op& op : ops) {
      const auto x = op.apply_to_xyz(s.fractional);
      const Vec3 f = {wrap(x[0]), wrap(x[1]), wrap(x[2])};
      const int b[3] = {std::min(bins[0] - 1, int(f.x * bins[0])),
                        std::min(bins[1] - 1, int(f.y * bins[1])),
                        std::min(bins[2] - 1, int(f.z * bins[2]))};
      Placed* same = nullptr;
      for (int i = -1; i <= 1 && !same; ++i)
        for (int j = -1; j <= 1 && !same; ++j)
          for (int k = -1; k <= 1 && !same; ++k) {
            auto it = grid.find(key(b[0] + i, b[1] + j, b[2] + k));
            if (it == grid.end()) continue;
            for (int q : it->second) {
              Placed& p = sites[q];
              Vec3 df = f - p.f;
              df = {df.x - std::round(df.x), df.y - std::round(df.y), df.z - std::round(df.z)};
              const Vec3 dr = df.x * vectors[0] + df.y * vectors[1] + df.z * vectors[2];
              if (norm(dr) < kSameSite) {
                same = &p;
                break;
              }
            }
          }
      if (!same) {
        if (sites.size() >= kMaxSites)
          c.fail("_atom_site_fract_x",
                 "the cell holds more than " + std::to_string(kMaxSites) + " atoms");
        grid[key(b[0], b[1], b[2])].push_back(static_cast<int>(sites.size()));
        const bool m = mobile(s.species);
        sites.push_back({f, s.label, s.species, s.occupancy, s.occupancy, m,
                         m ? s.occupancy : 0.0, m ? 0.0 : s.occupancy, s.label});
      } else if (same->label != s.label) {
        // Two atom-site rows on one position (mixed occupancy, e.g. Li/La on the
        // A site of LLTO): mobile when any occupant is (resolve_occupancy then
        // applies the threshold); named after the larger share.
        same->mobile = same->mobile || mobile(s.species);
        same->total += s.occupancy;
        (mobile(s.species) ? same->mobile_occupancy : same->immobile_occupancy) += s.occupancy;
        same->occupants += "/" + s.label;
        if (s.occupancy > same->occupancy) {
          same->label = s.label;
          same->species = s.species;
          same->occupancy = s.occupancy;
        }
      }
    }
  }
  return sites;
}

// What the occupancies mean for the hop network (docs/structures.md):
// 1. a position shared by mobile and immobile species is a hop site only when
//    its mobile occupancy reaches the threshold (Li 0.17 on the Ti site of a
//    spinel, 2 % Li in a transition-metal layer: host, not a path);
// 2. mobile positions closer than the split distance whose occupancies add
//    up to at most one are the split positions of one ion (NASICON, LATP,
//    garnet refinements): they become one site at their occupancy-weighted
//    centre, which holds at most one ion. Groups grow closest pair first and
//    only while every member stays within the split distance of every other
//    and the occupancies still add up to at most one, so neighbouring cages
//    never fuse. Hops inside a group were rattling: merged, they are gone.
std::vector<Placed> resolve_occupancy(std::vector<Placed> sites, const Vec3 vectors[3],
                                      const StructureImportOptions& options,
                                      const std::string& path) {
  // 1. Mixed positions below the threshold.
  std::vector<std::string> demoted;
  for (Placed& p : sites)
    if (p.mobile && p.immobile_occupancy > 0 &&
        p.mobile_occupancy < options.occupancy_threshold) {
      p.mobile = false;
      demoted.push_back(p.occupants);
    }
  if (!demoted.empty() && options.notes) {
    // Each kind of position once ("Li2/Ti1"), however many images it has.
    std::vector<std::string> kinds;
    for (const auto& k : demoted)
      if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
    std::string list;
    for (size_t i = 0; i < kinds.size() && i < 6; ++i) list += (i ? ", " : "") + kinds[i];
    if (kinds.size() > 6) list += ", ...";
    char threshold[32];
    std::snprintf(threshold, sizeof threshold, "%g", options.occupancy_threshold);
    options.notes->push_back(path + ": " + std::to_string(demoted.size()) +
                             " mixed position(s) with a mobile occupancy below " + threshold +
                             " are host sites, not hop sites (" + list + ")");
  }

  // 2. Split positions.
  if (!(options.split_distance > 0)) return sites;
  std::vector<int> mob;
  std::vector<Vec3> f;
  for (int i = 0; i < static_cast<int>(sites.size()); ++i)
    if (sites[i].mobile) {
      mob.push_back(i);
      f.push_back(sites[i].f);
    }
  if (mob.empty()) return sites;
  const double split = options.split_distance;
  auto cart = [&](Vec3 x) { return x.x * vectors[0] + x.y * vectors[1] + x.z * vectors[2]; };
  struct Pair {
    double length;
    int a, b;
    Vec3 image;  // fractional position of b's image next to a
  };
  std::vector<Pair> pairs;
  const PeriodicCellList list(vectors, 3, f, split);
  for (int a = 0; a < static_cast<int>(mob.size()); ++a)
    list.for_each_candidate(f[a], [&](int b, const std::array<int, 3>& o) {
      if (b <= a) return;
      const Vec3 image = f[b] + Vec3{double(o[0]), double(o[1]), double(o[2])};
      const double len = norm(cart(image - f[a]));
      if (len < split) pairs.push_back({len, a, b, image});
    });
  if (pairs.empty()) return sites;
  std::sort(pairs.begin(), pairs.end(), [](const Pair& p, const Pair& q) {
    return std::tie(p.length, p.a, p.b) < std::tie(q.length, q.a, q.b);
  });
  const int n = static_cast<int>(mob.size());
  std::vector<int> group(n);
  std::vector<std::vector<int>> members(n);
  std::vector<Vec3> pos = f;  // unwrapped, consistent within a group
  std::vector<double> occ(n);
  for (int i = 0; i < n; ++i) {
    group[i] = i;
    members[i] = {i};
    occ[i] = sites[mob[i]].mobile_occupancy;
  }
  for (const Pair& p : pairs) {
    const int ga = group[p.a], gb = group[p.b];
    if (ga == gb || occ[ga] + occ[gb] > 1.01) continue;
    // b's group moves so that b sits at its image next to a.
    const Vec3 shift = (pos[p.a] + (p.image - f[p.a])) - pos[p.b];
    bool compact = true;
    for (int x : members[ga])
      for (int y : members[gb])
        compact = compact && norm(cart(pos[y] + shift - pos[x])) < split;
    if (!compact) continue;
    for (int y : members[gb]) {
      pos[y] = pos[y] + shift;
      group[y] = ga;
      members[ga].push_back(y);
    }
    members[gb].clear();
    occ[ga] += occ[gb];
  }
  std::vector<bool> drop(sites.size(), false);
  int merged_positions = 0, groups = 0;
  for (int g = 0; g < n; ++g) {
    if (members[g].size() < 2) continue;
    ++groups;
    merged_positions += static_cast<int>(members[g].size());
    Vec3 centre{};
    double weight = 0;
    int named = members[g][0];
    for (int m : members[g]) {
      const double w = sites[mob[m]].mobile_occupancy;
      centre = centre + w * pos[m];
      weight += w;
      if (w > sites[mob[named]].mobile_occupancy) named = m;
      if (m != g) drop[mob[m]] = true;
    }
    centre = (1.0 / weight) * centre;
    Placed& keep = sites[mob[g]];
    keep.f = {wrap(centre.x), wrap(centre.y), wrap(centre.z)};
    keep.label = sites[mob[named]].label;
    keep.species = sites[mob[named]].species;
    keep.mobile_occupancy = weight;
  }
  std::vector<Placed> out;
  for (size_t i = 0; i < sites.size(); ++i)
    if (!drop[i]) out.push_back(sites[i]);
  if (groups > 0 && options.notes) {
    char d[32];
    std::snprintf(d, sizeof d, "%.2f", split);
    options.notes->push_back(path + ": " + std::to_string(merged_positions) +
                             " split positions of the mobile species (closer than " + d +
                             " A, occupancies adding up to at most 1) merged into " +
                             std::to_string(groups) + " sites that hold at most one ion each");
  }
  return out;
}

// Pairs of atoms closer than kClash that cannot both be present (their
// occupancies add up to more than one), and the closest such pair.
struct Clashes {
  int count = 0;
  double closest = 1e300;
  std::string between;
};

Clashes clashes(const std::vector<Placed>& sites, const Vec3 vectors[3]) {
  std::vector<Vec3> f;
  for (const Placed& p : sites) f.push_back(p.f);
  const PeriodicCellList list(vectors, 3, f, kClash);
  Clashes out;
  for (size_t a = 0; a < sites.size(); ++a)
    list.for_each_candidate(f[a], [&](int b, const std::array<int, 3>& o) {
      if (b <= static_cast<int>(a)) return;
      const Vec3 df = {f[b].x - f[a].x + o[0], f[b].y - f[a].y + o[1], f[b].z - f[a].z + o[2]};
      const double len = norm(df.x * vectors[0] + df.y * vectors[1] + df.z * vectors[2]);
      if (len >= kClash || sites[a].total + sites[b].total <= 1.01) return;
      ++out.count;
      if (len < out.closest) {
        out.closest = len;
        out.between = sites[a].label + " and " + sites[b].label;
      }
    });
  return out;
}

std::string format_length(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

// The data block that holds the atoms: the first with an atom-site loop
// (journal CIFs often put the publication data in a block of their own first).
cif::Block& structure_block(cif::Document& doc, const std::string& path,
                            const std::string& named, std::vector<std::string>* notes) {
  if (!named.empty()) {
    std::string names;
    for (cif::Block& b : doc.blocks) {
      if (b.name == named) return b;
      names += (names.empty() ? "" : ", ") + std::string("data_") + b.name;
    }
    throw InputError(path, "data_" + named + ": no such data block (lattice.cif_block; the file has " +
                               names + ")");
  }
  std::vector<cif::Block*> with_atoms;
  for (cif::Block& b : doc.blocks)
    if (b.has_tag("_atom_site_fract_x") || b.has_tag("_atom_site_label") ||
        b.has_tag("_atom_site_type_symbol"))
      with_atoms.push_back(&b);
  if (with_atoms.empty()) return doc.blocks.front();
  cif::Block& chosen = *with_atoms.front();
  if (notes && (&chosen != &doc.blocks.front() || with_atoms.size() > 1)) {
    std::string note = path + ": reading the atoms of data block 'data_" + chosen.name + "'";
    if (&chosen != &doc.blocks.front())
      note += " (the first block, 'data_" + doc.blocks.front().name + "', holds no atom sites)";
    if (with_atoms.size() > 1)
      note += "; " + std::to_string(with_atoms.size() - 1) +
              " later block(s) with atom sites are not read";
    notes->push_back(note);
  }
  return chosen;
}

}  // namespace

LatticeDescription read_cif_text(const std::string& path, const std::string& text,
                                 const StructureImportOptions& options) {
  cif::Document doc;
  try {
    doc = cif::read_memory(text.data(), text.size(), path.c_str());
  } catch (const tao::pegtl::parse_error& e) {
    const auto& pos = e.positions();
    const size_t line = pos.empty() ? 0 : pos.front().line;
    const std::string where = line ? path + ":" + std::to_string(line) : path;
    const std::string tag = tag_on_line(text, line);
    throw InputError(where,
                     (tag.empty() ? "" : tag + ": ") + "CIF syntax: " + std::string(e.message()));
  } catch (const std::exception& e) {
    // gemmi's own checks (duplicate tags, tags without values) name the line in the message.
    throw InputError(path, std::string("CIF: ") + e.what());
  }
  if (doc.blocks.empty()) throw InputError(path, "data_: the file has no data block");
  cif::Block& block = structure_block(doc, path, options.cif_block, options.notes);
  CifContext c(path, block);

  double lengths[3], angles[3];
  const char* length_tags[3] = {"_cell_length_a", "_cell_length_b", "_cell_length_c"};
  const char* angle_tags[3] = {"_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"};
  for (int i = 0; i < 3; ++i) {
    lengths[i] = c.pair_number(length_tags[i]);
    if (!(lengths[i] > 0 && lengths[i] < 1e4))
      c.fail(length_tags[i], "must be a length in (0, 10000) A");
    angles[i] = c.pair_number(angle_tags[i]);
    if (!(angles[i] > 0 && angles[i] < 180))
      c.fail(angle_tags[i], "must lie within (0, 180) degrees");
  }
  LatticeDescription d;
  d.name = "file";
  try {
    cell_vectors_from_parameters(lengths, angles, d.vectors);
  } catch (const std::invalid_argument& e) {
    c.fail("_cell_angle_alpha", e.what());
  }

  std::vector<std::string> dummies;
  const std::vector<AsymmetricSite> asym = read_atom_sites(c, dummies);
  if (!dummies.empty() && options.notes) {
    std::string list;
    for (const auto& l : dummies) list += (list.empty() ? "" : ", ") + l;
    options.notes->push_back(path + ": skipped " + std::to_string(dummies.size()) +
                             " dummy atom site(s) (" + list + ")");
  }
  const StatedSymmetry symmetry = read_symmetry(c, angles);

  std::vector<Placed> sites;
  if (symmetry.candidates.size() == 1) {
    sites = expand(asym, symmetry.candidates[0].ops, d.vectors, options, c);
  } else {
    // The name leaves the origin choice open: expand with each and keep the
    // one whose atoms do not clash (then: fewer atoms, the special positions
    // having merged; then origin choice 2, the centrosymmetric origin modern
    // programs write).
    std::vector<std::vector<Placed>> expanded;
    std::vector<Clashes> found;
    size_t best = 0;
    for (size_t i = 0; i < symmetry.candidates.size(); ++i) {
      expanded.push_back(expand(asym, symmetry.candidates[i].ops, d.vectors, options, c));
      found.push_back(clashes(expanded.back(), d.vectors));
      auto rank = [&](size_t k) {
        return std::make_tuple(found[k].count, expanded[k].size(), k == 0 ? 1 : 0);
      };
      if (rank(i) < rank(best)) best = i;
    }
    std::string note = path + ": " + symmetry.stated + " does not say which origin choice; using " +
                       symmetry.candidates[best].name;
    for (size_t i = 0; i < symmetry.candidates.size(); ++i) {
      if (i == best) continue;
      if (found[i].count > 0)
        note += " (" + symmetry.candidates[i].name + " would put " + found[i].between + " " +
                format_length(found[i].closest) + " A apart)";
      else
        note += " (" + symmetry.candidates[i].name + " also places the atoms without clashes, with " +
                std::to_string(expanded[i].size()) + " atoms against " +
                std::to_string(expanded[best].size()) + ")";
    }
    if (found[best].count > 0)
      note += "; even so " + found[best].between + " are " + format_length(found[best].closest) +
              " A apart";
    if (options.notes) options.notes->push_back(note);
    sites = std::move(expanded[best]);
  }
  sites = resolve_occupancy(std::move(sites), d.vectors, options, path);
  for (const Placed& p : sites) {
    d.basis.push_back({p.f, p.label, p.mobile, false, 0.0, p.species});
    d.basis.back().occupancy = p.mobile ? std::min(1.0, p.mobile_occupancy) : 0.0;
  }
  d.hop_cutoff = options.hop_cutoff;
  return d;
}

}  // namespace coatkmc
