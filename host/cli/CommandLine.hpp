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

}  // namespace coatkmc
