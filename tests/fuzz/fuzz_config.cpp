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
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "host/config/ConfigReader.hpp"
#include "kmc/core/Error.hpp"

namespace {

// The reader takes a path: give it an in-memory file, reopened through /proc.
class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("fuzz-config", 0)) {
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  const std::string& write(const char* data, size_t size) {
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, data, size, 0) != static_cast<ssize_t>(size)) {
      std::perror("memfd write");
      std::abort();
    }
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};

[[noreturn]] void violated(const std::string& what) {
  std::fprintf(stderr, "fuzz_config: property violated: %s\n", what.c_str());
  std::abort();
}

// Loads a configuration; returns false (and checks the error) when it is refused.
bool load(MemoryFile& file, const std::string& text, const std::vector<std::string>& overrides,
          coatkmc::LoadedConfig& out) {
  try {
    out = coatkmc::load_config(file.write(text.data(), text.size()), overrides);
    return true;
  } catch (const coatkmc::InputError& e) {
    if (e.where().empty()) violated(std::string("an error names no place: ") + e.what());
    if (std::string(e.what()).empty()) violated("an error at " + e.where() + " says nothing");
    return false;
  } catch (const std::exception& e) {
    violated(std::string("an exception other than InputError: ") + e.what());
  } catch (...) {
    violated("a non-standard exception");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemoryFile file;
  const std::string input(reinterpret_cast<const char*>(data), size);
  size_t end = input.find('\0');
  const std::string text = input.substr(0, end);
  std::vector<std::string> overrides;
  while (end != std::string::npos) {
    const size_t next = input.find('\0', end + 1);
    overrides.push_back(input.substr(end + 1, next == std::string::npos ? next : next - end - 1));
    end = next;
  }

  coatkmc::LoadedConfig first;
  if (!load(file, text, overrides, first)) return 0;
  coatkmc::LoadedConfig again;
  if (!load(file, first.resolved_toml, {}, again))
    violated("the resolved configuration is refused:\n" + first.resolved_toml);
  if (again.resolved_toml != first.resolved_toml)
    violated("the resolved configuration resolves to something else:\n" + first.resolved_toml +
             "\n---\n" + again.resolved_toml);
  return 0;
}
