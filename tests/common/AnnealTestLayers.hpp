#pragma once
// The two layers the anneal tests diffuse through, as [[anneal.layer]]
// tables: a film (0.5 nm cells, full of the species at the start) on a bulk
// (1 nm cells, empty), each with D0 = 1e-3 cm^2/s and Ea = 2 eV
// (test_anneal_program.cpp, test_anneal_study.cpp, test_film_microstructure.cpp).
#include <string>

namespace coatkmc::test {

inline std::string film_on_bulk_layers(int film_nm, int bulk_nm) {
  return "[[anneal.layer]]\nname = \"film\"\nthickness_nm = " + std::to_string(film_nm) +
         "\ncell_nm = 0.5\ninitial = 1.0\nD0_cm2_s = 1e-3\nEa_eV = 2.0\n"
         "[[anneal.layer]]\nname = \"bulk\"\nthickness_nm = " + std::to_string(bulk_nm) +
         "\ncell_nm = 1\nD0_cm2_s = 1e-3\nEa_eV = 2.0\n";
}

}  // namespace coatkmc::test
