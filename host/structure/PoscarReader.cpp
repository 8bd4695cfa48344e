// VASP 5 POSCAR/CONTCAR import: comment, scale, three cell vectors, species
// names, counts, optional "Selective dynamics", Direct or Cartesian, one line
// per atom. Each problem names its line and what that line should hold.
// VASP 4 files have no names line: their species come from the comment line
// when it names exactly one element per count (with a note), else the error stays.
#include <gemmi/elem.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <vector>

#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

constexpr long kMaxAtoms = 1000000;

class PoscarLines {
 public:
  PoscarLines(const std::string& path, const std::string& text) : path_(path) {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      lines_.push_back(l);
    }
  }

  [[noreturn]] void fail(int line, const std::string& key, const std::string& what) const {
    throw InputError(path_ + ":" + std::to_string(line), key + ": " + what);
  }

  // The whitespace-separated words of line `n` (1-based); fails when the file ends before it.
  std::vector<std::string> words(int n, const std::string& key) const {
    if (n > static_cast<int>(lines_.size()))
      throw InputError(
          path_ + ":" + std::to_string(n),
          key + ": missing (the file ends after line " + std::to_string(lines_.size()) + ")");
    std::istringstream in(lines_[n - 1]);
    std::vector<std::string> out;
    std::string w;
    while (in >> w) {
      if (w[0] == '#' || w[0] == '!') break;
      out.push_back(w);
    }
    return out;
  }

  double number(const std::string& word, int line, const std::string& key) const {
    size_t used = 0;
    double x = 0;
    try {
      x = std::stod(word, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != word.size() || !std::isfinite(x))
      fail(line, key, "expected a number, got '" + word + "'");
    return x;
  }

  int size() const { return static_cast<int>(lines_.size()); }

 private:
  std::string path_;
  std::vector<std::string> lines_;
};

bool is_number_word(const std::string& w) {
  return !w.empty() && (std::isdigit(static_cast<unsigned char>(w[0])) || w[0] == '-' ||
                        w[0] == '+' || w[0] == '.');
}

// The element a comment-line word names, or "": "Li", "Li_sv", "Li2", "CO" -> "Co".
std::string named_element(const std::string& word) {
  size_t letters = 0;
  while (letters < word.size() && letters < 3 &&
         std::isalpha(static_cast<unsigned char>(word[letters])))
    ++letters;
  if (letters == 0 || letters > 2) return "";
  // After the symbol: nothing, a count ("Li2", "O0.5"), or a potential suffix ("_sv", "/...").
  const std::string rest = word.substr(letters);
  const bool count = !rest.empty() && rest.find_first_not_of("0123456789.") == std::string::npos;
  if (!rest.empty() && !count && rest[0] != '_' && rest[0] != '/') return "";
  const std::string symbol = element_symbol(word.substr(0, letters));
  const gemmi::El el = gemmi::find_element(symbol.c_str());
  if (el == gemmi::El::X) return "";
  // gemmi reads "D" as deuterium; a POSCAR means the element.
  return symbol == "D" ? "H" : symbol;
}

}  // namespace

LatticeDescription read_poscar_text(const std::string& path, const std::string& text,
                                    const StructureImportOptions& options) {
  const PoscarLines p(path, text);
  LatticeDescription d;
  d.name = "file";

  const auto scale_words = p.words(2, "scale");
  if (scale_words.empty()) p.fail(2, "scale", "missing (line 2 holds the scale factor)");
  if (scale_words.size() != 1 && scale_words.size() != 3)
    p.fail(2, "scale", "expected one number (or three), got " + std::to_string(scale_words.size()));
  double scale[3];
  for (size_t i = 0; i < 3; ++i)
    scale[i] = p.number(scale_words[scale_words.size() == 1 ? 0 : i], 2, "scale");
  if (scale_words.size() == 3 && std::any_of(scale, scale + 3, [](double s) { return !(s > 0); }))
    p.fail(2, "scale", "three scale factors must all be positive");
  if (scale[0] == 0) p.fail(2, "scale", "must not be zero");

  for (int i = 0; i < 3; ++i) {
    const int line = 3 + i;
    const std::string key = "lattice vector " + std::to_string(i + 1);
    const auto w = p.words(line, key);
    if (w.size() < 3) p.fail(line, key, "expected three numbers, got " + std::to_string(w.size()));
    d.vectors[i] = {p.number(w[0], line, key), p.number(w[1], line, key),
                    p.number(w[2], line, key)};
  }
  double volume = dot(d.vectors[0], cross(d.vectors[1], d.vectors[2]));
  if (!(std::fabs(volume) > 1e-6))
    p.fail(5, "lattice vector 3", "the three vectors span no volume");
  // One scale multiplies everything; a negative one is the cell volume (VASP's
  // convention); three scale the x, y and z components.
  Vec3 factor = {scale[0], scale[1], scale[2]};
  if (scale_words.size() == 1 && scale[0] < 0) {
    const double f = std::cbrt(-scale[0] / std::fabs(volume));
    factor = {f, f, f};
  }
  auto scaled = [&](Vec3 v) { return Vec3{v.x * factor.x, v.y * factor.y, v.z * factor.z}; };
  for (int i = 0; i < 3; ++i) d.vectors[i] = scaled(d.vectors[i]);
  volume = dot(d.vectors[0], cross(d.vectors[1], d.vectors[2]));

  const auto names = p.words(6, "species");
  if (names.empty()) p.fail(6, "species", "missing (line 6 names the elements, VASP 5 format)");
  std::vector<std::string> species;
  int counts_line = 7;
  if (is_number_word(names[0])) {
    // VASP 4: line 6 holds the counts; the comment line may name the species.
    counts_line = 6;
    std::istringstream comment(text.substr(0, text.find('\n')));
    std::vector<std::string> named;
    for (std::string w; comment >> w;) {
      const std::string e = named_element(w);
      if (e.empty()) {
        named.clear();
        break;
      }
      named.push_back(e);
    }
    if (named.empty() || named.size() != names.size())
      p.fail(6, "species",
             "line 6 holds counts, not element names (VASP 4 format), and the comment line "
             "does not name one element per count: add a line of element names before the "
             "counts");
    species = named;
    if (options.notes) {
      std::string list;
      for (const auto& e : species) list += (list.empty() ? "" : " ") + e;
      options.notes->push_back(path + ": VASP 4 file (no line of element names): species " +
                               list + " taken from the comment line");
    }
  } else {
    for (const auto& n : names) {
      // "Li_sv" and "Li/..." (potential labels) name the element before the separator.
      const std::string e = element_symbol(n);
      if (e.empty()) p.fail(6, "species", "'" + n + "' names no element");
      species.push_back(e);
    }
  }
  const auto counts_words = p.words(counts_line, "counts");
  if (counts_words.size() != species.size())
    p.fail(counts_line, "counts",
           "expected " + std::to_string(species.size()) + " counts (one per species), got " +
               std::to_string(counts_words.size()));
  std::vector<long> counts;
  long total = 0;
  for (const auto& w : counts_words) {
    const double x = p.number(w, counts_line, "counts");
    if (!(x >= 1 && x <= kMaxAtoms && x == std::floor(x)))
      p.fail(counts_line, "counts",
             "expected a whole number of atoms in [1, " + std::to_string(kMaxAtoms) + "], got '" +
                 w + "'");
    counts.push_back(static_cast<long>(x));
    total += counts.back();
  }
  if (total > kMaxAtoms)
    p.fail(counts_line, "counts", "more than " + std::to_string(kMaxAtoms) + " atoms");

  int line = counts_line + 1;
  auto mode = p.words(line, "coordinate mode");
  if (!mode.empty() && (mode[0][0] == 'S' || mode[0][0] == 's'))
    mode = p.words(++line, "coordinate mode");
  if (mode.empty()) p.fail(line, "coordinate mode", "missing (expected Direct or Cartesian)");
  const char m = static_cast<char>(std::tolower(static_cast<unsigned char>(mode[0][0])));
  if (m != 'd' && m != 'c' && m != 'k')
    p.fail(line, "coordinate mode", "expected Direct or Cartesian, got '" + mode[0] + "'");
  const bool cartesian = m != 'd';

  const std::vector<std::string> wanted = options.mobile_species;
  for (size_t sp = 0, atom = 0; sp < species.size(); ++sp) {
    const bool mobile = std::find(wanted.begin(), wanted.end(), species[sp]) != wanted.end();
    for (long n = 0; n < counts[sp]; ++n, ++atom) {
      const int l = line + 1 + static_cast<int>(atom);
      const std::string key = "position " + std::to_string(atom + 1);
      const auto w = p.words(l, key);
      if (w.size() < 3)
        p.fail(l, key, "expected three coordinates, got " + std::to_string(w.size()));
      Vec3 x = {p.number(w[0], l, key), p.number(w[1], l, key), p.number(w[2], l, key)};
      if (cartesian) {
        // Scaled like the cell, then fractional by Cramer's rule.
        const Vec3 r = scaled(x);
        const Vec3* a = d.vectors;
        x = {dot(r, cross(a[1], a[2])) / volume, dot(a[0], cross(r, a[2])) / volume,
             dot(a[0], cross(a[1], r)) / volume};
      }
      x = {x.x - std::floor(x.x), x.y - std::floor(x.y), x.z - std::floor(x.z)};
      for (double* c : {&x.x, &x.y, &x.z})
        if (*c >= 1.0 - 1e-12) *c = 0.0;
      d.basis.push_back({x, species[sp], mobile, false, 0.0, species[sp]});
    }
  }
  d.hop_cutoff = options.hop_cutoff;
  return d;
}

}  // namespace coatkmc
