#pragma once
// What the fuzz targets share: inputs split into parts, readers that take a
// path fed from memory or a scratch folder, and the one failure a reader may
// show for bad input (InputError, exit status 2); anything else aborts, which
// libFuzzer reports as a crash.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kmc/core/Error.hpp"

namespace coatkmc_fuzz {

[[noreturn]] inline void violated(const std::string& what) {
  std::fprintf(stderr, "fuzz target: property violated: %s\n", what.c_str());
  std::abort();
}

// The input's NUL-separated parts (a part may be empty; there is always one).
inline std::vector<std::string> split_parts(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  size_t begin = 0;
  for (size_t end; (end = input.find('\0', begin)) != std::string::npos; begin = end + 1)
    parts.push_back(input.substr(begin, end - begin));
  parts.push_back(input.substr(begin));
  return parts;
}

// Runs a reader: true when it accepted, false when it refused with an
// InputError that names a place and says what is wrong.
template <class Reader>
bool accepts(const char* reader, Reader&& read) {
  try {
    read();
    return true;
  } catch (const coatkmc::InputError& e) {
    if (e.where().empty()) violated(std::string(reader) + ": an error names no place: " + e.what());
    if (std::string(e.what()).empty())
      violated(std::string(reader) + ": an error at " + e.where() + " says nothing");
    return false;
  } catch (const std::exception& e) {
    violated(std::string(reader) + ": an exception other than InputError: " + e.what());
  } catch (...) {
    violated(std::string(reader) + ": a non-standard exception");
  }
}

// A file in memory, reopened by path through /proc (for readers that take a path).
class MemoryFile {
 public:
  explicit MemoryFile(const char* name) : fd_(::memfd_create(name, 0)) {
    if (fd_ < 0) violated("memfd_create failed");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  const std::string& write(const std::string& bytes) {
    if (::ftruncate(fd_, 0) != 0 ||
        ::pwrite(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size()))
      violated("memfd write failed");
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};

// A folder emptied for each input (for readers of folders).
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "coatkmc-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) violated("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  // Empties the folder and returns its path.
  const std::string& fresh() {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(path_, ec))
      std::filesystem::remove_all(e.path(), ec);
    return path_;
  }
  void put(const std::string& name, const std::string& bytes) const {
    const std::filesystem::path p = std::filesystem::path(path_) / name;
    std::error_code ec;  // a name the file system refuses leaves the file out
    std::filesystem::create_directories(p.parent_path(), ec);
    std::ofstream(p, std::ios::binary) << bytes;
  }

 private:
  std::string path_;
};

}  // namespace coatkmc_fuzz
