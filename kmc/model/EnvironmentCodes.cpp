#include "kmc/model/EnvironmentCodes.hpp"

#include <algorithm>

namespace coatkmc {

std::vector<bool> EnvironmentCodes::cluster_sites() const {
  std::vector<bool> out;
  for (const auto& a : allowed) out.push_back(std::count(a.begin(), a.end(), true) >= 2);
  return out;
}

int EnvironmentCodes::code_of(const std::string& name) const {
  for (int c = 0; c < states(); ++c)
    if (names[c] == name) return c;
  return -1;
}

EnvironmentCodes environment_codes(const LatticeDescription& d, const EnvironmentSpec& spec) {
  EnvironmentCodes out;
  out.names.push_back("Va");
  for (const std::string& m : spec.mobile) out.names.push_back(m);
  for (const ImmobileSpec& im : spec.immobile) out.names.push_back(im.name);
  const int S = static_cast<int>(spec.mobile.size());
  for (const BasisSite& b : d.basis) {
    std::vector<bool> a(out.names.size(), false);
    a[0] = true;
    for (int s = 0; s < S; ++s) a[1 + s] = b.mobile;
    for (size_t i = 0; i < spec.immobile.size(); ++i)
      if (spec.immobile[i].sublattice == b.sublattice) a[1 + S + i] = true;
    out.allowed.push_back(std::move(a));
  }
  return out;
}

}  // namespace coatkmc
