#pragma once
#include <string>
#include <vector>

namespace coatkmc {

// Each command takes its arguments (without the command name) and returns an
// exit status; InputError and CannotProceed propagate to main().
int run_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
int macro_command(const std::vector<std::string>& args);  // host/macro/MacroCommand.cpp

}  // namespace coatkmc
