#pragma once
#include <string>
#include <vector>

namespace coatkmc::macro {

struct PlotOutcome {
  bool made = false;
  std::vector<std::string> files;  // PNGs written
  std::string reason;              // why not, when not
  // The script ran and failed (e.g. a full disk): an optional file that could
  // not be written, unlike plots skipped for want of matplotlib or --no-plots.
  bool failed = false;
};

// Runs scripts/macro_plots.py on DIR (summary.json and the CSVs beside it)
// with a Python that has matplotlib: $COATKMC_PYTHON, then /usr/bin/python3,
// then python3 on PATH. Without one the plots are skipped, and said so.
PlotOutcome make_macro_plots(const std::string& out_dir);

}  // namespace coatkmc::macro
