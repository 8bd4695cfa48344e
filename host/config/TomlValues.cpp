#include "host/config/TomlValues.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace coatkmc {

namespace {
[[noreturn]] void failed(const TomlValueFail& fail, const std::string& what) {
  fail(what);
  throw std::logic_error("a TomlValueFail returned: " + what);  // fail must throw
}
}  // namespace

double toml_number(const toml::node& n, double lo, double hi, bool lo_open,
                   const TomlValueFail& fail) {
  double v;
  if (auto i = n.as_integer())
    v = static_cast<double>(i->get());
  else if (auto f = n.as_floating_point())
    v = f->get();
  else
    failed(fail, "expected a number");
  if (!std::isfinite(v)) failed(fail, "must be finite");
  if (v < lo || (lo_open && v == lo) || v > hi) {
    std::ostringstream os;
    os << "value " << v << " out of range (must be " << (lo_open ? "> " : ">= ") << lo;
    if (std::isfinite(hi)) os << " and <= " << hi;
    os << ")";
    failed(fail, os.str());
  }
  return v;
}

int64_t toml_integer(const toml::node& n, int64_t lo, int64_t hi, const TomlValueFail& fail) {
  auto i = n.as_integer();
  if (!i) failed(fail, "expected an integer");
  const int64_t v = i->get();
  if (v < lo || v > hi)
    failed(fail, "value " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
  return v;
}

}  // namespace coatkmc
