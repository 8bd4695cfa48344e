#pragma once
// The one --set rule of every configuration: runs (and a sweep's tasks, the
// models' inline kMC runs through --kmc-set) and anneal studies. An override
// is "KEY=VALUE": KEY a dotted key (table.key; deeper in an anneal study's
// nested tables), VALUE one TOML value on one line, which replaces what the
// file gives. Every problem is an InputError at "--set KEY=VALUE".
#include <toml++/toml.h>

#include <string>

namespace coatkmc {

struct TomlAssignment {
  std::string key;    // "run.temperature"
  std::string value;  // the TOML text after '='
  std::string where;  // "--set KEY=VALUE", where its errors are reported
};

// Splits "KEY=VALUE"; no '=' or an empty KEY is bad input ("expected KEY=VALUE").
TomlAssignment parse_assignment(const std::string& assignment);

// Parses the value (one line, one TOML value, refused as toml++ 3.3 would
// mishandle it: TomlGuard) and sets it at its dotted key, making the tables on
// the way; a key on the way that holds no table is bad input. Returns the
// table that now holds the key's last part.
toml::table& apply_assignment(toml::table& root, const TomlAssignment& assignment);

}  // namespace coatkmc
