#pragma once
// The typed values of every configuration reader (TomlTableReader: the run
// configuration, the macro model, the anneal study): a number, an integer, an
// array of numbers and their ranges are checked, and their problems worded,
// once.
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace coatkmc {

// Reports a problem with the value (the caller adds where and which key);
// must throw.
using TomlValueFail = std::function<void(const std::string& what)>;

// An array of numbers of any length from its minimum on.
constexpr std::size_t kAnyLength = std::numeric_limits<std::size_t>::max();

// A finite number (integer or float) in [lo, hi] ((lo, hi] with lo_open).
double toml_number(const toml::node& node, double lo, double hi, bool lo_open,
                   const TomlValueFail& fail);

// An integer in [lo, hi].
int64_t toml_integer(const toml::node& node, int64_t lo, int64_t hi, const TomlValueFail& fail);

// An array of min_len to max_len (kAnyLength: no maximum) finite numbers, each
// in [lo, hi] ((lo, hi] with lo_open).
std::vector<double> toml_number_array(const toml::node& node, std::size_t min_len,
                                      std::size_t max_len, double lo, double hi, bool lo_open,
                                      const TomlValueFail& fail);

}  // namespace coatkmc
