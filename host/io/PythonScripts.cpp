#include "host/io/PythonScripts.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace coatkmc {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

namespace {
bool has_matplotlib(const std::string& python) {
  const std::string cmd = shell_quote(python) + " -c 'import matplotlib' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}
}  // namespace

std::string python_with_matplotlib() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("COATKMC_PYTHON")) candidates.push_back(env);
  candidates.push_back("/usr/bin/python3");
  candidates.push_back("python3");
  for (const auto& c : candidates)
    if (has_matplotlib(c)) return c;
  return "";
}

std::string shipped_script(const std::string& name) {
#ifdef COATKMC_SOURCE_DIR
  const fs::path p = fs::path(COATKMC_SOURCE_DIR) / "scripts" / name;
  if (fs::exists(p)) return p.string();
#endif
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& p :
         {self.parent_path() / name, self.parent_path().parent_path() / "scripts" / name})
      if (fs::exists(p)) return p.string();
  }
  return "";
}

}  // namespace coatkmc
