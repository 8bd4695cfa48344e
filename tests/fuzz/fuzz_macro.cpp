// Fuzz target: the model files of `coatkmc macro`: the interface model
// ([macro], host/macro/MacroConfig) and the annealing study ([anneal],
// host/continuum/AnnealStudy), both TOML, with the dispatch tests that read
// any file first. Input: the file's text, then NUL-separated --set values
// for the annealing study. The only failure allowed is InputError.
#include "FuzzSupport.hpp"
#include "host/continuum/AnnealStudy.hpp"
#include "host/macro/MacroConfig.hpp"

using namespace coatkmc_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemoryFile file("fuzz-macro");
  std::vector<std::string> parts = split_parts(data, size);
  const std::string& path = file.write(parts.front());
  parts.erase(parts.begin());
  accepts("is_macro_config", [&] { coatkmc::macro::is_macro_config(path); });
  accepts("is_anneal_config", [&] { coatkmc::is_anneal_config(path); });
  accepts("load_macro_config", [&] { coatkmc::macro::load_macro_config(path); });
  accepts("load_anneal_config", [&] { coatkmc::load_anneal_config(path, parts); });
  return 0;
}
