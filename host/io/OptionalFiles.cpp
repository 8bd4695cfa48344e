#include "host/io/OptionalFiles.hpp"

#include <exception>
#include <iostream>

namespace coatkmc {

namespace {
// One line per failure, as every other message of coatkmc.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}
}  // namespace

OptionalFiles::OptionalFiles(std::ostream& err) : err_(err) {}
OptionalFiles::OptionalFiles() : err_(std::cerr) {}

bool OptionalFiles::write(const std::string& path, const std::function<void()>& write) {
  try {
    write();
    return true;
  } catch (const std::exception& e) {
    failed(path, e.what());
    return false;
  }
}

void OptionalFiles::failed(const std::string& path, const std::string& why) {
  ++failures_;
  err_ << "coatkmc: warning: " << one_line(path) << " not written: " << one_line(why)
       << " (the results are complete; exit status " << kExitOptionalFileFailed << ")\n";
  err_.flush();
}

}  // namespace coatkmc
