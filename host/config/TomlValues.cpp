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

bool as_number(const toml::node& n, double& v) {
  if (auto i = n.as_integer()) {
    v = static_cast<double>(i->get());
    return true;
  }
  if (auto f = n.as_floating_point()) {
    v = f->get();
    return true;
  }
  return false;
}

bool in_range(double v, double lo, double hi, bool lo_open) {
  return !(v < lo || (lo_open && v == lo) || v > hi);
}

// "out of range (must be >= lo and <= hi)" after what is out of range.
std::string out_of_range(double lo, double hi, bool lo_open) {
  std::ostringstream os;
  os << " out of range (must be " << (lo_open ? "> " : ">= ") << lo;
  if (std::isfinite(hi)) os << " and <= " << hi;
  os << ")";
  return os.str();
}
}  // namespace

double toml_number(const toml::node& n, double lo, double hi, bool lo_open,
                   const TomlValueFail& fail) {
  double v;
  if (!as_number(n, v)) failed(fail, "expected a number");
  if (!std::isfinite(v)) failed(fail, "must be finite");
  if (!in_range(v, lo, hi, lo_open)) {
    std::ostringstream os;
    os << "value " << v << out_of_range(lo, hi, lo_open);
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

std::vector<double> toml_number_array(const toml::node& n, std::size_t min_len,
                                      std::size_t max_len, double lo, double hi, bool lo_open,
                                      const TomlValueFail& fail) {
  const toml::array* a = n.as_array();
  if (!a) failed(fail, "expected an array of numbers");
  if (a->size() < min_len || a->size() > max_len) {
    const std::string got = ", got " + std::to_string(a->size());
    if (max_len == kAnyLength)
      failed(fail, "expected at least " + std::to_string(min_len) + " numbers" + got);
    failed(fail, "expected " + std::to_string(min_len) +
                     (min_len == max_len ? "" : " to " + std::to_string(max_len)) + " numbers" +
                     got);
  }
  std::vector<double> out;
  for (const auto& e : *a) {
    double v;
    if (!as_number(e, v)) failed(fail, "expected an array of numbers");
    if (!std::isfinite(v)) failed(fail, "must be finite");
    if (!in_range(v, lo, hi, lo_open)) {
      std::ostringstream os;
      os << "element " << v << out_of_range(lo, hi, lo_open);
      failed(fail, os.str());
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace coatkmc
