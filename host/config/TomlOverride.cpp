#include "host/config/TomlOverride.hpp"

#include "host/config/TomlGuard.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

TomlAssignment parse_assignment(const std::string& assignment) {
  TomlAssignment a;
  a.where = "--set " + assignment;
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) throw InputError(a.where, "expected KEY=VALUE");
  a.key = assignment.substr(0, eq);
  a.value = assignment.substr(eq + 1);
  return a;
}

toml::table& apply_assignment(toml::table& root, const TomlAssignment& a) {
  const std::string& key = a.key;
  if (a.value.find_first_of("\n\r") != std::string::npos)
    throw InputError(a.where, key + ": the value must be on one line");
  if (const TomlHazard h = find_toml_hazard("value = " + a.value); h.line)
    throw InputError(a.where, key + ": value is not valid TOML (" + h.what + ")");
  toml::table parsed;
  try {
    parsed = toml::parse("value = " + a.value);
  } catch (const toml::parse_error& e) {
    throw InputError(a.where,
                     key + ": value is not valid TOML (" + std::string(e.description()) + ")");
  }
  // "1 # x" is fine; "1\n[run]..." cannot reach here, but keep the check cheap and total.
  if (parsed.size() != 1 || !parsed.get("value"))
    throw InputError(a.where, key + ": expected a single TOML value");
  toml::table* t = &root;
  std::string rest = key, path;
  for (size_t dot; (dot = rest.find('.')) != std::string::npos;) {
    const std::string part = rest.substr(0, dot);
    path += (path.empty() ? "" : ".") + part;
    rest = rest.substr(dot + 1);
    if (!t->contains(part)) t->insert(part, toml::table{});
    t = t->get(part)->as_table();
    if (!t) throw InputError(a.where, path + ": expected a table [" + path + "]");
  }
  t->insert_or_assign(rest, std::move(*parsed.get("value")));
  return *t;
}

}  // namespace coatkmc
