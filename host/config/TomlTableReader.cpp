#include "host/config/TomlTableReader.hpp"

#include <cmath>
#include <sstream>

#include "host/config/TomlValues.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

TomlTableReader::TomlTableReader(const toml::table& table, std::string file, std::string prefix,
                                 const std::map<std::string, std::string>* overrides)
    : table_(&table), file_(std::move(file)), prefix_(std::move(prefix)), overrides_(overrides) {}

std::string TomlTableReader::full(const std::string& key) const {
  return prefix_.empty() ? key : prefix_ + "." + key;
}

const toml::node* TomlTableReader::get(const std::string& key) const {
  return table_->get(key);
}

bool TomlTableReader::has(const std::string& key) const {
  return get(key) != nullptr;
}

std::string TomlTableReader::where(const std::string& key) const {
  if (overrides_) {
    const auto it = overrides_->find(full(key));
    if (it != overrides_->end()) return "--set " + it->second;
  }
  const toml::node* n = get(key);
  const auto& src = n ? n->source() : table_->source();
  if (src.begin.line == 0) return file_;
  return file_ + ":" + std::to_string(src.begin.line);
}

void TomlTableReader::fail(const std::string& key, const std::string& what) const {
  throw InputError(where(key), full(key) + ": " + what);
}

namespace {
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

std::string range_text(double lo, double hi, bool lo_open) {
  std::ostringstream os;
  os << "must be " << (lo_open ? "> " : ">= ") << lo;
  if (std::isfinite(hi)) os << " and <= " << hi;
  return os.str();
}
}  // namespace

double TomlTableReader::number(const std::string& key, double fallback, double lo, double hi,
                               bool lo_open) {
  const toml::node* n = get(key);
  if (!n) return fallback;
  used_.insert(key);
  return toml_number(*n, lo, hi, lo_open, [&](const std::string& what) { fail(key, what); });
}

double TomlTableReader::required_number(const std::string& key, double lo, double hi,
                                        bool lo_open) {
  if (!has(key)) fail(key, "missing (a number is required)");
  return number(key, 0, lo, hi, lo_open);
}

std::vector<double> TomlTableReader::number_array(const std::string& key,
                                                  std::vector<double> fallback, size_t min_len,
                                                  double lo, double hi, bool lo_open) {
  const toml::node* n = get(key);
  if (!n) return fallback;
  used_.insert(key);
  const toml::array* a = n->as_array();
  if (!a) fail(key, "expected an array of numbers");
  if (a->size() < min_len) fail(key, "expected at least " + std::to_string(min_len) + " numbers");
  std::vector<double> out;
  for (const auto& e : *a) {
    double v;
    if (!as_number(e, v)) fail(key, "expected an array of numbers");
    if (!std::isfinite(v) || v < lo || (lo_open && v == lo) || v > hi) {
      std::ostringstream os;
      os << "element " << v << " out of range (" << range_text(lo, hi, lo_open) << ")";
      fail(key, os.str());
    }
    out.push_back(v);
  }
  return out;
}

std::vector<double> TomlTableReader::numbers(const std::string& key, bool required, double lo,
                                             double hi) {
  if (!has(key)) {
    if (required) fail(key, "missing (an array of numbers is required)");
    return {};
  }
  const toml::array* a = get(key)->as_array();
  if (!a || a->empty()) fail(key, "expected a non-empty array of numbers");
  return number_array(key, {}, 1, lo, hi);
}

int64_t TomlTableReader::integer(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
  const toml::node* n = get(key);
  if (!n) return fallback;
  used_.insert(key);
  return toml_integer(*n, lo, hi, [&](const std::string& what) { fail(key, what); });
}

bool TomlTableReader::boolean(const std::string& key, bool fallback) {
  const toml::node* n = get(key);
  if (!n) return fallback;
  used_.insert(key);
  auto b = n->as_boolean();
  if (!b) fail(key, "expected true or false");
  return b->get();
}

std::string TomlTableReader::string(const std::string& key, const std::string& fallback,
                                    bool allow_empty) {
  const toml::node* n = get(key);
  if (!n) return fallback;
  used_.insert(key);
  auto s = n->as_string();
  if (!s) fail(key, "expected a string");
  if (s->get().empty() && !allow_empty) fail(key, "must not be empty");
  return s->get();
}

std::string TomlTableReader::required_string(const std::string& key, bool allow_empty) {
  if (!has(key)) fail(key, "missing (a string is required)");
  return string(key, "", allow_empty);
}

std::string TomlTableReader::choice(const std::string& key, const std::string& fallback,
                                    const std::vector<std::string>& allowed) {
  const std::string v = string(key, fallback);
  std::string list;
  for (const auto& a : allowed) {
    if (a == v) return v;
    list += (list.empty() ? "" : ", ") + a;
  }
  fail(key, "'" + v + "' is not one of: " + list);
}

std::vector<std::string> TomlTableReader::string_array(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return {};
  used_.insert(key);
  const toml::array* a = n->as_array();
  if (!a) fail(key, "expected an array of strings");
  std::vector<std::string> out;
  for (const auto& e : *a) {
    auto s = e.as_string();
    if (!s) fail(key, "expected an array of strings");
    out.push_back(s->get());
  }
  return out;
}

bool TomlTableReader::has_table(const std::string& key) const {
  const toml::node* n = get(key);
  return n && n->is_table();
}

TomlTableReader TomlTableReader::table(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) fail(key, "missing table [" + full(key) + "]");
  used_.insert(key);
  if (!n->is_table()) fail(key, "expected a table [" + full(key) + "]");
  return TomlTableReader(*n->as_table(), file_, full(key), overrides_);
}

std::vector<TomlTableReader> TomlTableReader::tables(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return {};
  used_.insert(key);
  const toml::array* a = n->as_array();
  if (!a || !a->is_array_of_tables())
    fail(key, "expected an array of tables [[" + full(key) + "]]");
  std::vector<TomlTableReader> out;
  for (size_t i = 0; i < a->size(); ++i)
    out.emplace_back(*a->get(i)->as_table(), file_, full(key) + "[" + std::to_string(i) + "]",
                     overrides_);
  return out;
}

const toml::node* TomlTableReader::node(const std::string& key) {
  const toml::node* n = get(key);
  if (n) used_.insert(key);
  return n;
}

void TomlTableReader::finish(const std::set<std::string>& read_elsewhere) const {
  // Report the unknown key that comes first in the file.
  const toml::node* first = nullptr;
  std::string first_key;
  for (auto&& [k, n] : *table_) {
    const std::string key(k.str());
    if (used_.count(key) || read_elsewhere.count(key)) continue;
    if (!first || n.source().begin.line < first->source().begin.line) {
      first = &n;
      first_key = key;
    }
  }
  if (first) fail(first_key, first->is_table() ? "unknown table" : "unknown key");
}

}  // namespace coatkmc
