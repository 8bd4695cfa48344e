// Symmetry as real CIFs state it (issue 18): listed operations with decimal
// translations, Hall symbols, Hermann-Mauguin names in old, spaced and
// annotated spellings with or without their origin choice, bare International
// Tables numbers, the data block that holds the atoms, dummy atoms, VASP 4
// POSCARs. Every file here is written for the test from the textbook
// description of the structure (Wyckoff positions of the International
// Tables), and every expansion is checked atom for atom against an
// independent one: coatkmc's built-in lattices, which place each atom by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <gemmi/symmetry.hpp>

#include "CommandRunner.hpp"
#include "StructureChecks.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/OxideLattices.hpp"

using namespace coatkmc;
using namespace coatkmc_test;

namespace {

// Every atom of `expected` (transition sites left out) has exactly one atom of
// `got` of the same species within `tol` Å, and there are no others.
void expect_same_atoms(const LatticeDescription& expected, const LatticeDescription& got,
                       double tol) {
  coatkmc_test::expect_same_atoms(expected, got, tol, /*same_mobility=*/false);
}

// The built-in spinel (Fd-3m origin choice 1, Li on 8a at 0 0 0) moved to
// origin choice 2: origin 2 lies at 1/8 1/8 1/8 of origin 1.
LatticeDescription spinel_origin_2() {
  OxideOptions o;
  o.a = 8.405;
  LatticeDescription d = make_oxide_lattice("spinel", o);
  for (BasisSite& b : d.basis) b.fractional = b.fractional - Vec3{0.125, 0.125, 0.125};
  return d;
}

LatticeDescription spinel_origin_1() {
  OxideOptions o;
  o.a = 8.405;
  return make_oxide_lattice("spinel", o);
}

const char* kCubicCell =
    "_cell_length_a 8.405\n_cell_length_b 8.405\n_cell_length_c 8.405\n"
    "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n";

// LiTi2O4 with its atoms in origin choice 2 (ITA: 8a 1/8 1/8 1/8, 16d 1/2 1/2
// 1/2, 32e x x x with x = u - 1/8 = 0.2625), under the given symmetry lines.
std::string spinel_cif_origin_2(const std::string& symmetry) {
  return std::string("data_LiTi2O4\n") + kCubicCell + symmetry +
         "\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
         "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
         "Li1 Li+ 0.125 0.125 0.125 1\nTi1 Ti3.5+ 0.5 0.5 0.5 1\nO1 O2- 0.2625 0.2625 0.2625 1\n";
}

// The same in origin choice 1 (8a 0 0 0, 16d 5/8 5/8 5/8, 32e u u u, u = 0.3875).
std::string spinel_cif_origin_1(const std::string& symmetry) {
  return std::string("data_LiTi2O4\n") + kCubicCell + symmetry +
         "\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
         "_atom_site_fract_y\n_atom_site_fract_z\n"
         "Li1 Li 0 0 0\nTi1 Ti 0.625 0.625 0.625\nO1 O 0.3875 0.3875 0.3875\n";
}

struct Imported {
  LatticeDescription d;
  std::vector<std::string> notes;
};

Imported import_cif(const std::string& text) {
  Imported out;
  StructureImportOptions o;
  o.notes = &out.notes;
  out.d = read_cif_text("test.cif", text, o);
  return out;
}

std::string joined(const std::vector<std::string>& notes) {
  std::string s;
  for (const auto& n : notes) s += n + "\n";
  return s;
}

}  // namespace

// The case that used to be silently wrong: an origin-2 spinel that states its
// group by name and Hall symbol. The Hall symbol fixes the origin; no guess, no note.
TEST(StructureSymmetry, HallSymbolFixesTheOriginOfAnOrigin2Spinel) {
  const Imported r = import_cif(spinel_cif_origin_2(
      "_symmetry_space_group_name_H-M 'F d -3 m'\n_symmetry_space_group_name_Hall '-F 4vw 2vw 3'"));
  expect_same_atoms(spinel_origin_2(), r.d, 1e-6);
  EXPECT_TRUE(r.notes.empty()) << joined(r.notes);
  // The Li network is the 8a diamond: four neighbours at a sqrt(3)/4.
  const Lattice lat(r.d, {2, 2, 2});
  EXPECT_EQ(lat.num_host_sites(), 64);
  EXPECT_EQ(lat.max_coordination(), 4);
  for (const HopTemplate& h : lat.hops(0)) EXPECT_NEAR(h.length, 8.405 * std::sqrt(3.0) / 4, 1e-9);
}

// A Hall symbol alone is enough.
TEST(StructureSymmetry, HallSymbolAlone) {
  const Imported r = import_cif(spinel_cif_origin_2("_space_group_name_Hall '-F 4vw 2vw 3'"));
  expect_same_atoms(spinel_origin_2(), r.d, 1e-6);
}

// The name states the origin choice in any of the spellings found in the wild.
TEST(StructureSymmetry, NamesWithTheirOriginChoice) {
  for (const std::string name :
       {"'F d -3 m :2'", "'Fd-3m:2'", "'F d -3 m {origin @ centre (-3m)}'", "'F D -3 M Z'",
        "'F d 3 m :2'", "'Fd3m Z'", "'F d -3 m (origin choice 2)'"}) {
    SCOPED_TRACE(name);
    const Imported r = import_cif(spinel_cif_origin_2("_space_group_name_H-M_alt " + name));
    expect_same_atoms(spinel_origin_2(), r.d, 1e-6);
    EXPECT_TRUE(r.notes.empty()) << joined(r.notes);
  }
  for (const std::string name : {"'F d -3 m :1'", "'F D -3 M S'", "'Fd-3m (origin choice 1)'"}) {
    SCOPED_TRACE(name);
    const Imported r = import_cif(spinel_cif_origin_1("_space_group_name_H-M_alt " + name));
    expect_same_atoms(spinel_origin_1(), r.d, 1e-6);
    EXPECT_TRUE(r.notes.empty()) << joined(r.notes);
  }
  // The coordinate-system code states it too.
  const Imported coded = import_cif(spinel_cif_origin_2(
      "_space_group_name_H-M_alt 'F d -3 m'\n_space_group_IT_coordinate_system_code 2"));
  expect_same_atoms(spinel_origin_2(), coded.d, 1e-6);
  EXPECT_TRUE(coded.notes.empty()) << joined(coded.notes);
}

// A name or number without the origin choice: both choices are expanded, the
// one that places the atoms properly is taken, and a note says which.
TEST(StructureSymmetry, AnUnstatedOriginChoiceIsFoundAndReported) {
  for (const std::string symmetry :
       {"_space_group_name_H-M_alt 'F d -3 m'", "_symmetry_space_group_name_H-M 'Fd3m'",
        "_space_group_IT_number 227", "_symmetry_Int_Tables_number 227"}) {
    SCOPED_TRACE(symmetry);
    const Imported two = import_cif(spinel_cif_origin_2(symmetry));
    expect_same_atoms(spinel_origin_2(), two.d, 1e-6);
    ASSERT_EQ(two.notes.size(), 1u);
    EXPECT_NE(two.notes[0].find("using F d -3 m, origin choice 2"), std::string::npos)
        << two.notes[0];
    const Imported one = import_cif(spinel_cif_origin_1(symmetry));
    expect_same_atoms(spinel_origin_1(), one.d, 1e-6);
    ASSERT_EQ(one.notes.size(), 1u);
    EXPECT_NE(one.notes[0].find("using F d -3 m, origin choice 1"), std::string::npos)
        << one.notes[0];
  }
}

// Operations listed with decimal translations, as some databases write them,
// for LiCoO2 in R-3m (hexagonal axes): the same atoms as the shipped CIF.
TEST(StructureSymmetry, DecimalTranslationsInListedOperations) {
  // The 36 operations of R-3m:H: the 12 rotations of -3m, each with the
  // three centring translations 0, (2/3 1/3 1/3), (1/3 2/3 2/3) in decimals.
  const char* rotations[12] = {"x,y,z",     "-y,x-y,z", "-x+y,-x,z", "y,x,-z",
                               "x-y,-y,-z", "-x,-x+y,-z", "-x,-y,-z", "y,-x+y,-z",
                               "x-y,x,-z",  "-y,-x,z",  "-x+y,y,z",  "x,x-y,z"};
  const char* centring[3][3] = {{"", "", ""},
                                {"0.66667+", "0.33333+", "0.33333+"},
                                {"0.333333+", "0.666667+", "0.6667+"}};
  std::ostringstream ops;
  ops << "loop_\n_space_group_symop_operation_xyz\n";
  for (const auto& t : centring)
    for (const char* r : rotations) {
      std::string parts[3];
      std::istringstream in(r);
      for (auto& p : parts) std::getline(in, p, ',');
      // "0.66667+x", but "0.66667-y" (as files write it).
      for (int i = 0; i < 3; ++i) {
        std::string shift = t[i];
        if (!shift.empty() && parts[i][0] == '-') shift.pop_back();
        ops << (i == 0 ? "'" : ",") << shift << parts[i];
      }
      ops << "'\n";
    }
  const std::string text =
      "data_LiCoO2\n_cell_length_a 2.816\n_cell_length_b 2.816\n_cell_length_c 14.05\n"
      "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 120\n" +
      ops.str() +
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
      "_atom_site_fract_y\n_atom_site_fract_z\n"
      "Co1 Co 0 0 0\nLi1 Li 0 0 0.5\nO1 O 0 0 0.2604\n";
  const Imported r = import_cif(text);
  const LatticeDescription shipped = read_structure_file(kStructures + "/LiCoO2.cif", {});
  expect_same_atoms(shipped, r.d, 1e-6);
  EXPECT_EQ(r.d.basis.size(), 12u);
  // A decimal that is no multiple of 1/12 stays an error naming the tag.
  std::string bad = text;
  bad.replace(bad.find("0.66667+"), 8, "0.6612+");
  try {
    import_cif(bad);
    ADD_FAILURE() << "0.6612 accepted as a translation";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("_space_group_symop_operation_xyz"), std::string::npos)
        << e.what();
  }
}

// Old and spaced spellings of a cubic perovskite's group, and the bare Hall symbol.
TEST(StructureSymmetry, OldAndSpacedSpellingsOfPm3m) {
  for (const std::string symmetry :
       {"_space_group_name_H-M_alt 'P m 3 m'", "_symmetry_space_group_name_H-M 'Pm3m'",
        "_symmetry_space_group_name_H-M 'P M -3 M'", "_space_group_name_H-M_alt 'Pm-3m'",
        "_space_group_name_Hall '-P 4 2 3'", "_space_group_IT_number 221"}) {
    SCOPED_TRACE(symmetry);
    const std::string text =
        "data_p\n_cell_length_a 3.87\n_cell_length_b 3.87\n_cell_length_c 3.87\n"
        "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n" + symmetry +
        "\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
        "_atom_site_fract_y\n_atom_site_fract_z\n"
        "Li1 Li 0 0 0\nTi1 Ti 0.5 0.5 0.5\nO1 O 0.5 0.5 0\n";
    const Imported r = import_cif(text);
    EXPECT_TRUE(r.notes.empty()) << joined(r.notes);
    const LatticeDescription built = make_oxide_lattice("perovskite", OxideOptions{});
    expect_same_atoms(built, r.d, 1e-6);
  }
}

// A journal CIF: the first block holds the publication, the second the
// structure; the second block also has a dummy atom (calc_flag dum,
// occupancy 2) that must neither reject the file nor become a site.
TEST(StructureSymmetry, StructureInTheSecondBlockAndDummyAtomsSkipped) {
  const std::string text =
      "data_global\n_journal_name_full 'J. Test. Cryst.'\n_publ_section_title\n"
      ";\nA test\n;\n"
      "data_LiCoO2_I\n_cell_length_a 2.816\n_cell_length_b 2.816\n_cell_length_c 14.05\n"
      "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 120\n"
      "_symmetry_space_group_name_H-M 'R -3 m H'\n"
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
      "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n_atom_site_calc_flag\n"
      "Co1 Co3+ 0 0 0 1 d\nLi1 Li1+ 0 0 0.5 1 d\nO1 O2- 0 0 0.2604 1 d\n"
      "Q1 Du 0.3333 0.6667 0.1 2. dum\n";
  const Imported r = import_cif(text);
  const LatticeDescription shipped = read_structure_file(kStructures + "/LiCoO2.cif", {});
  expect_same_atoms(shipped, r.d, 1e-6);
  const std::string notes = joined(r.notes);
  EXPECT_NE(notes.find("data_LiCoO2_I"), std::string::npos) << notes;
  EXPECT_NE(notes.find("dummy"), std::string::npos) << notes;
  EXPECT_NE(notes.find("Q1"), std::string::npos) << notes;
}

// VASP 4: no line of names; the comment line names one element per count.
TEST(StructureSymmetry, Vasp4PoscarTakesTheSpeciesFromTheComment) {
  const std::string vasp5 = read_text(kStructures + "/POSCAR_LiTi2O4");
  std::istringstream in(vasp5);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GT(lines.size(), 8u);
  for (const std::string comment : {"Li Ti O", "Li8 Ti16 O32", "Li_sv Ti_pv O"}) {
    SCOPED_TRACE(comment);
    std::string vasp4 = comment + "\n";
    for (size_t i = 1; i < lines.size(); ++i)
      if (i != 5) vasp4 += lines[i] + "\n";  // drop line 6, the names
    std::vector<std::string> notes;
    StructureImportOptions o;
    o.notes = &notes;
    const LatticeDescription d = read_poscar_text("POSCAR", vasp4, o);
    expect_same_atoms(read_poscar_text("POSCAR", vasp5, {}), d, 1e-9);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("Li Ti O"), std::string::npos) << notes[0];
  }
  // A comment that does not name one element per count keeps the error.
  for (const std::string comment : {"Li Ti", "spinel from the built-in lattice", "Li Ti O O"}) {
    SCOPED_TRACE(comment);
    std::string vasp4 = comment + "\n";
    for (size_t i = 1; i < lines.size(); ++i)
      if (i != 5) vasp4 += lines[i] + "\n";
    try {
      read_poscar_text("POSCAR", vasp4, {});
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("species:", 0), 0u) << e.what();
      EXPECT_EQ(e.where(), "POSCAR:6");
    }
  }
}

// The notes reach the user: `coatkmc structure` prints the origin choice it took.
TEST(StructureSymmetry, TheCommandSaysWhichOriginChoiceItTook) {
  ScratchDir dir;
  std::ofstream(dir / "spinel.cif") << spinel_cif_origin_2("_space_group_name_H-M_alt 'F d -3 m'");
  std::ofstream(dir / "s.toml") << "[lattice]\ntype = \"file\"\nfile = \"spinel.cif\"\n"
                                   "cells = [1, 1, 1]\n";
  const CommandResult r = run_coatkmc({"structure", dir / "s.toml", "--out", "out"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("coatkmc: note: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("origin choice 2"), std::string::npos) << r.err;
}

// A file with two structures: lattice.cif_block picks the second.
TEST(StructureSymmetry, TheBlockNamedByTheKey) {
  const std::string two =
      spinel_cif_origin_2("_space_group_name_Hall '-F 4vw 2vw 3'") +
      spinel_cif_origin_1("_space_group_name_Hall ' F 4d 2 3 -1d'").replace(0, 12, "data_second");
  StructureImportOptions o;
  expect_same_atoms(spinel_origin_2(), read_cif_text("two.cif", two, o), 1e-6);
  o.cif_block = "second";
  expect_same_atoms(spinel_origin_1(), read_cif_text("two.cif", two, o), 1e-6);
  o.cif_block = "third";
  try {
    read_cif_text("two.cif", two, o);
    ADD_FAILURE() << "a missing block accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("data_LiTi2O4, data_second"), std::string::npos)
        << e.what();
  }
}

// Every Hall symbol of the International Tables (gemmi's list of 530
// settings) is read, and expands a general position into as many atoms as
// the group has operations; Hall symbols gemmi would misread are refused
// with the tag named (one found by fuzzing: '-F 3vw 22w 3').
TEST(StructureSymmetry, EveryTabulatedHallSymbolIsRead) {
  int read = 0;
  for (const gemmi::SpaceGroup& sg : gemmi::spacegroup_tables::main) {
    SCOPED_TRACE(sg.hall);
    const bool hexagonal = sg.ext == 'H' || (sg.number >= 143 && sg.number <= 194);
    const bool rhombohedral = sg.ext == 'R';
    std::ostringstream text;
    text << "data_g\n_cell_length_a 7\n_cell_length_b 7\n_cell_length_c 7\n"
         << "_cell_angle_alpha " << (rhombohedral ? 80 : 90) << "\n_cell_angle_beta "
         << (rhombohedral ? 80 : 90) << "\n_cell_angle_gamma "
         << (rhombohedral ? 80 : hexagonal ? 120 : 90) << "\n_space_group_name_Hall '" << sg.hall
         << "'\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n"
         << "_atom_site_fract_z\nLi1 0.0123 0.2345 0.3789\n";
    const LatticeDescription d = read_cif_text("g.cif", text.str(), {});
    EXPECT_EQ(static_cast<int>(d.basis.size()), sg.operations().order());
    ++read;
  }
  EXPECT_GE(read, 500);
  // The same symbol spaced as gemmi splits it: the lattice symbol is one
  // character, so a matrix symbol may be glued to it, and '_' is a blank
  // ('-F3vw 22w 3' found by the CI-seeded fuzz.structure run).
  for (const char* hall : {"-F 3vw 22w 3", "-F3vw 22w 3", "-F3vw_22w_3", " - F3vw\t22w 3"}) {
    SCOPED_TRACE(hall);
    const std::string bad = spinel_cif_origin_2(std::string("_space_group_name_Hall '") + hall + "'");
    try {
      read_cif_text("bad.cif", bad, {});
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("_space_group_name_Hall:", 0), 0u) << e.what();
    }
  }
  // A safe symbol glued the same way is still read ('-F4vw 2vw 3': Fd-3m, 192 operations).
  const LatticeDescription glued =
      read_cif_text("glued.cif", spinel_cif_origin_2("_space_group_name_Hall '-F4vw 2vw 3'"), {});
  EXPECT_FALSE(glued.basis.empty());
}
