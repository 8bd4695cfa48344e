#pragma once
#include <string>

namespace coatkmc {

// Stamped at build time by scripts/WriteBuildInfo.cmake.
struct BuildInfo {
  std::string version, git_sha, compiler;
  bool cuda = false;
  std::string cuda_version, build_type, flags;
};
const BuildInfo& build_info();

}  // namespace coatkmc
