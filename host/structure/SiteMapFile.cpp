// DIR/site_map.txt: a line-oriented text, fast to read for cells of 10^5
// atoms (a JSON library takes as long to parse it as the CIF import it
// replaces) and exact: every number is written in the shortest form that
// reads back to the same double (std::to_chars), so a run from the map builds
// the same lattice bit for bit. Format: docs/structures.md "Site maps".
#include "host/structure/SiteMapFile.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>

#include "kmc/core/Sha256.hpp"

namespace coatkmc {

namespace {

constexpr const char* kMagic = "coatkmc site map ";

std::string number_text(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

// A string in double quotes: \" \\ and \xHH for control bytes; other bytes as they are.
std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      q += '\\';
      q += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      q += buf;
    } else {
      q += c;
    }
  }
  return q + "\"";
}

// Reads the words of one line: bare words, numbers and quoted strings.
class LineReader {
 public:
  LineReader(std::string_view line, int number) : rest_(line), line_(number) {}

  [[noreturn]] void fail(const std::string& what) const { throw SiteMapError(line_, what); }

  bool done() {
    skip_blanks();
    return rest_.empty();
  }
  std::string_view word() {
    skip_blanks();
    size_t n = 0;
    while (n < rest_.size() && rest_[n] != ' ' && rest_[n] != '\t') ++n;
    if (n == 0) fail("a value is missing");
    const std::string_view w = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return w;
  }
  double number(const char* what) { return number(word(), what); }
  double number(std::string_view w, const char* what) const {
    double x = 0;
    const auto r = std::from_chars(w.data(), w.data() + w.size(), x);
    if (r.ec != std::errc() || r.ptr != w.data() + w.size() || !std::isfinite(x))
      fail(std::string(what) + ": expected a finite number, not '" + std::string(w) + "'");
    return x;
  }
  long integer(const char* what, long lo, long hi) {
    const std::string_view w = word();
    long x = 0;
    const auto r = std::from_chars(w.data(), w.data() + w.size(), x);
    if (r.ec != std::errc() || r.ptr != w.data() + w.size() || x < lo || x > hi)
      fail(std::string(what) + ": expected an integer in [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "], not '" + std::string(w) + "'");
    return x;
  }
  bool flag(const char* what) { return integer(what, 0, 1) == 1; }
  std::string string(const char* what) {
    skip_blanks();
    if (rest_.empty() || rest_[0] != '"') fail(std::string(what) + ": expected a quoted string");
    std::string s;
    size_t i = 1;
    for (;; ++i) {
      if (i >= rest_.size()) fail(std::string(what) + ": the string has no closing quote");
      const char c = rest_[i];
      if (c == '"') break;
      if (c != '\\') {
        s += c;
        continue;
      }
      if (++i >= rest_.size()) fail(std::string(what) + ": the string has no closing quote");
      if (rest_[i] == '"' || rest_[i] == '\\') {
        s += rest_[i];
      } else if (rest_[i] == 'x' && i + 2 < rest_.size()) {
        unsigned v = 0;
        const auto r = std::from_chars(rest_.data() + i + 1, rest_.data() + i + 3, v, 16);
        if (r.ptr != rest_.data() + i + 3) fail(std::string(what) + ": bad \\x escape");
        s += static_cast<char>(v);
        i += 2;
      } else {
        fail(std::string(what) + ": unknown escape in the string");
      }
    }
    rest_.remove_prefix(i + 1);
    return s;
  }
  void end(const char* what) {
    if (!done()) fail(std::string(what) + ": unexpected '" + std::string(word()) + "' at the end");
  }

 private:
  void skip_blanks() {
    while (!rest_.empty() && (rest_[0] == ' ' || rest_[0] == '\t' || rest_[0] == '\r'))
      rest_.remove_prefix(1);
  }
  std::string_view rest_;
  int line_;
};

// The text's lines, one at a time, with their numbers; '#' lines are comments.
class Lines {
 public:
  explicit Lines(const std::string& text) : text_(text) {}
  // The next line that is not a comment; false at the end of the text.
  bool next(std::string_view& line) {
    while (pos_ < text_.size()) {
      size_t end = text_.find('\n', pos_);
      if (end == std::string::npos) end = text_.size();
      line = std::string_view(text_).substr(pos_, end - pos_);
      pos_ = end + 1;
      ++number_;
      if (line.empty() || line[0] != '#') return true;
    }
    return false;
  }
  int number() const { return number_; }

 private:
  const std::string& text_;
  size_t pos_ = 0;
  int number_ = 0;
};

}  // namespace

std::string sha256_of_source(const StructureImport& import) {
  if (!import.source_text) throw std::logic_error("sha256_of_source: no source text kept");
  return sha256_hex(*import.source_text);
}

std::string site_map_text(const StructureImport& import, const LatticeDescription& d,
                          const std::string& written_by) {
  const StructureImportOptions& o = import.options;
  std::ostringstream os;
  os << kMagic << kSiteMapFormat << "\n"
     << "# The sites of one cell of a structure file as coatkmc imported them: `coatkmc run` takes\n"
     << "# them through lattice.site_map instead of importing the file again, when the file's\n"
     << "# SHA-256 and the import keys below match (docs/structures.md \"Site maps\").\n"
     << "written_by " << quoted(written_by) << "\n"
     << "import_rules " << kStructureImportRules << "\n"
     << "source_file " << quoted(import.source_file) << "\n"
     << "source_sha256 " << sha256_of_source(import) << "\n"
     << "mobile";
  for (const std::string& m : o.mobile_species) os << ' ' << quoted(m);
  os << "\nsplit_distance_angstrom " << number_text(o.split_distance) << "\n"
     << "occupancy_threshold " << number_text(o.occupancy_threshold) << "\n"
     << "cif_block " << quoted(o.cif_block) << "\n";
  if (import.cutoff_chosen)
    os << "default_cutoff_angstrom " << number_text(import.default_cutoff) << "\n"
       << "default_cutoff_note " << quoted(import.cutoff_explanation) << "\n";
  else
    os << "default_cutoff_angstrom none\n";
  for (const std::string& n : import.notes) os << "note " << quoted(n) << "\n";
  os << "name " << quoted(d.name) << "\n"
     << "dimension " << d.dimension << "\n";
  for (const Vec3& v : d.vectors)
    os << "vector_angstrom " << number_text(v.x) << ' ' << number_text(v.y) << ' '
       << number_text(v.z) << "\n";
  os << "sites " << d.basis.size() << "\n"
     << "# fractional_x fractional_y fractional_z mobile transition energy_eV occupancy "
        "sublattice species\n";
  for (const BasisSite& b : d.basis)
    os << number_text(b.fractional.x) << ' ' << number_text(b.fractional.y) << ' '
       << number_text(b.fractional.z) << ' ' << int(b.mobile) << ' ' << int(b.transition) << ' '
       << number_text(b.energy) << ' ' << number_text(b.occupancy) << ' ' << quoted(b.sublattice)
       << ' ' << quoted(b.species) << "\n";
  os << "end\n";
  return os.str();
}

StructureSiteMap parse_site_map(const std::string& text) {
  Lines lines(text);
  std::string_view line;
  const std::string magic = kMagic;
  if (!lines.next(line) || line.substr(0, magic.size()) != magic)
    throw SiteMapError(1, "not a site map written by coatkmc structure (its first line is '" +
                              magic + std::to_string(kSiteMapFormat) + "')");
  {
    LineReader r(line.substr(magic.size()), lines.number());
    const long format = r.integer("format", 0, 1 << 30);
    if (format != kSiteMapFormat)
      r.fail("format " + std::to_string(format) + " is not the format " +
             std::to_string(kSiteMapFormat) + " this coatkmc reads");
  }
  StructureSiteMap m;
  std::vector<std::string> seen;
  auto once = [&](const std::string& key, const LineReader& r) {
    for (const auto& s : seen)
      if (s == key) r.fail(key + ": given twice");
    seen.push_back(key);
  };
  int vectors = 0;
  long sites = -1;
  while (sites < 0) {
    if (!lines.next(line)) throw SiteMapError(lines.number(), "the file ends before 'sites'");
    LineReader r(line, lines.number());
    const std::string key(r.word());
    if (key == "note") {
      m.notes.push_back(r.string("note"));
    } else if (key == "vector_angstrom") {
      if (vectors == 3) r.fail("vector_angstrom: more than three");
      Vec3& v = m.lattice.vectors[vectors++];
      v.x = r.number("vector_angstrom");
      v.y = r.number("vector_angstrom");
      v.z = r.number("vector_angstrom");
    } else {
      once(key, r);
      if (key == "written_by") {
        m.written_by = r.string("written_by");
      } else if (key == "import_rules") {
        m.import_rules = static_cast<int>(r.integer("import_rules", 0, 1 << 30));
      } else if (key == "source_file") {
        m.source_file = r.string("source_file");
      } else if (key == "source_sha256") {
        m.source_sha256 = std::string(r.word());
        if (m.source_sha256.size() != 64 ||
            m.source_sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
          r.fail("source_sha256: expected 64 lowercase hex digits");
      } else if (key == "mobile") {
        m.options.mobile_species.clear();
        while (!r.done()) m.options.mobile_species.push_back(r.string("mobile"));
        if (m.options.mobile_species.empty()) r.fail("mobile: no element given");
      } else if (key == "split_distance_angstrom") {
        m.options.split_distance = r.number("split_distance_angstrom");
      } else if (key == "occupancy_threshold") {
        m.options.occupancy_threshold = r.number("occupancy_threshold");
      } else if (key == "cif_block") {
        m.options.cif_block = r.string("cif_block");
      } else if (key == "default_cutoff_angstrom") {
        const std::string_view w = r.word();
        m.cutoff_chosen = w != "none";
        if (m.cutoff_chosen) {
          m.default_cutoff = r.number(w, "default_cutoff_angstrom");
          if (!(m.default_cutoff > 0)) r.fail("default_cutoff_angstrom: must be positive");
        }
      } else if (key == "default_cutoff_note") {
        m.cutoff_explanation = r.string("default_cutoff_note");
      } else if (key == "name") {
        m.lattice.name = r.string("name");
      } else if (key == "dimension") {
        m.lattice.dimension = static_cast<int>(r.integer("dimension", 2, 3));
      } else if (key == "sites") {
        sites = r.integer("sites", 1, 1L << 31);
      } else {
        r.fail("unknown key '" + key + "'");
      }
    }
    r.end(key.c_str());
  }
  for (const char* key : {"written_by", "import_rules", "source_file", "source_sha256", "mobile",
                          "split_distance_angstrom", "occupancy_threshold", "cif_block",
                          "default_cutoff_angstrom", "name", "dimension"}) {
    bool found = false;
    for (const auto& s : seen) found |= s == key;
    if (!found) throw SiteMapError(lines.number(), std::string(key) + ": missing before 'sites'");
  }
  if (vectors != 3) throw SiteMapError(lines.number(), "vector_angstrom: three are needed");
  if (m.cutoff_chosen && m.cutoff_explanation.empty())
    throw SiteMapError(lines.number(), "default_cutoff_note: missing");

  m.lattice.basis.reserve(static_cast<size_t>(sites));
  for (long i = 0; i < sites; ++i) {
    if (!lines.next(line))
      throw SiteMapError(lines.number(), "the file ends after " + std::to_string(i) + " of " +
                                             std::to_string(sites) + " sites");
    LineReader r(line, lines.number());
    BasisSite b;
    b.fractional.x = r.number("fractional_x");
    b.fractional.y = r.number("fractional_y");
    b.fractional.z = r.number("fractional_z");
    b.mobile = r.flag("mobile");
    b.transition = r.flag("transition");
    b.energy = r.number("energy_eV");
    b.occupancy = r.number("occupancy");
    b.sublattice = r.string("sublattice");
    b.species = r.string("species");
    r.end("site");
    m.lattice.basis.push_back(std::move(b));
  }
  // The last line says the map is whole (atomic writes make a cut file
  // unlikely, a copy cut short by a full disk does not).
  if (!lines.next(line) || line != "end")
    throw SiteMapError(lines.number(), "expected 'end' after the " + std::to_string(sites) +
                                           " sites");
  if (lines.next(line)) throw SiteMapError(lines.number(), "text after 'end'");
  return m;
}

std::vector<std::string> site_map_differences(const StructureSiteMap& map, const StructureImport& now) {
  std::vector<std::string> diffs;
  if (map.import_rules != kStructureImportRules)
    diffs.push_back("import rules " + std::to_string(map.import_rules) + " there, " +
                    std::to_string(kStructureImportRules) + " in this coatkmc");
  if (map.source_sha256 != sha256_of_source(now))
    diffs.push_back("the SHA-256 of '" + now.source_file + "' (the file changed since the map " +
                    "was written from '" + map.source_file + "')");
  const StructureImportOptions& a = map.options;
  const StructureImportOptions& b = now.options;
  auto list = [](const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
    return s + "]";
  };
  if (a.mobile_species != b.mobile_species)
    diffs.push_back("lattice.mobile " + list(a.mobile_species) + " there, " +
                    list(b.mobile_species) + " here");
  if (a.split_distance != b.split_distance)
    diffs.push_back("lattice.split_distance " + number_text(a.split_distance) + " there, " +
                    number_text(b.split_distance) + " here");
  if (a.occupancy_threshold != b.occupancy_threshold)
    diffs.push_back("lattice.occupancy_threshold " + number_text(a.occupancy_threshold) +
                    " there, " + number_text(b.occupancy_threshold) + " here");
  if (a.cif_block != b.cif_block)
    diffs.push_back("lattice.cif_block \"" + a.cif_block + "\" there, \"" + b.cif_block +
                    "\" here");
  return diffs;
}

}  // namespace coatkmc
