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

#include "host/structure/CifImport.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/CellList.hpp"

namespace coatkmc {

namespace {

using namespace cif_import;

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
