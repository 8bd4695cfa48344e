#include "host/io/OptionalOutputs.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "host/io/PythonScripts.hpp"
#include "host/io/TrajectoryWriter.hpp"

namespace coatkmc {

bool draw_plot(const std::string& what, const std::string& folder, OptionalFiles& optional,
               std::string& notes) {
  const std::string file = folder + "/" + what + ".png";
  const std::string script = shipped_script("run_plots.py");
  if (script.empty()) {
    optional.failed(file, "scripts/run_plots.py not found");
    return false;
  }
  const std::string python = python_with_matplotlib();
  if (python.empty()) {
    notes += "coatkmc: note: " + file +
             " not drawn: no python3 with matplotlib (apt-get install python3-matplotlib)\n";
    return false;
  }
  // The script saves to NAME.tmp.PID and renames it: no half-drawn PNG.
  const std::string log = folder + "/plots.log";
  const std::string cmd = "MPLBACKEND=Agg " + shell_quote(python) + " " + shell_quote(script) + " " +
                          shell_quote(what) + " " + shell_quote(folder) + " >" + shell_quote(log) +
                          " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    optional.failed(file, "the plot script failed (see " + log + ")");
    return false;
  }
  std::error_code ec;
  std::filesystem::remove(log, ec);  // nothing to say when it worked
  return true;
}

std::vector<std::string> write_optional_outputs(const std::string& out, const Lattice& lattice,
                                                const SimulationSettings& s,
                                                const SimulationOutcome& outcome,
                                                const OptionalOutputRequest& request,
                                                OptionalFiles& optional, std::string& notes) {
  std::vector<std::string> written;
  if (s.trajectory_samples > 0) {
    const std::string path = out + "/" + trajectory_file_name(s);
    if (!has_trajectory(outcome))
      optional.failed(path, "a run continued from a checkpoint has no whole trajectory");
    else if (optional.write(path, [&] { write_trajectory(path, lattice, s, outcome); }))
      written.push_back(trajectory_file_name(s));
  }
  if (request.plots && draw_plot("msd", out, optional, notes)) written.push_back("msd.png");
  return written;
}

}  // namespace coatkmc
