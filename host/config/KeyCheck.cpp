#include "host/config/KeyCheck.hpp"

#include "kmc/core/Error.hpp"

namespace coatkmc {

std::string KeyCheck::unknown_text(bool is_table, const std::string& hint) {
  return std::string(is_table ? "unknown table" : "unknown key") + hint;
}

void KeyCheck::unknown(const std::string& full_key, const toml::node& node,
                       const std::string& place, const std::string& hint) {
  problem(full_key, node, place, unknown_text(node.is_table(), hint));
}

void KeyCheck::problem(const std::string& full_key, const toml::node& node,
                       const std::string& place, const std::string& what) {
  // Tables iterate by name, not by line: order by line here. A --set is on
  // the command line, before the file.
  const bool from_set = place.rfind("--set ", 0) == 0;
  const uint32_t line = from_set ? 0 : node.source().begin.line;
  if (!first_ || line < first_->line) first_ = Found{line, place, full_key + ": " + what};
}

void KeyCheck::throw_first() const {
  if (first_) throw InputError(first_->place, first_->what);
}

}  // namespace coatkmc
