#pragma once
#include <string>
#include <vector>

#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

// The seven textbook lattices of the SPEC, each as a conventional cell with
// lattice parameter `a` (Å). Only geometry is written here; neighbours come
// from the cutoff search in Lattice.
LatticeDescription make_textbook_lattice(const std::string& type, double a);

// Names accepted by make_textbook_lattice, in documentation order.
const std::vector<std::string>& textbook_lattice_names();

}  // namespace coatkmc
