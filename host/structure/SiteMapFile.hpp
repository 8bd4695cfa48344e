#pragma once
// The site map of an imported structure file (DIR/site_map.txt, written by
// `coatkmc structure`): the sites of one cell exactly as the import made them
// (every number written so it reads back to the same double), with what they
// were made from: the structure file's SHA-256, the keys that change what a
// file imports to, and the version of the import rules. `run` takes it through
// lattice.site_map instead of reading, expanding and merging the file again,
// and only when all of these match (docs/structures.md "Site maps").
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/structure/StructureFile.hpp"
#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// Version of the format of site_map.txt (its first line: "coatkmc site map 1").
constexpr int kSiteMapFormat = 1;

// What a structure file was imported from and with (LoadedConfig::structure_import).
struct StructureImport {
  std::string source_file;  // lattice.file as the configuration gives it
  // The file's bytes, shared rather than copied; hashed only when a site map
  // is written or checked (SHA-256 costs ~10 ms per MB).
  std::shared_ptr<const std::string> source_text;
  StructureImportOptions options;  // the import keys (notes unused)
  std::vector<std::string> notes;  // what the reader decided on the file's behalf
  // The default hop cutoff (lattice.cutoff = 0) chosen for these sites, and the
  // note that says why; not chosen when the configuration gave a cutoff.
  bool cutoff_chosen = false;
  double default_cutoff = 0;  // Å
  std::string cutoff_explanation;
  std::string site_map;  // the site map the sites came from; empty: from the file
};

// A site map as read back.
struct StructureSiteMap {
  std::string written_by;  // program version that wrote it (not checked)
  int import_rules = 0;
  std::string source_file;
  std::string source_sha256;
  StructureImportOptions options;
  std::vector<std::string> notes;
  bool cutoff_chosen = false;
  double default_cutoff = 0;  // Å
  std::string cutoff_explanation;
  LatticeDescription lattice;  // hop_cutoff 0: the configuration sets it
};

// A malformed site map: `line` of the map (0: the whole file), what is wrong.
class SiteMapError : public std::runtime_error {
 public:
  SiteMapError(int line, const std::string& what) : std::runtime_error(what), line(line) {}
  int line;
};

// SHA-256 (64 hex digits) of the structure file's bytes.
std::string sha256_of_source(const StructureImport& import);

// The text of DIR/site_map.txt for `sites` (a structure file's import, before
// the hop cutoff is applied: hop_cutoff and hop_rules are not written).
std::string site_map_text(const StructureImport& import, const LatticeDescription& sites,
                          const std::string& written_by);

// Parses a site map; throws SiteMapError for anything malformed or of another format version.
StructureSiteMap parse_site_map(const std::string& text);

// What differs between a site map and an import about to be made (the file's
// SHA-256, each import key, the import rules), one phrase each; empty: the
// map holds exactly what importing would give.
std::vector<std::string> site_map_differences(const StructureSiteMap& map, const StructureImport& now);

}  // namespace coatkmc
