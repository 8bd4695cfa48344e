#pragma once
#include <toml++/toml.h>

#include <string>

namespace coatkmc {

// Input that toml++ 3.3 (Debian 12) parses against its own preconditions,
// found by fuzzing: an assertion in a debug build of the library, undefined
// behaviour (__builtin_assume / __builtin_unreachable) in a release one.
// Some are fixed upstream since; until the Debian package has the fixes, the
// reader refuses such text (never valid TOML but for the third case) before
// toml++ sees it:
//  - a table header whose name starts with a character no key can start with
//    ("[]", "[[[x]]]", "[ =", a "[" alone on its line; marzer/tomlplusplus#301);
//  - a non-ASCII character outside strings and comments, which TOML allows
//    nowhere else anyway (marzer/tomlplusplus#295, fixed by #305), also
//    behind a quote inside a bare value ('0"§'), where toml++ looks ahead;
//  - in a multi-line basic string, a backslash whose next
//    non-blank character is non-ASCII (marzer/tomlplusplus#190);
//  - a '}' where an array expects a value ("[1, }"), and a date followed by a
//    space, one digit and a terminator ("1979-05-27 0 "): parse_value()
//    assumes it never scans from a value terminator.
// The scanner follows strings as toml++ does, including a multi-line string
// closed by a run of four or five quotes (one or two are content).
struct TomlHazard {
  int line = 0;      // 1-based; 0: none found
  std::string what;  // for "TOML syntax: WHAT"
};
TomlHazard find_toml_hazard(const std::string& text);

// toml::parse for every reader of TOML: a hazard is thrown as the
// toml::parse_error toml++ throws for any other syntax error (its line as the
// source position), so a caller's handler needs no change.
toml::table parse_toml(const std::string& text, const std::string& source_path = "");
// The same for a whole file (toml::parse_file).
toml::table parse_toml_file(const std::string& path);

}  // namespace coatkmc
