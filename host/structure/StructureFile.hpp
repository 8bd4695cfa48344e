#pragma once
#include <string>
#include <vector>

#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// Which atoms of an imported crystal structure are mobile-ion sites, and
// which of them are hop neighbours.
struct StructureImportOptions {
  std::vector<std::string> mobile_species{"Li"};  // element symbols, e.g. {"Li"}
  double hop_cutoff = 0;                          // Å; <= 0: the nearest mobile-mobile distance
  // Where the readers say what they decided on the file's behalf (which
  // origin choice, which data block, skipped dummy atoms, VASP 4 species):
  // one line each, for the command to print as a note. Null: not kept.
  std::vector<std::string>* notes = nullptr;
  // Occupancies (CIF, docs/structures.md): mobile positions closer than this
  // (Å) whose occupancies add up to at most one are split positions of one
  // ion and become one site; <= 0: never merged.
  double split_distance = 1.5;
  // A position shared by a mobile and an immobile species is a hop site only
  // when the mobile occupancy reaches this; below it, a host (immobile) site.
  double occupancy_threshold = 0.25;
  // CIF: the data block to read (its name without "data_"); empty: the
  // first block that holds atom sites.
  std::string cif_block;
};

// Version of the import rules: what a file, with given keys, imports to. A
// site map (SiteMapFile.hpp) records it and is refused under other rules, so
// bump it with any change to the readers, the symmetry expansion, the
// occupancy rules or choose_hop_cutoff that can move, add or drop a site or
// change the default cutoff.
constexpr int kStructureImportRules = 1;

enum class StructureFormat { Cif, Poscar };

// CIF for *.cif or text with a data_ block; POSCAR otherwise (POSCAR, CONTCAR, *.vasp).
StructureFormat structure_format(const std::string& path, const std::string& text);

// Reads a structure file into a lattice description: every atom a basis site,
// its sublattice the CIF atom-site label (POSCAR: the species), mobile when its
// species is one of the mobile species. Throws InputError("FILE:LINE",
// "key: what is wrong") for anything malformed; a file too big, binary or
// unreadable is an InputError too.
LatticeDescription read_structure_file(const std::string& path,
                                       const StructureImportOptions& options);
// The two halves of read_structure_file: the file's bytes (the same checks:
// readable, at most 16 MiB, no NUL byte), and what they import to.
std::string read_structure_source(const std::string& path);
LatticeDescription read_structure_text(const std::string& path, const std::string& text,
                                       const StructureImportOptions& options);
LatticeDescription read_cif_text(const std::string& path, const std::string& text,
                                 const StructureImportOptions& options);
LatticeDescription read_poscar_text(const std::string& path, const std::string& text,
                                    const StructureImportOptions& options);

// The atoms of a description (transition sites are empty and left out) as a
// P1 CIF and as a VASP 5 POSCAR in Direct coordinates. Each atom's element is
// element_of_site (ElementSymbols.hpp: its species, else the configured ion
// species when they are elements, else X), its sublattice a label beside it.
std::string cif_text(const LatticeDescription& description,
                     const std::vector<std::string>& ion_species = {});
std::string poscar_text(const LatticeDescription& description,
                        const std::vector<std::string>& ion_species = {});

// Cell vectors (Å) from lengths (Å) and angles (degrees): a along x, b in the
// xy plane. Throws std::invalid_argument for a degenerate cell.
void cell_vectors_from_parameters(const double lengths[3], const double angles[3], Vec3 out[3]);
// Lengths (Å) and angles alpha, beta, gamma (degrees) of three cell vectors.
void cell_parameters(const Vec3 vectors[3], double lengths[3], double angles[3]);

// Element symbol at the start of a species or label: "Li1+" -> "Li", "O2-" -> "O", "co" -> "Co".
std::string element_symbol(const std::string& name);

}  // namespace coatkmc
