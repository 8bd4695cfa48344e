// coatkmc command line: dispatches to a command and maps failures to the exit
// statuses of SPEC (2 bad input, 3 cannot proceed; a command returns 4 itself
// when its results are written but an optional file is not).
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "host/cli/Commands.hpp"
#include "host/io/BuildInfo.hpp"
#include "kmc/backend/Backend.hpp"
#include "kmc/core/Error.hpp"

namespace {

std::string usage() {
  std::string text = "usage: coatkmc COMMAND [options]\n\ncommands:\n";
  for (const coatkmc::Command& c : coatkmc::command_table()) text += std::string("  ") + c.usage + "\n";
  text +=
      "  --version | --help | COMMAND --help\n"
      "\n"
      "exit status: 0 done, 2 bad input, 3 the run cannot proceed on this machine,\n"
      "             4 results written but an optional file (checkpoint, plot) not\n";
  return text;
}

void print_version() {
  const coatkmc::BuildInfo& b = coatkmc::build_info();
  const coatkmc::BackendInfo& be = coatkmc::backend_info();
  std::cout << "coatkmc " << b.version << " (git " << b.git_sha << ", " << b.compiler << ", "
            << b.build_type << ", CUDA " << (b.cuda ? "on " + b.cuda_version : std::string("off"))
            << ")\n";
  if (b.cuda)
    std::cout << "CUDA devices: " << be.cuda_devices
              << (be.cuda_devices ? " (" + be.cuda_device_name + ")" : std::string()) << "\n";
}

// Error messages are one line: a newline inside a value or a library message must not split it.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty())
      throw coatkmc::InputError("command line", "no command given (see coatkmc --help)");
    const std::string cmd = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (cmd == "--version" || cmd == "version") {
      print_version();
      return 0;
    }
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << usage();
      return 0;
    }
    for (const coatkmc::Command& c : coatkmc::command_table())
      if (cmd == c.verb) return c.run(rest);
    throw coatkmc::InputError(cmd, "unknown command (see coatkmc --help)");
  } catch (const coatkmc::InputError& e) {
    std::fprintf(stderr, "coatkmc: error: %s: %s\n", one_line(e.where()).c_str(),
                 one_line(e.what()).c_str());
    return 2;
  } catch (const coatkmc::CannotProceed& e) {
    std::fprintf(stderr, "coatkmc: error: %s\n", one_line(e.what()).c_str());
    return 3;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "coatkmc: error: out of memory (try fewer cells, replicas or threads)\n");
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coatkmc: error: %s\n", one_line(e.what()).c_str());
    return 1;
  }
}
