// What the three parts of the CIF import share (CifReader.cpp reads the file,
// CifSymmetry.cpp the symmetry as the file states it, CifSites.cpp what the
// occupancies mean): internal to host/structure, not a public interface.
#pragma once

#include <gemmi/cif.hpp>
#include <gemmi/numb.hpp>
#include <gemmi/symmetry.hpp>

#include <array>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/core/Vec3.hpp"

namespace coatkmc::cif_import {

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

inline std::string first_present(cif::Block& b, std::initializer_list<const char*> tags) {
  for (const char* t : tags)
    if (b.has_tag(t)) return t;
  return "";
}

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline double wrap(double x) {
  x -= std::floor(x);
  return x >= 1.0 - 1e-12 ? 0.0 : x;
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


// The symmetry as the file states it (precedence in CifReader.cpp's header).
StatedSymmetry read_symmetry(CifContext& c, const double angles[3]);

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


// What the occupancies mean for the hop network (CifSites.cpp, docs/structures.md).
std::vector<Placed> resolve_occupancy(std::vector<Placed> sites, const Vec3 vectors[3],
                                      const StructureImportOptions& options,
                                      const std::string& path);

// Pairs of atoms closer than kClash that cannot both be present (their
// occupancies add up to more than one), and the closest such pair.
struct Clashes {
  int count = 0;
  double closest = 1e300;
  std::string between;
};

Clashes clashes(const std::vector<Placed>& sites, const Vec3 vectors[3]);

}  // namespace coatkmc::cif_import
