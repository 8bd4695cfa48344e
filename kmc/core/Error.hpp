#pragma once
#include <stdexcept>
#include <string>

#include "kernels/Failure.hpp"  // CannotProceed (exit status 3)

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

}  // namespace coatkmc
