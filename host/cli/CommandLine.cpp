#include "host/cli/CommandLine.hpp"

#include "kmc/core/Error.hpp"

namespace coatkmc {

cxxopts::ParseResult parse_command_line(cxxopts::Options& options, const std::string& program,
                                        const std::vector<std::string>& args) {
  // cxxopts wants a mutable argv; the result owns copies of what it keeps.
  std::vector<std::string> words{program};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  try {
    return options.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    throw InputError("command line", e.what());
  }
}

}  // namespace coatkmc
