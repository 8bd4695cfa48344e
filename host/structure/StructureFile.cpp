#include "host/structure/StructureFile.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "kernels/PhysicalConstants.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

constexpr std::size_t kMaxStructureBytes = 16 << 20;
constexpr double kDegree = kPi / 180.0;

bool ends_with(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i])
      return false;
  return true;
}

}  // namespace

StructureFormat structure_format(const std::string& path, const std::string& text) {
  if (ends_with(path, ".cif")) return StructureFormat::Cif;
  const std::string name = path.substr(path.find_last_of('/') + 1);
  if (ends_with(name, ".vasp") || name.rfind("POSCAR", 0) == 0 || name.rfind("CONTCAR", 0) == 0)
    return StructureFormat::Poscar;
  // Otherwise by content: a CIF has a data_ block header at the start of a line.
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = text.find_first_not_of(" \t", pos);
    if (start != std::string::npos && text.compare(start, 5, "data_") == 0)
      return StructureFormat::Cif;
    pos = text.find('\n', pos);
    if (pos == std::string::npos) break;
    ++pos;
  }
  return StructureFormat::Poscar;
}

std::string read_structure_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the structure file");
  // In pieces rather than into a buffer of the largest size: a 16 MiB buffer
  // costs its page faults on every import, small files included.
  std::string text;
  std::vector<char> chunk(1 << 16);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxStructureBytes)
      throw InputError(path, "structure file larger than 16 MiB");
  }
  if (in.bad()) throw InputError(path, "cannot read the structure file");
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    const auto line = 1 + std::count(text.begin(), text.begin() + nul, '\n');
    throw InputError(path + ":" + std::to_string(line), "not a text file (NUL byte)");
  }
  return text;
}

LatticeDescription read_structure_text(const std::string& path, const std::string& text,
                                       const StructureImportOptions& options) {
  if (structure_format(path, text) == StructureFormat::Cif)
    return read_cif_text(path, text, options);
  return read_poscar_text(path, text, options);
}

LatticeDescription read_structure_file(const std::string& path,
                                       const StructureImportOptions& options) {
  return read_structure_text(path, read_structure_source(path), options);
}

void cell_vectors_from_parameters(const double l[3], const double angles[3], Vec3 out[3]) {
  const double ca = std::cos(angles[0] * kDegree), cb = std::cos(angles[1] * kDegree);
  const double cg = std::cos(angles[2] * kDegree), sg = std::sin(angles[2] * kDegree);
  for (int i = 0; i < 3; ++i)
    if (!(l[i] > 0) || !(angles[i] > 0 && angles[i] < 180))
      throw std::invalid_argument(
          "cell lengths must be positive and angles within (0, 180) degrees");
  const double cy = (ca - cb * cg) / sg;
  const double cz2 = 1 - cb * cb - cy * cy;
  if (!(cz2 > 1e-10)) throw std::invalid_argument("the cell angles make a flat cell");
  out[0] = {l[0], 0, 0};
  out[1] = {l[1] * cg, l[1] * sg, 0};
  out[2] = {l[2] * cb, l[2] * cy, l[2] * std::sqrt(cz2)};
}

void cell_parameters(const Vec3 v[3], double lengths[3], double angles[3]) {
  for (int i = 0; i < 3; ++i) lengths[i] = norm(v[i]);
  for (int i = 0; i < 3; ++i) {
    const Vec3& p = v[(i + 1) % 3];
    const Vec3& q = v[(i + 2) % 3];
    angles[i] = std::acos(std::max(-1.0, std::min(1.0, dot(p, q) / (norm(p) * norm(q))))) / kDegree;
  }
}

std::string element_symbol(const std::string& name) {
  std::string s;
  for (char c : name) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    if (s.size() == 2) break;
    s += s.empty() ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                   : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

}  // namespace coatkmc
