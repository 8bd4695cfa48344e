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

std::vector<std::string> take_option_values(const std::vector<std::string>& args,
                                            const std::vector<ValueOption>& options,
                                            const std::string& expected) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    bool taken = false;
    for (const ValueOption& o : options) {
      if (args[i] == o.name) {
        if (i + 1 == args.size())
          throw InputError(o.name, "expected " + expected + " after " + o.name);
        o.values->push_back(args[++i]);
        taken = true;
      } else if (args[i].rfind(o.name + "=", 0) == 0) {
        o.values->push_back(args[i].substr(o.name.size() + 1));
        taken = true;
      }
      if (taken) break;
    }
    if (!taken) rest.push_back(args[i]);
  }
  return rest;
}

}  // namespace coatkmc
