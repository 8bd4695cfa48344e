#pragma once
#include <string>
#include <vector>

namespace coatkmc {

// The files a run writes into its output folder (host/io/ResultWriter),
// result.json last: a folder holding either holds a run's results.
const std::vector<std::string>& run_output_names();

// The run outputs present in `dir` (names only); empty when `dir` does not exist.
std::vector<std::string> run_outputs_in(const std::string& dir);

// Removes the run outputs of `dir`, and temporary files a killed run may have
// left while writing them, so that a replacing run that is itself interrupted
// cannot leave an old result.json beside its own files. Throws
// std::runtime_error when one cannot be removed. result.json goes first.
void remove_run_outputs(const std::string& dir);

}  // namespace coatkmc
