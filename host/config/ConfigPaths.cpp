#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "host/config/ConfigSections.hpp"

namespace coatkmc {

const std::vector<std::string>& path_valued_keys() {
  static const std::vector<std::string> keys = {"lattice.file", "lattice.site_map",
                                                "environment.coefficients"};
  return keys;
}

namespace config {

// Relative to the configuration's folder when the file gives it, to the
// working directory when --set does, like any command-line path. The
// resolved configuration gets the absolute path: it is written elsewhere
// (a sweep's DIR/sweep.toml, a checkpoint, result.json) and read again from
// there (sweep tasks, --restart), where a relative path would name another
// file or none.
std::filesystem::path config_path(Validator& v, const LoadedConfig& cfg, const std::string& key,
                                  const std::string& given) {
  // The sweep's --vary makes the keys of this list absolute: every key read
  // here must be on it (a key left off fails every run that gives it).
  if (std::find(path_valued_keys().begin(), path_valued_keys().end(), key) ==
      path_valued_keys().end())
    throw std::logic_error("config_path: " + key + " is missing from path_valued_keys()");
  std::filesystem::path file(given);
  const bool from_set = cfg.where(key).rfind("--set ", 0) == 0;
  if (file.is_relative() && !from_set) file = std::filesystem::path(cfg.path).parent_path() / file;
  file = std::filesystem::absolute(file).lexically_normal();
  // Replaces the node `given` may refer to: copy first.
  const std::string text = file.string();
  v.set(key, text);
  return file;
}

}  // namespace config
}  // namespace coatkmc
