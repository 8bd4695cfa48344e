#pragma once
#include <string>
#include <vector>

namespace coatkmc {

// coatkmc structure CONFIG.toml [--out DIR] [--set KEY=VALUE]...
// Builds the configuration's lattice and microstructure without running it,
// writes DIR/site_map.xyz (extended XYZ), DIR/structure.cif and DIR/POSCAR
// (one cell) and prints what the microstructure made: sites per phase,
// grains, blocked sites, crystallized fraction.
int structure_command(const std::vector<std::string>& args);

}  // namespace coatkmc
