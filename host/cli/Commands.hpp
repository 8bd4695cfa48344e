#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace coatkmc {

// Each command takes its arguments (without the command name) and returns an
// exit status; InputError and CannotProceed propagate to main().
using CommandFunction = int (*)(const std::vector<std::string>& args);

// One row of the command table: the verb, its usage line(s) for
// `coatkmc --help`, and the function that runs it.
struct Command {
  const char* verb;
  const char* usage;
  CommandFunction run;
};

// Every command of coatkmc, in the order `coatkmc --help` lists them
// (host/cli/CommandTable.cpp): the one place a verb is registered.
const std::vector<Command>& command_table();

// `coatkmc run`; `tags` are added to its result's provenance (a sweep task's).
int run_command(const std::vector<std::string>& args, const nlohmann::json& tags);
int run_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
// `coatkmc macro MODEL.toml`: the interface model (host/macro). A config with
// an [anneal] table runs as `anneal` (the verb of anneal studies), unchanged.
int macro_command(const std::vector<std::string>& args);

}  // namespace coatkmc
