#pragma once
#include <toml++/toml.h>

#include <string>

namespace coatkmc {

// TOML text of a table that toml++ parses back to the same values (the
// resolved configuration of --print-config, result.json provenance and
// checkpoints). Not toml++'s own formatter: Debian 12's toml++ 3.3 decides
// whether an array goes on one line by converting log10 of each float to an
// unsigned integer, which is undefined for any |x| < 0.1 (found by fuzzing;
// toml_formatter.inl, toml_formatter_count_inline_columns). Scalars are still
// printed by toml++ (its quoting, escapes and round-trip float digits).
// Arrays are written inline, arrays of tables as [[sections]].
std::string write_toml(const toml::table& root);
// One value as it would follow "key = " (arrays and tables inline).
std::string write_toml_inline(const toml::node& value);

}  // namespace coatkmc
