#pragma once
// The one key check of every configuration reader (the key check of Ginkgo's
// config_check_decorator): the run configuration's schema check
// (ConfigSchema.cpp: keys no section knows) and TomlTableReader::finish (keys
// no parse function asked for, macro model and anneal study) both collect the
// keys they refuse here, and the first one is reported: the first in the file,
// one given with --set before all of them. Worded once:
//   PLACE: KEY: unknown key|unknown table[HINT]
#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>

namespace coatkmc {

class KeyCheck {
 public:
  // A key that is not known: `place` is where it is reported (FILE:LINE or
  // "--set KEY=VALUE"), `hint` follows the wording (" (did you mean x?)").
  void unknown(const std::string& full_key, const toml::node& node, const std::string& place,
               const std::string& hint = "");
  // Another problem with a key found while checking ("expected a table [x]").
  void problem(const std::string& full_key, const toml::node& node, const std::string& place,
               const std::string& what);
  // Throws InputError for the first problem found, if any.
  void throw_first() const;

  // "unknown table" for a table, else "unknown key", then the hint.
  static std::string unknown_text(bool is_table, const std::string& hint = "");

 private:
  struct Found {
    uint32_t line;  // 0 for a key given with --set: reported first
    std::string place, what;
  };
  std::optional<Found> first_;
};

}  // namespace coatkmc
