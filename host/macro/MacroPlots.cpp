#include "host/macro/MacroPlots.hpp"

#include "host/io/PythonScripts.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace coatkmc::macro {


PlotOutcome make_macro_plots(const std::string& out_dir) {
  PlotOutcome o;
  const std::string script = shipped_script("macro_plots.py");
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
  const std::string cmd = "MPLBACKEND=Agg " + shell_quote(python) + " " + shell_quote(script) + " " +
                          shell_quote(out_dir) + " >" + shell_quote(log) + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    o.failed = true;
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
