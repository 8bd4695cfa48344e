#include "host/cli/ConfigFolderCommand.hpp"

#include <cxxopts.hpp>
#include <iostream>

#include "host/cli/CommandLine.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

std::optional<ConfigFolderRequest> read_config_folder_command(const ConfigFolderCommand& command,
                                                              const std::vector<std::string>& in) {
  std::vector<std::string> overrides;
  const std::vector<std::string> args = take_option_values(in, {{"--set", &overrides}}, "KEY=VALUE");
  const std::string program = "coatkmc " + command.verb;
  cxxopts::Options opts(program, command.description);
  opts.custom_help("CONFIG.toml [--out DIR] [--set KEY=VALUE]...");
  opts.positional_help("");
  opts.add_options()
      ("config", "configuration file", cxxopts::value<std::string>())
      ("out", "output folder", cxxopts::value<std::string>()->default_value(command.default_out))
      ("set", "override a key: KEY=VALUE, the value in TOML (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  opts.parse_positional({"config"});
  const cxxopts::ParseResult res = parse_command_line(opts, program, args);
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return std::nullopt;
  }
  if (!res.unmatched().empty())
    throw InputError(res.unmatched().front(), "one configuration file only");
  if (!res.count("config"))
    throw InputError("command line", command.verb + ": no configuration file given");
  ConfigFolderRequest q;
  q.config = res["config"].as<std::string>();
  q.out = res["out"].as<std::string>();
  if (q.out.empty()) throw InputError("--out", "the output folder name is empty");
  q.cfg = load_config(q.config, overrides, command.use);
  for (const std::string& note : q.cfg.notes) std::cerr << "coatkmc: note: " << note << "\n";
  for (const std::string& w : q.cfg.warnings) std::cerr << "coatkmc: warning: " << w << "\n";
  return q;
}

}  // namespace coatkmc
