#pragma once
#include <string>

namespace coatkmc {

// SHA-256 of `data` as 64 lowercase hex digits (FIPS 180-4); names a
// configuration text in provenance and a structure file in a site map
// (host/structure/SiteMapFile.hpp).
std::string sha256_hex(const std::string& data);

}  // namespace coatkmc
