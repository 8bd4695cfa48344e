#pragma once
#include <string>

namespace coatkmc {

// Writes `contents` to a temporary file beside `path`, flushes it to disk and
// renames it over `path`: readers see the old file or the whole new one, never
// a partial write. Throws std::runtime_error on failure.
void write_file_atomically(const std::string& path, const std::string& contents);

// Creates a directory and its parents (like mkdir -p).
void make_directories(const std::string& path);

}  // namespace coatkmc
