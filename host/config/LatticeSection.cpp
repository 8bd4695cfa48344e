#include "host/config/ConfigSections.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "kmc/core/Error.hpp"
#include "host/structure/SiteMapFile.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/lattice/HopNetwork.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/simulation/GeometryCheck.hpp"

namespace coatkmc::config {

namespace {

// Which key a geometry problem belongs to: the cells when they are given, else
// the cutoff when it is given; a cutoff problem to the cutoff, else the type.
std::string geometry_key(const GeometryProblem& p, const Validator& v) {
  if (p.cause == GeometryProblem::Cause::Cells) {
    if (!v.has("lattice.cells") && v.has("lattice.cutoff")) return "lattice.cutoff";
    return "lattice.cells";
  }
  return v.has("lattice.cutoff") ? "lattice.cutoff" : "lattice.type";
}

// lattice.site_map: the sites `coatkmc structure` imported from the same file
// with the same keys (docs/structures.md "Site maps"), or exit 2 naming what
// differs. Refused rather than imported afresh: the map was asked for to save
// the import, and a stale one means the file or a key changed since, which
// the user should know.
LatticeDescription sites_from_site_map(Validator& v, LoadedConfig& cfg) {
  constexpr std::uintmax_t kMaxSiteMapBytes = std::uintmax_t(256) << 20;
  auto str = v.node("lattice.site_map")->as_string();
  if (!str || str->get().empty())
    v.fail("lattice.site_map", "expected the path of a site map (DIR/site_map.txt of coatkmc structure)");
  const std::string path = config_path(v, cfg, "lattice.site_map", str->get()).string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    v.fail("lattice.site_map", "no such file '" + path + "'");
  if (std::filesystem::file_size(path, ec) > kMaxSiteMapBytes)
    v.fail("lattice.site_map", "'" + path + "' is larger than 256 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) v.fail("lattice.site_map", "cannot read '" + path + "'");
  StructureSiteMap map;
  try {
    map = parse_site_map(text.str());
  } catch (const SiteMapError& e) {
    v.fail("lattice.site_map", "'" + path + "'" + (e.line ? " line " + std::to_string(e.line) : "") +
                                   ": " + e.what());
  }
  StructureImport& now = cfg.structure_import;
  const std::vector<std::string> diffs = site_map_differences(map, now);
  if (!diffs.empty()) {
    std::string list;
    for (const std::string& d : diffs) list += (list.empty() ? "" : "; ") + d;
    v.fail("lattice.site_map", "'" + path + "' does not hold what importing '" + now.source_file +
                                   "' gives now: " + list +
                                   " (run coatkmc structure again to write it afresh, or drop "
                                   "lattice.site_map)");
  }
  now.notes = map.notes;
  now.site_map = path;
  now.cutoff_chosen = map.cutoff_chosen;
  now.default_cutoff = map.default_cutoff;
  now.cutoff_explanation = map.cutoff_explanation;
  return std::move(map.lattice);
}

}  // namespace

// The lattice of [lattice]: a textbook lattice, a built-in oxide
// (docs/structures.md) or a structure file; keys that do not apply to the
// chosen type are errors rather than silently ignored.
LatticeDescription read_lattice(Validator& v, LoadedConfig& cfg) {
  std::vector<std::string> types = textbook_lattice_names();
  for (const auto& t : oxide_lattice_names()) types.push_back(t);
  types.push_back("file");
  const std::string type = v.choice("lattice.type", "sc", types);
  cfg.lattice_type = type;
  const bool oxide = std::find(oxide_lattice_names().begin(), oxide_lattice_names().end(), type) !=
                     oxide_lattice_names().end();
  auto only_for = [&](const std::string& key, bool applies, const std::string& which) {
    if (v.has(key) && !applies) v.fail(key, "applies only to " + which + ", not to '" + type + "'");
  };
  only_for("lattice.c", type == "layered", "lattice.type = \"layered\"");
  only_for("lattice.ordering", type == "perovskite" || type == "rocksalt",
           "the perovskite and rocksalt lattices");
  only_for("lattice.transition_energy", type == "spinel" || type == "rocksalt" || type == "layered",
           "lattices with transition sites (spinel, rocksalt, layered)");
  only_for("lattice.direct_hop_barrier", type == "rocksalt" || type == "layered",
           "the rocksalt and layered lattices");
  only_for("lattice.file", type == "file", "lattice.type = \"file\"");
  only_for("lattice.mobile", type == "file", "lattice.type = \"file\"");
  only_for("lattice.split_distance", type == "file", "lattice.type = \"file\"");
  only_for("lattice.occupancy_threshold", type == "file", "lattice.type = \"file\"");
  only_for("lattice.cif_block", type == "file", "lattice.type = \"file\"");
  only_for("lattice.site_map", type == "file", "lattice.type = \"file\"");
  only_for("lattice.a", type != "file", "built-in lattices (a structure file sets its own cell)");

  LatticeDescription d;
  if (type == "file") {
    const toml::node* n = v.node("lattice.file");
    if (!n) v.fail("lattice.type", "\"file\" needs lattice.file, the CIF or POSCAR to read");
    auto str = n->as_string();
    if (!str || str->get().empty()) v.fail("lattice.file", "expected the path of a CIF or POSCAR file");
    const std::string given = str->get();
    const std::filesystem::path file = config_path(v, cfg, "lattice.file", given);
    StructureImportOptions options;
    // Occupancies (docs/structures.md): split positions closer than this are
    // one site; a mixed site is a hop site from this mobile occupancy on.
    options.split_distance = v.number("lattice.split_distance", options.split_distance, 0, 10);
    options.occupancy_threshold =
        v.number("lattice.occupancy_threshold", options.occupancy_threshold, 0, 1);
    if (const toml::node* b = v.node("lattice.cif_block")) {
      auto name = b->as_string();
      if (!name || name->get().empty())
        v.fail("lattice.cif_block", "expected the name of a CIF data block (without data_)");
      options.cif_block = name->get();
      if (options.cif_block.rfind("data_", 0) == 0) options.cif_block = options.cif_block.substr(5);
    }
    if (const toml::node* m = v.node("lattice.mobile")) {
      auto arr = m->as_array();
      if (!arr || arr->empty() || !arr->is_homogeneous(toml::node_type::string))
        v.fail("lattice.mobile", "expected an array of element symbols, e.g. [\"Li\"]");
      options.mobile_species.clear();
      for (auto& e : *arr) options.mobile_species.push_back(e.as_string()->get());
    } else {
      toml::array def;
      def.push_back("Li");
      v.set("lattice.mobile", std::move(def));
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      v.fail("lattice.file", "no such file '" + file.string() + "'");
    // The file's bytes are kept for a site map's SHA-256 (written by
    // `structure`, checked when lattice.site_map names one).
    StructureImport& import = cfg.structure_import;
    import.source_file = given;
    import.options = options;
    import.source_text = std::make_shared<const std::string>(read_structure_source(file.string()));
    if (v.node("lattice.site_map")) {
      d = sites_from_site_map(v, cfg);
      cfg.notes.push_back(import.site_map + ": the sites of '" + import.source_file +
                          "' from this site map (the file's SHA-256 and the import keys match)");
    } else {
      options.notes = &import.notes;
      d = read_structure_text(file.string(), *import.source_text, options);
    }
    cfg.notes.insert(cfg.notes.end(), import.notes.begin(), import.notes.end());
    if (d.host_basis_count() == 0) {
      std::string names;
      for (const auto& m : options.mobile_species) names += (names.empty() ? "" : ", ") + m;
      v.fail("lattice.mobile", "no atom of '" + file.string() + "' is " + names);
    }
  } else if (oxide) {
    OxideOptions o;
    o.a = v.number("lattice.a", default_oxide_a(type), 0, 1e3, true);
    if (type == "layered") o.c = v.number("lattice.c", o.a * (14.05 / 2.816), 0, 1e4, true);
    if (type == "perovskite" || type == "rocksalt")
      o.ordering = v.choice("lattice.ordering", "none", {"none", "layered"});
    if (type != "perovskite")
      o.transition_energy = v.number("lattice.transition_energy", o.transition_energy, -10, 10);
    if (type == "rocksalt" || type == "layered")
      if (v.has("lattice.direct_hop_barrier"))
        o.direct_hop_barrier = v.number("lattice.direct_hop_barrier", 0, 0, 100);
    d = make_oxide_lattice(type, o);
  } else {
    d = make_textbook_lattice(type, v.number("lattice.a", 3.9, 0, 1e3, true));
  }
  d.hop_cutoff = v.number("lattice.cutoff", 0.0, 0, 1e3);
  // A structure file's default cutoff percolates where the file allows
  // (docs/structures.md); the built-in lattices keep their nearest shell.
  // A site map that holds the choice for its sites saves making it again.
  if (type == "file" && d.hop_cutoff <= 0) {
    StructureImport& import = cfg.structure_import;
    if (!import.cutoff_chosen) {
      const HopCutoffChoice choice = choose_hop_cutoff(d);
      import.cutoff_chosen = true;
      import.default_cutoff = choice.cutoff;
      import.cutoff_explanation = choice.explanation;
    }
    d.hop_cutoff = import.default_cutoff;
    cfg.notes.push_back(import.source_file + ": " + import.cutoff_explanation);
  }
  return d;
}

// lattice.cells (default 16^3, or 64^2 in 2D), and the geometry they make
// with the lattice: problems are input errors too, reported now with the key
// that fixes them rather than when the run builds its lattice.
void read_cells(Validator& v, SimulationSettings& s) {
  const int dim = s.lattice.dimension;
  {
    const std::vector<double> fallback = dim == 3 ? std::vector<double>{16, 16, 16}
                                                  : std::vector<double>{64, 64};
    const toml::node* n = v.node("lattice.cells");
    if (n) {
      auto arr = n->as_array();
      if (!arr || !arr->is_homogeneous(toml::node_type::integer))
        v.fail("lattice.cells", "expected an array of integers");
    } else {
      // The default goes into the resolved configuration as integers, or
      // --print-config would print cells this reader refuses (found by fuzzing).
      toml::array ints;
      for (double c : fallback) ints.push_back(static_cast<int64_t>(c));
      v.set("lattice.cells", std::move(ints));
    }
    const auto cells = v.number_array("lattice.cells", fallback, dim, dim);
    for (int i = 0; i < dim; ++i) {
      if (cells[i] < 1 || cells[i] > 1 << 20)
        v.fail("lattice.cells", "cell counts must lie in [1, 1048576]");
      s.cells[i] = static_cast<int>(cells[i]);
    }
    if (dim == 2) s.cells[2] = 1;
    const double sites = double(s.cells[0]) * s.cells[1] * s.cells[2] * s.lattice.basis.size();
    if (sites > 2147483647.0) v.fail("lattice.cells", "more than 2^31 sites");
  }
  if (const auto problem = check_lattice_geometry(s.lattice, s.cells, &s.hops))
    v.fail(geometry_key(*problem, v), problem->what);

}

// Whether the hop network runs through the crystal (docs/structures.md):
// said for structure files, warned about for any lattice where it does not.
void report_hop_network(Validator& v, LoadedConfig& cfg, const SimulationSettings& s) {
  const HopNetwork net = hop_network(s.lattice, s.hops.get());
  cfg.hop_network = net;
  if (cfg.lattice_type == "file") cfg.notes.push_back("hop network: " + net.summary());
  // run.require_percolation = true: a network without a spanning cluster is an error.
  const bool required = v.boolean("run.require_percolation", false);
  if (required && !net.spans())
    v.fail("run.require_percolation",
           "the hop network has no spanning cluster (" + net.summary() +
               "); raise lattice.cutoff (0: the first gap that percolates, for structure files)");
  if (!net.spans())
    cfg.warnings.push_back(
        "the hop network has no spanning cluster (" + net.summary() +
        "): ions only rattle in finite clusters and D measures that, not transport; "
        "raise lattice.cutoff");
}

}  // namespace coatkmc::config
