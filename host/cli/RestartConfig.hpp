#pragma once
#include <string>
#include <vector>

#include "host/config/ConfigReader.hpp"
#include "host/io/CheckpointFile.hpp"

namespace coatkmc {

// Keys a restart may change with --set: how long the run goes on, how finely
// it is observed, and where it runs. Everything else would make the
// checkpointed state belong to another model.
const std::vector<std::string>& restart_changeable_keys();

// The configuration a checkpoint was made from, with the restart's --set
// overrides applied and validated like any configuration (errors name the
// checkpoint). A change of any other key is bad input.
LoadedConfig load_restart_config(const Checkpoint& checkpoint, const std::string& checkpoint_path,
                                 const std::vector<std::string>& overrides);

}  // namespace coatkmc
