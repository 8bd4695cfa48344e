#include "host/cli/StructureCommand.hpp"

#include <cstdio>
#include <iostream>

#include "host/cli/CommandLine.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/BuildInfo.hpp"
#include "host/io/SiteMapWriter.hpp"
#include "host/structure/SiteMapFile.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/microstructure/Microstructure.hpp"
#include "kmc/model/EnvironmentCodes.hpp"
#include "kmc/model/EnvironmentPlacement.hpp"

namespace coatkmc {

int structure_command(const std::vector<std::string>& in) {
  std::vector<std::string> overrides;
  // --set values are TOML and may hold commas: taken out first, as run does.
  const std::vector<std::string> args = take_option_values(in, {{"--set", &overrides}}, "KEY=VALUE");
  cxxopts::Options opts(
      "coatkmc structure",
      "Builds the lattice and microstructure of CONFIG without running it and writes "
      "DIR/site_map.xyz (extended XYZ: species, position, sublattice, phase, grain, blocked, "
      "site_energy, barrier), DIR/structure.cif and DIR/POSCAR (one cell), and for a structure "
      "file DIR/site_map.txt (its imported sites, for run's lattice.site_map).");
  opts.custom_help("CONFIG.toml [--out DIR] [--set KEY=VALUE]...");
  opts.positional_help("");
  opts.add_options()
      ("config", "configuration file", cxxopts::value<std::string>())
      ("out", "output folder", cxxopts::value<std::string>()->default_value("structure-out"))
      ("set", "override a key: KEY=VALUE, the value in TOML (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  opts.parse_positional({"config"});
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc structure", args);
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  if (!res.unmatched().empty())
    throw InputError(res.unmatched().front(), "one configuration file only");
  if (!res.count("config"))
    throw InputError("command line", "structure: no configuration file given");
  const std::string config = res["config"].as<std::string>();
  const std::string out = res["out"].as<std::string>();
  if (out.empty()) throw InputError("--out", "the output folder name is empty");
  const LoadedConfig cfg = load_config(config, overrides);
  const SimulationSettings& s = cfg.settings;
  for (const std::string& note : cfg.notes) std::cerr << "coatkmc: note: " << note << "\n";
  for (const std::string& w : cfg.warnings) std::cerr << "coatkmc: warning: " << w << "\n";

  const Lattice lattice(s.lattice, s.cells, hops_if_known(s.lattice, s.hops.get()));
  MicrostructureSettings ms = s.microstructure;
  if (!ms.active()) ms.type = "crystalline";  // the perfect lattice: still a map to look at
  const SiteMap map = build_microstructure(lattice, ms, s.hop.barrier);

  // Elements ASE and pymatgen accept: a site's species, else the configured ion species.
  std::vector<std::string> ions;
  for (const SpeciesSpec& sp : s.species.species) ions.push_back(sp.name);
  // The immobile species of [[environment.immobile]], placed as a run places
  // them (run.seed): shown in the site map; one cell (CIF, POSCAR) cannot.
  std::vector<uint8_t> fixed;
  std::vector<std::string> occupants;
  if (s.environment.active && !s.environment.immobile.empty()) {
    fixed = place_immobile(lattice, s.environment, s.seed);
    occupants = environment_codes(s.lattice, s.environment).names;
  }
  make_directories(out);
  write_file_atomically(out + "/site_map.xyz",
                        site_map_xyz(lattice, map, s.hop.barrier, ions, fixed, occupants));
  write_file_atomically(out + "/structure.cif", cif_text(s.lattice, ions));
  write_file_atomically(out + "/POSCAR", poscar_text(s.lattice, ions));
  // A structure file's import, for `run` to take through lattice.site_map.
  const bool file = cfg.structure_import.source_text != nullptr;
  if (file) {
    const BuildInfo& build = build_info();
    write_file_atomically(out + "/site_map.txt",
                          site_map_text(cfg.structure_import, s.lattice,
                                        "coatkmc " + build.version + " (" + build.git_sha + ")"));
  }

  const int64_t host = lattice.num_host_sites();
  std::printf("coatkmc structure: %s, %s microstructure\n", cfg.lattice_type.c_str(),
              s.microstructure.active() ? s.microstructure.type.c_str() : "no");
  std::printf("  sites %lld (host %lld, open %lld, blocked %lld)\n",
              static_cast<long long>(lattice.num_sites()), static_cast<long long>(host),
              static_cast<long long>(map.open_host_sites),
              static_cast<long long>(host - map.open_host_sites));
  for (int p = 0; p < 3; ++p)
    std::printf("  %-9s %8lld host sites (%.4f)\n", phase_name(static_cast<Phase>(p)),
                static_cast<long long>(map.phase_sites[p]),
                host ? double(map.phase_sites[p]) / double(host) : 0.0);
  if (map.grain_size > 0)
    std::printf("  grains %d, grain size %.4g A\n", map.grains, map.grain_size);
  if (s.microstructure.type == "annealed")
    std::printf("  crystallized fraction (JMAK) %.4f\n", map.crystallized_fraction);
  if (s.microstructure.type == "composite")
    std::printf("  glass layer width %.4g A\n", map.boundary_width);
  if (!fixed.empty()) {
    std::vector<int64_t> count(occupants.size(), 0);
    for (uint8_t c : fixed) ++count[c];
    for (size_t c = 1; c < occupants.size(); ++c)  // 0: no immobile species there
      if (count[c])
        std::printf("  immobile %s %lld sites (site_map.xyz)\n", occupants[c].c_str(),
                    static_cast<long long>(count[c]));
  }
  std::printf("  hop network %s%s\n", cfg.hop_network.summary().c_str(),
              cfg.hop_network.spans() ? "" : " (no spanning cluster: ions only rattle)");
  std::printf("  written: %s/site_map.xyz, %s/structure.cif, %s/POSCAR%s\n", out.c_str(),
              out.c_str(), out.c_str(), file ? (", " + out + "/site_map.txt").c_str() : "");
  return 0;
}

}  // namespace coatkmc
