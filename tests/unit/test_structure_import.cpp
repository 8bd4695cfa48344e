// Structure import: the shipped CIF and POSCAR reproduce the built-in layered
// and spinel lattices atom for atom, CIF and POSCAR text written from any
// description reads back to the same cell and atoms, and every malformed file
// of tests/data/bad_structures is rejected with exit 2 and one line naming
// file, line and key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "CommandRunner.hpp"
#include "StructureChecks.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"
#include "kmc/lattice/TextbookLattices.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

const std::string kBad = std::string(COATKMC_SOURCE_DIR) + "/tests/data/bad_structures";

// Every atom (non-transition site) of `expected` has one atom of `got` of the
// same species and mobility within `tol` Å, and the counts agree.
void expect_same_atoms(const LatticeDescription& expected, const LatticeDescription& got,
                       double tol) {
  coatkmc_test::expect_same_atoms(expected, got, tol, /*same_mobility=*/true);
}

void expect_same_cell(const LatticeDescription& a, const LatticeDescription& b, double tol) {
  double la[3], aa[3], lb[3], ab[3];
  cell_parameters(a.vectors, la, aa);
  cell_parameters(b.vectors, lb, ab);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(la[i], lb[i], tol);
    EXPECT_NEAR(aa[i], ab[i], tol);
  }
}

}  // namespace

TEST(StructureImport, ShippedCifIsTheBuiltInLayeredLattice) {
  const LatticeDescription cif = read_structure_file(kStructures + "/LiCoO2.cif", {});
  OxideOptions o;
  o.a = 2.816;
  o.c = 14.05;
  o.oxygen_parameter = 0.2604;
  const LatticeDescription built = make_oxide_lattice("layered", o);
  expect_same_cell(built, cif, 1e-9);
  expect_same_atoms(built, cif, 1e-6);
  // Li alone hops: straight Li-Li hops in the slab (no tetrahedral sites in a CIF).
  const Lattice lat(cif, {4, 4, 1});
  EXPECT_EQ(lat.num_host_sites(), 48);
  EXPECT_EQ(lat.max_coordination(), 6);
  for (int b = 0; b < lat.basis_size(); ++b)
    for (const HopTemplate& h : lat.hops(b)) EXPECT_NEAR(h.length, 2.816, 1e-9);
  EXPECT_EQ(cif.basis[3].sublattice, "Li1");  // sublattices are the CIF labels
}

TEST(StructureImport, ShippedPoscarIsTheBuiltInSpinel) {
  StructureImportOptions opt;
  opt.mobile_species = {"Li"};
  const LatticeDescription pos = read_structure_file(kStructures + "/POSCAR_LiTi2O4", opt);
  OxideOptions o;
  o.a = 8.405;
  const LatticeDescription built = make_oxide_lattice("spinel", o);
  expect_same_cell(built, pos, 1e-9);
  expect_same_atoms(built, pos, 1e-6);
  // The 8a diamond network: four Li neighbours at a sqrt(3)/4.
  const Lattice lat(pos, {2, 2, 2});
  EXPECT_EQ(lat.num_host_sites(), 64);
  EXPECT_EQ(lat.max_coordination(), 4);
  for (const HopTemplate& h : lat.hops(0)) EXPECT_NEAR(h.length, 8.405 * std::sqrt(3.0) / 4, 1e-9);
}

TEST(StructureImport, WrittenCifAndPoscarReadBackToTheSameStructure) {
  std::vector<LatticeDescription> structures;
  for (const auto& type : oxide_lattice_names()) structures.push_back(make_oxide_lattice(type, {}));
  OxideOptions ordered;
  ordered.ordering = "layered";
  structures.push_back(make_oxide_lattice("perovskite", ordered));
  // A triclinic cell with atoms in general positions.
  LatticeDescription tri;
  tri.name = "triclinic";
  const double lengths[3] = {4.1, 5.3, 6.2}, angles[3] = {81.0, 97.5, 112.0};
  cell_vectors_from_parameters(lengths, angles, tri.vectors);
  tri.basis = {{{0.1, 0.2, 0.3}, "Li1", true, false, 0.0, "Li"},
               {{0.61, 0.17, 0.93}, "Li2", true, false, 0.0, "Li"},
               {{0.35, 0.72, 0.51}, "Nb1", false, false, 0.0, "Nb"},
               {{0.88, 0.44, 0.05}, "O1", false, false, 0.0, "O"}};
  structures.push_back(tri);
  StructureImportOptions opt;
  opt.mobile_species = {"Li"};
  for (const LatticeDescription& d : structures) {
    SCOPED_TRACE(d.name);
    const LatticeDescription c = read_cif_text("written.cif", cif_text(d), opt);
    expect_same_cell(d, c, 1e-6);
    expect_same_atoms(d, c, 1e-6);
    const LatticeDescription p = read_poscar_text("POSCAR", poscar_text(d), opt);
    for (int i = 0; i < 3; ++i) EXPECT_LT(norm(p.vectors[i] - d.vectors[i]), 1e-9);
    expect_same_atoms(d, p, 1e-8);
  }
}

TEST(StructureImport, SymmetryMergesSpecialPositionsAndMixedOccupancy) {
  // Li/La share the A site of a cubic perovskite (LLTO-like); Pm-3m expands
  // O at (1/2 1/2 0) to three faces, and the shared A site is one mobile site.
  const std::string text =
      "data_llto\n_cell_length_a 3.87\n_cell_length_b 3.87\n_cell_length_c 3.87\n"
      "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
      "_space_group_name_H-M_alt 'P m -3 m'\n"
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
      "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
      "La1 La3+ 0 0 0 0.55\nLi1 Li+ 0 0 0 0.35\nTi1 Ti4+ 0.5 0.5 0.5 1\nO1 O2- 0.5 0.5 0 1\n";
  const LatticeDescription d = read_cif_text("llto.cif", text, {});
  ASSERT_EQ(d.basis.size(), 5u);
  EXPECT_EQ(d.basis[0].species, "La");  // the larger share names the site
  EXPECT_TRUE(d.basis[0].mobile);       // Li may sit there
  EXPECT_EQ(std::count_if(d.basis.begin(), d.basis.end(),
                          [](const BasisSite& b) { return b.species == "O"; }),
            3);
  EXPECT_EQ(Lattice(d, {3, 3, 3}).max_coordination(), 6);
}

TEST(StructureImport, ElementSymbols) {
  EXPECT_EQ(element_symbol("Li1+"), "Li");
  EXPECT_EQ(element_symbol("O2-"), "O");
  EXPECT_EQ(element_symbol("co"), "Co");
  EXPECT_EQ(element_symbol("Li_sv"), "Li");
  EXPECT_EQ(element_symbol("12"), "");
}

// The malformed-file corpus: the first line of each file says
//   # expect: line=N key=TAG     (line= left out: the message names no line)
// `coatkmc run` of a configuration that imports it must exit 2 with the one line
//   coatkmc: error: FILE[:N]: TAG: what is wrong       (key= empty: no TAG)
TEST(StructureImport, MalformedFilesExitTwoNamingFileLineAndKey) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(kBad)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 15u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::istringstream first(read_text(file.string()));
    std::string header;
    std::getline(first, header);
    ASSERT_EQ(header.rfind("# expect:", 0), 0u);
    int line = 0;
    std::string key;
    bool has_key = false;
    std::istringstream fields(header.substr(9));
    for (std::string f; fields >> f;) {
      if (f.rfind("line=", 0) == 0) line = std::stoi(f.substr(5));
      if (f.rfind("key=", 0) == 0) key = f.substr(4), has_key = true;
    }
    // Keys with spaces ("lattice vector 2") run to the end of the header.
    if (has_key) key = header.substr(header.find("key=") + 4);
    ASSERT_TRUE(has_key);
    ScratchDir dir;
    std::ofstream(dir / "run.toml") << "[lattice]\ntype = \"file\"\nfile = \"" << file.string()
                                    << "\"\ncells = [3, 3, 3]\n[run]\nhops_per_particle = 1\n";
    const CommandResult r = run_coatkmc({"run", dir / "run.toml", "--out", "out"}, dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    const std::string place = file.string() + (line ? ":" + std::to_string(line) : "");
    const std::string prefix = "coatkmc: error: " + place + ": " + (key.empty() ? "" : key + ": ");
    EXPECT_EQ(r.err.substr(0, prefix.size()), prefix) << r.err;
    EXPECT_GT(r.err.size(), prefix.size() + 2) << "nothing says what is wrong";
    EXPECT_FALSE(file_exists(dir / "out/result.json"));
  }
}

// The same harness runs a good structure file, so the rejections above are the files' doing.
TEST(StructureImport, AGoodStructureFileRuns) {
  ScratchDir dir;
  std::ofstream(dir / "run.toml")
      << "[lattice]\ntype = \"file\"\nfile = \"" << kStructures
      << "/LiCoO2.cif\"\ncells = [4, 4, 1]\n[run]\nhops_per_particle = 1\n";
  const CommandResult r = run_coatkmc({"run", dir / "run.toml", "--out", "out"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(file_exists(dir / "out/result.json"));
}
