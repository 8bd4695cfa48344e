#include "host/macro/MacroPlots.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace coatkmc::macro {

namespace fs = std::filesystem;

namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool has_matplotlib(const std::string& python) {
  const std::string cmd = quote(python) + " -c 'import matplotlib' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// The script ships with the sources; an installed copy could sit beside the binary.
std::string script_path() {
#ifdef COATKMC_SOURCE_DIR
  const fs::path p = fs::path(COATKMC_SOURCE_DIR) / "scripts" / "macro_plots.py";
  if (fs::exists(p)) return p.string();
#endif
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& p : {self.parent_path() / "macro_plots.py",
                              self.parent_path().parent_path() / "scripts" / "macro_plots.py"})
      if (fs::exists(p)) return p.string();
  }
  return "";
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

PlotOutcome make_macro_plots(const std::string& out_dir) {
  PlotOutcome o;
  const std::string script = script_path();
  if (script.empty()) {
    o.reason = "scripts/macro_plots.py not found";
    return o;
  }
  const std::string python = python_with_matplotlib();
  if (python.empty()) {
    o.reason = "no python3 with matplotlib (apt-get install python3-matplotlib)";
    return o;
  }
  const std::string log = out_dir + "/plots.log";
  const std::string cmd = "MPLBACKEND=Agg " + quote(python) + " " + quote(script) + " " +
                          quote(out_dir) + " >" + quote(log) + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    o.reason = "the plot script failed (see " + log + ")";
    return o;
  }
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("wrote ", 0) == 0) o.files.push_back(line.substr(6));
  o.made = true;
  return o;
}

}  // namespace coatkmc::macro
