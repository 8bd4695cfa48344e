#pragma once
#include <stdexcept>
#include <string>

namespace coatkmc {

// Bad input: the command line turns this into exit status 2 and one line
// "coatkmc: error: WHERE: WHAT". `where` is FILE[:LINE] or an option name.
class InputError : public std::runtime_error {
 public:
  InputError(std::string where, const std::string& what)
      : std::runtime_error(what), where_(std::move(where)) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

// A run that cannot proceed on this machine (exit status 3), e.g. no usable GPU.
class CannotProceed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace coatkmc
