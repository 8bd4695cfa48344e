#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/macro/KmcSources.hpp"
#include "host/macro/MacroConfig.hpp"

namespace coatkmc::macro {

// Everything a macro model computes, ready to write: summary.json and the
// CSV files beside it (name -> contents), and the lines that tell whether the
// model's expectations (orderings) hold.
struct StudyOutput {
  nlohmann::json summary;
  std::map<std::string, std::string> files;
  std::vector<std::string> report;  // human-readable lines for the terminal
  bool expectations_met = true;
};

// Builds each case's stack from the kMC values, fits the one free parameter
// when [fit] asks for it, and evaluates resistances, spectra (with their
// Kramers-Kronig check), rate capability and Li-plating thresholds.
StudyOutput evaluate_study(const MacroConfig& config, const KmcValues& kmc);

}  // namespace coatkmc::macro
