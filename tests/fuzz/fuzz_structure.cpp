// Fuzz target: the crystal-structure readers behind [lattice] type = "file":
// CIF (gemmi's parser and our reading of it) and POSCAR (our own parser).
// Input: the file's text; optional second part: the mobile species.
// Both readers see every input; the only failure allowed is InputError.
#include "FuzzSupport.hpp"
#include "host/structure/StructureFile.hpp"

using namespace coatkmc_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string> parts = split_parts(data, size);
  coatkmc::StructureImportOptions options;
  if (parts.size() > 1 && !parts[1].empty()) options.mobile_species = {parts[1]};
  accepts("read_cif_text", [&] { coatkmc::read_cif_text("fuzz.cif", parts[0], options); });
  accepts("read_poscar_text", [&] { coatkmc::read_poscar_text("POSCAR", parts[0], options); });
  return 0;
}
