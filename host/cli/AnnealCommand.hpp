#pragma once
#include <string>
#include <vector>

namespace coatkmc {

// `coatkmc macro CONFIG --out DIR` for configs with an [anneal] table: runs
// the anneal study (kMC-tabulated D(T), continuum multilayer through each
// schedule) and writes DIR/summary.json, DIR/profiles.csv, DIR/kmc_D.csv and,
// when python3 with matplotlib is there, DIR/profiles.png.
int anneal_command(const std::vector<std::string>& args);

// True when the command line names a config with an [anneal] table.
bool is_anneal_command_line(const std::vector<std::string>& args);

}  // namespace coatkmc
