#include "host/config/TomlWriter.hpp"

#include <sstream>
#include <string_view>

namespace coatkmc {

namespace {

bool is_bare_key(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

void write_key(std::ostream& os, std::string_view k) {
  if (is_bare_key(k))
    os << k;
  else
    os << toml::value<std::string>(std::string(k));  // quoted with toml++'s escapes
}

// An array every element of which is a table: written as [[name]] sections.
bool is_array_of_tables(const toml::node& n) {
  const toml::array* a = n.as_array();
  return a && !a->empty() && a->is_array_of_tables();
}

void write_inline(std::ostream& os, const toml::node& n);

void write_inline_table(std::ostream& os, const toml::table& t) {
  os << "{ ";
  bool first = true;
  for (auto&& [k, v] : t) {
    if (!first) os << ", ";
    first = false;
    write_key(os, k.str());
    os << " = ";
    write_inline(os, v);
  }
  os << (first ? "}" : " }");
}

void write_inline(std::ostream& os, const toml::node& n) {
  if (const toml::array* a = n.as_array()) {
    os << '[';
    for (size_t i = 0; i < a->size(); ++i) {
      os << (i ? ", " : " ");
      write_inline(os, (*a)[i]);
    }
    os << (a->empty() ? "]" : " ]");
  } else if (const toml::table* t = n.as_table()) {
    write_inline_table(os, *t);
  } else {
    n.visit([&](auto&& v) {
      if constexpr (toml::is_value<decltype(v)>) os << v;
    });
  }
}

void write_table(std::ostream& os, const toml::table& t, const std::string& path, bool header) {
  if (header) os << '[' << path << "]\n";
  // Plain keys first: after a sub-table header they would belong to it.
  for (auto&& [k, v] : t) {
    if (v.is_table() || is_array_of_tables(v)) continue;
    write_key(os, k.str());
    os << " = ";
    write_inline(os, v);
    os << '\n';
  }
  for (auto&& [k, v] : t) {
    std::ostringstream key;
    write_key(key, k.str());
    const std::string sub = path.empty() ? key.str() : path + "." + key.str();
    if (const toml::table* child = v.as_table()) {
      os << '\n';
      write_table(os, *child, sub, true);
    } else if (is_array_of_tables(v)) {
      for (const toml::node& e : *v.as_array()) {
        os << "\n[[" << sub << "]]\n";
        write_table(os, *e.as_table(), sub, false);
      }
    }
  }
}

}  // namespace

std::string write_toml_inline(const toml::node& value) {
  std::ostringstream os;
  write_inline(os, value);
  return os.str();
}

std::string write_toml(const toml::table& root) {
  std::ostringstream os;
  write_table(os, root, "", false);
  return os.str();
}

}  // namespace coatkmc
