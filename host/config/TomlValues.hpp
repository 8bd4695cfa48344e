#pragma once
// The typed values of every configuration reader: the run configuration's
// config::Validator and TomlTableReader (macro model, anneal study) find a
// key their own way (a dotted path over the whole document, or a key of one
// table) and read its value here, so a number, an integer and their ranges
// are checked, and their problems worded, once.
#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <string>

namespace coatkmc {

// Reports a problem with the value (the caller adds where and which key);
// must throw.
using TomlValueFail = std::function<void(const std::string& what)>;

// A finite number (integer or float) in [lo, hi] ((lo, hi] with lo_open).
double toml_number(const toml::node& node, double lo, double hi, bool lo_open,
                   const TomlValueFail& fail);

// An integer in [lo, hi].
int64_t toml_integer(const toml::node& node, int64_t lo, int64_t hi, const TomlValueFail& fail);

}  // namespace coatkmc
