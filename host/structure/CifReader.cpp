// CIF import through gemmi (Debian gemmi-dev): gemmi parses the file and knows
// the space groups; this file turns the cell, the atom sites and the symmetry
// into a LatticeDescription, naming the tag and line of whatever is wrong.
#include <gemmi/cif.hpp>
#include <gemmi/numb.hpp>
#include <gemmi/symmetry.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

namespace cif = gemmi::cif;

// Images closer than this (Å) are one site: symmetry copies of a special
// position, or two species sharing a site (mixed occupancy).
constexpr double kSameSite = 0.01;
// Images are compared pairwise: keep the cell to what that handles quickly.
constexpr size_t kMaxSites = 20000;

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

std::vector<AsymmetricSite> read_atom_sites(CifContext& c) {
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
  cif::Table table = b.find(tags);
  if (!table.ok()) c.fail("_atom_site_fract_x", "the atom site tags are not in one loop");
  std::vector<AsymmetricSite> out;
  int row_number = 0;
  for (auto row : table) {
    ++row_number;
    AsymmetricSite s;
    s.label = cif::as_string(row[3]);
    s.species = element_symbol(cif::as_string(row[4]));
    const std::string name = "row " + std::to_string(row_number) + " ('" + s.label + "')";
    for (int i = 0; i < 3; ++i) {
      const double x = cif::as_number(row[i]);
      if (!std::isfinite(x)) c.fail(tags[i], name + ": expected a number, got '" + row[i] + "'");
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
  if (out.empty()) c.fail("_atom_site_fract_x", "the atom sites loop has no rows");
  return out;
}

// The symmetry operations: the listed ones, else those of the named space group.
std::vector<gemmi::Op> read_symmetry(CifContext& c) {
  cif::Block& b = c.block();
  const std::string op_tag =
      first_present(b, {"_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz"});
  std::vector<gemmi::Op> ops;
  if (!op_tag.empty()) {
    for (const std::string& raw : b.find_values(op_tag)) {
      const std::string triplet = cif::as_string(raw);
      try {
        ops.push_back(gemmi::parse_triplet(triplet));
      } catch (const std::exception&) {
        c.fail(op_tag,
               "'" + triplet + "' is not a symmetry operation like 'x,y,z' or '-y,x-y,z+1/3'");
      }
    }
    if (ops.empty()) c.fail(op_tag, "lists no operation");
    return ops;
  }
  const std::string name_tag =
      first_present(b, {"_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M"});
  if (name_tag.empty())
    c.fail("_space_group_symop_operation_xyz",
           "missing (give the symmetry operations or _space_group_name_H-M_alt; 'P 1' for none)");
  const std::string name = cif::as_string(*b.find_value(name_tag));
  const gemmi::SpaceGroup* sg = gemmi::find_spacegroup_by_name(name);
  if (!sg) c.fail(name_tag, "unknown space group '" + name + "'");
  for (const gemmi::Op& op : sg->operations()) ops.push_back(op);
  return ops;
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
  cif::Block& block = doc.blocks.front();
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

  const std::vector<AsymmetricSite> asym = read_atom_sites(c);
  const std::vector<gemmi::Op> ops = read_symmetry(c);

  // Every symmetry image of every site, folded into the cell; images that
  // coincide are one site, whose species is the most occupied one on it.
  struct Placed {
    Vec3 f;
    std::string label, species;
    double occupancy;
    bool mobile;
  };
  std::vector<Placed> sites;
  auto mobile = [&](const std::string& species) {
    return std::find(options.mobile_species.begin(), options.mobile_species.end(), species) !=
           options.mobile_species.end();
  };
  for (const AsymmetricSite& s : asym) {
    for (const gemmi::Op& op : ops) {
      const auto x = op.apply_to_xyz(s.fractional);
      const Vec3 f = {wrap(x[0]), wrap(x[1]), wrap(x[2])};
      Placed* same = nullptr;
      for (Placed& p : sites) {
        Vec3 df = f - p.f;
        df = {df.x - std::round(df.x), df.y - std::round(df.y), df.z - std::round(df.z)};
        const Vec3 dr = df.x * d.vectors[0] + df.y * d.vectors[1] + df.z * d.vectors[2];
        if (norm(dr) < kSameSite) {
          same = &p;
          break;
        }
      }
      if (!same) {
        if (sites.size() >= kMaxSites)
          c.fail("_atom_site_fract_x",
                 "the cell holds more than " + std::to_string(kMaxSites) + " atoms");
        sites.push_back({f, s.label, s.species, s.occupancy, mobile(s.species)});
      } else if (same->label != s.label) {
        // Two atom-site rows on one position (mixed occupancy, e.g. Li/La on the
        // A site of LLTO): mobile when any occupant is; named after the larger share.
        same->mobile = same->mobile || mobile(s.species);
        if (s.occupancy > same->occupancy) {
          same->label = s.label;
          same->species = s.species;
          same->occupancy = s.occupancy;
        }
      }
    }
  }
  for (const Placed& p : sites) d.basis.push_back({p.f, p.label, p.mobile, false, 0.0, p.species});
  d.hop_cutoff = options.hop_cutoff;
  return d;
}

}  // namespace coatkmc
