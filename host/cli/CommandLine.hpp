#pragma once
#include <cxxopts.hpp>
#include <string>
#include <vector>

namespace coatkmc {

// Parses one subcommand's arguments (`program` is the name its help shows,
// e.g. "coatkmc run"). A malformed option is bad input: InputError at
// "command line" (exit status 2), with cxxopts' own message.
cxxopts::ParseResult parse_command_line(cxxopts::Options& options, const std::string& program,
                                        const std::vector<std::string>& args);

// An option whose values cxxopts must not see (it would split them at commas,
// and TOML values hold commas): where it is taken out before parsing.
struct ValueOption {
  std::string name;                  // "--set"
  std::vector<std::string>* values;  // receives each value, in order
};

// Takes every "NAME VALUE" and "NAME=VALUE" of `options` out of `args` in one
// pass and returns the rest in order. NAME last, without its value, is bad
// input: "expected EXPECTED after NAME".
std::vector<std::string> take_option_values(const std::vector<std::string>& args,
                                            const std::vector<ValueOption>& options,
                                            const std::string& expected);

}  // namespace coatkmc
