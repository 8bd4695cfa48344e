#pragma once
#include <string>
#include <vector>

namespace coatkmc {

// The files a run leaves in its output folder: result.json, msd.csv and
// profile.csv (host/io/ResultWriter, result.json meant last) and
// checkpoint.ckpt (at the end, and of an interrupted run the only one). A folder holding any holds a run's
// results, which a second run must not mix with its own.
const std::vector<std::string>& run_output_names();

// What a run writes after its results from them (host/io/OptionalOutputs: the
// trajectory, msd.png, the plot log): not results of their own (a folder
// holding only these holds no run), but removed with the results they belong to.
const std::vector<std::string>& run_byproduct_names();

// The run outputs present in `dir` (names only); empty when `dir` does not
// exist. `continued` is the checkpoint a restart continues: when it is this
// folder's checkpoint.ckpt, that file is the run's own, not another's.
std::vector<std::string> run_outputs_in(const std::string& dir, const std::string& continued = "");

// Removes the run outputs and by-products of `dir` (but a continued checkpoint, as above), and
// the temporary files a killed run may have left while writing them, so that
// a replacing run that is itself interrupted cannot leave an old result.json
// beside its own files. result.json goes first. Throws std::runtime_error
// when one cannot be removed.
void remove_run_outputs(const std::string& dir, const std::string& continued = "");

}  // namespace coatkmc
