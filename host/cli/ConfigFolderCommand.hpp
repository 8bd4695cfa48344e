#pragma once
// The command line of the commands that read one configuration and write
// files into a folder without running it (`structure`, `clusters`):
//   coatkmc VERB CONFIG.toml [--out DIR] [--set KEY=VALUE]...
#include <optional>
#include <string>
#include <vector>

#include "host/config/ConfigReader.hpp"

namespace coatkmc {

struct ConfigFolderCommand {
  std::string verb;         // "structure": the help's "coatkmc structure"
  std::string description;  // the help's text
  std::string default_out;  // DIR when --out is not given
  ConfigUse use = ConfigUse::Run;
};

struct ConfigFolderRequest {
  std::string config, out;
  LoadedConfig cfg;
};

// Parses the arguments (--set values may hold commas: taken out first, as run
// does), loads the configuration and prints its notes and warnings to stderr.
// Nothing (the help printed) for --help. Bad input: InputError (exit 2).
std::optional<ConfigFolderRequest> read_config_folder_command(const ConfigFolderCommand& command,
                                                              const std::vector<std::string>& in);

}  // namespace coatkmc
