#include "RunFiles.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "host/analysis/TransportEstimates.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/OptionalOutputs.hpp"
#include "host/io/OutputFolder.hpp"
#include "host/io/ProfileWriter.hpp"
#include "host/io/Provenance.hpp"
#include "host/io/ResultWriter.hpp"
#include "host/run/KmcRun.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

// As `coatkmc run --out DIR [--force]` (host/cli/RunCommand.cpp): results of
// two runs never mix; a folder that cannot take them is bad input, found
// before the run.
void prepare_folder(const std::string& out, bool force) {
  if (const auto found = run_outputs_in(out); !found.empty()) {
    if (!force)
      throw InputError("out", out + " already holds results (" + found.front() +
                                  "); choose another folder, or force=True to replace them");
    try {
      remove_run_outputs(out);
    } catch (const std::runtime_error& e) {
      throw InputError("out", e.what());
    }
  }
  try {
    make_directories(out);
  } catch (const std::runtime_error& e) {
    throw InputError("out", e.what());
  }
  if (::access(out.c_str(), W_OK | X_OK) != 0)
    throw InputError("out", "cannot write into " + out + ": " + std::strerror(errno));
}

}  // namespace

RunFiles run_in_process(const RunRequestInProcess& q, std::atomic<bool>& stop) {
  RunProvenance provenance;
  provenance.started_utc = now_utc();
  provenance.tags = {{"interface", "python"}};
  const LoadedConfig cfg = q.config_text.empty() ? load_config(q.name, q.overrides)
                                                 : load_config_text(q.config_text, q.name, q.overrides);
  // Nothing is kept for a checkpoint: a Python run is not resumed.
  const RunPlan plan = plan_configured_run(cfg, q.threads, RunKeeping{false, false, false});
  if (!q.out.empty()) prepare_folder(q.out, q.force);

  RunControl control;
  control.stop_requested = [&stop] { return stop.load(); };
  // Stopping goes through the checkpoint hook; there is nothing to save.
  control.save = [](const RunState&, const std::vector<const ReplicaRun*>&) {};
  RunState state;
  const SimulationOutcome outcome = run_simulation(plan, state, control, {});
  RunFiles f;
  if (outcome.interrupted || stop) {
    f.interrupted = true;
    return f;
  }
  const TransportEstimates est =
      estimate_transport(outcome, plan.settings.hop.temperature, plan.settings.hop.field);
  f.result_json = make_result_json(cfg, outcome, est, provenance).dump(2) + "\n";
  f.msd_csv = make_msd_csv(outcome);
  if (!outcome.slabs.empty() || !outcome.layers.empty()) f.profile_csv = make_profile_csv(outcome);
  if (!outcome.slab_snapshots.empty() || !outcome.layer_snapshots.empty()) {
    std::vector<std::string> names;
    for (const SpeciesSpec& sp : plan.settings.species.species) names.push_back(sp.name);
    f.species_profile_csv = make_species_profile_csv(outcome, names);
  }
  if (q.out.empty()) return f;
  // The order of `coatkmc run`: msd.csv, result.json, then the profiles.
  try {
    write_file_atomically(q.out + "/msd.csv", f.msd_csv);
    write_file_atomically(q.out + "/result.json", f.result_json);
    f.written = {"msd.csv", "result.json"};
    if (!f.profile_csv.empty()) {
      write_file_atomically(q.out + "/profile.csv", f.profile_csv);
      f.written.push_back("profile.csv");
    }
    if (!f.species_profile_csv.empty()) {
      write_file_atomically(q.out + "/species_profile.csv", f.species_profile_csv);
      f.written.push_back("species_profile.csv");
    }
  } catch (const std::runtime_error& e) {
    throw CannotProceed(std::string("the run finished but its results could not be saved: ") +
                        e.what());
  }
  // Then the trajectory and msd.png, as `coatkmc run` does; what was not
  // written goes to Python as a warning.
  OptionalOutputRequest extras;
  extras.plots = q.plots;
  std::ostringstream err;
  OptionalFiles optional(err);
  std::string notes;
  for (const std::string& name : write_optional_outputs(q.out, plan.world->lattice, plan.settings,
                                                        outcome, extras, optional, notes))
    f.written.push_back(name);
  f.warnings = err.str() + notes;
  return f;
}

}  // namespace coatkmc
