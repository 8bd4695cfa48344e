// Fuzz target: the configuration reader (load_config) with --set overrides.
//
// Input: the configuration file's bytes up to the first NUL, then each
// NUL-separated piece is one `--set KEY=VALUE`. A file with a NUL byte is
// refused before parsing, so the separator hides nothing the reader could see.
//
// Properties checked besides "no crash, no hang, no sanitizer report":
//  - the only failure is InputError, naming a place and saying what is wrong
//    (exit status 2 and one line in the command line);
//  - an accepted configuration's resolved TOML (--print-config) is itself
//    accepted and resolves to the same text.
#include <vector>

#include "FuzzSupport.hpp"
#include "host/config/ConfigReader.hpp"

using namespace coatkmc_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemoryFile file("fuzz-config");
  std::vector<std::string> parts = split_parts(data, size);
  const std::string text = parts.front();
  parts.erase(parts.begin());

  coatkmc::LoadedConfig first, again;
  if (!accepts("load_config", [&] { first = coatkmc::load_config(file.write(text), parts); }))
    return 0;
  if (!accepts("load_config", [&] { again = coatkmc::load_config(file.write(first.resolved_toml), {}); }))
    violated("the resolved configuration is refused:\n" + first.resolved_toml);
  if (again.resolved_toml != first.resolved_toml)
    violated("the resolved configuration resolves to something else:\n" + first.resolved_toml +
             "\n---\n" + again.resolved_toml);
  return 0;
}
