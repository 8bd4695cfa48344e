#include "host/cli/StructureCommand.hpp"

#include <cstdio>

#include "host/cli/ConfigFolderCommand.hpp"
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
  const std::optional<ConfigFolderRequest> q = read_config_folder_command(
      {"structure",
       "Builds the lattice and microstructure of CONFIG without running it and writes "
       "DIR/site_map.xyz (extended XYZ: species, position, sublattice, phase, grain, blocked, "
       "site_energy, barrier), DIR/structure.cif and DIR/POSCAR (one cell), and for a structure "
       "file DIR/site_map.txt (its imported sites, for run's lattice.site_map).",
       "structure-out", ConfigUse::Run},
      in);
  if (!q) return 0;
  const std::string& out = q->out;
  const LoadedConfig& cfg = q->cfg;
  const SimulationSettings& s = cfg.settings;

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
