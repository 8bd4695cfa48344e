#include "host/config/TomlTableReader.hpp"

#include "host/config/KeyCheck.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

TomlTableReader::TomlTableReader(const toml::table& table, std::string file, std::string prefix,
                                 const std::map<std::string, std::string>* origins)
    : table_(&table), file_(std::move(file)), prefix_(std::move(prefix)), origins_(origins) {}

TomlTableReader TomlTableReader::resolving(toml::table& root, std::string file,
                                           const std::map<std::string, std::string>* origins) {
  TomlTableReader r(root, std::move(file), "", origins);
  r.writable_ = &root;
  return r;
}

std::string TomlTableReader::full(const std::string& key) const {
  return prefix_.empty() ? key : prefix_ + "." + key;
}

const toml::node* TomlTableReader::get(const std::string& key) const {
  if (key.find_first_of(".[") == std::string::npos) return table_->get(key);
  return table_->at_path(key).node();
}

std::string TomlTableReader::line_of(const toml::node& n) const {
  const auto line = n.source().begin.line;
  return line == 0 ? "" : file_ + ":" + std::to_string(line);
}

bool TomlTableReader::has(const std::string& key) const {
  return get(key) != nullptr;
}

std::string TomlTableReader::where(const std::string& key) const {
  // The key itself, else the tables that hold it (a missing key is reported
  // at its table), else this table, else the file.
  for (std::string k = key;;) {
    if (origins_) {
      const auto it = origins_->find(full(k));
      if (it != origins_->end()) return it->second;
    }
    if (const toml::node* n = get(k))
      if (std::string at = line_of(*n); !at.empty()) return at;
    const auto dot = k.rfind('.');
    if (dot == std::string::npos) break;
    k.erase(dot);
  }
  const std::string at = line_of(*table_);
  return at.empty() ? file_ : at;
}

void TomlTableReader::fail(const std::string& key, const std::string& what) const {
  throw InputError(where(key), full(key) + ": " + what);
}

void TomlTableReader::fail_table(const std::string& key, const std::string& what) const {
  const std::string at = line_of(*table_);
  throw InputError(at.empty() ? file_ : at, full(key) + ": " + what);
}

toml::table* TomlTableReader::table_for(const std::string& key, std::string& leaf) {
  if (!writable_) return nullptr;
  toml::table* t = writable_;
  size_t start = 0;
  for (size_t dot; (dot = key.find('.', start)) != std::string::npos; start = dot + 1) {
    const std::string part = key.substr(start, dot - start);
    if (!t->contains(part)) t->insert(part, toml::table{});
    t = t->get(part)->as_table();
    if (!t) return nullptr;  // the schema check refused this already
  }
  leaf = key.substr(start);
  return t;
}

double TomlTableReader::number(const std::string& key, double fallback, double lo, double hi,
                               bool lo_open) {
  const toml::node* n = get(key);
  if (!n) {
    set(key, fallback);
    return fallback;
  }
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
                                                  size_t max_len, double lo, double hi,
                                                  bool lo_open) {
  const toml::node* n = get(key);
  if (!n) {
    if (writable_) {
      toml::array a;
      for (double x : fallback) a.push_back(x);
      set(key, std::move(a));
    }
    return fallback;
  }
  used_.insert(key);
  return toml_number_array(*n, min_len, max_len, lo, hi, lo_open,
                           [&](const std::string& what) { fail(key, what); });
}

std::vector<double> TomlTableReader::numbers(const std::string& key, bool required, double lo,
                                             double hi) {
  if (!has(key)) {
    if (required) fail(key, "missing (an array of numbers is required)");
    return {};
  }
  const toml::array* a = get(key)->as_array();
  if (!a || a->empty()) fail(key, "expected a non-empty array of numbers");
  return number_array(key, {}, 1, kAnyLength, lo, hi);
}

int64_t TomlTableReader::integer(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
  const toml::node* n = get(key);
  if (!n) {
    set(key, fallback);
    return fallback;
  }
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
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  const toml::node* n = get(key);
  if (!n) {
    set(key, fallback);
    return fallback;
  }
  used_.insert(key);
  auto s = n->as_string();
  if (!s) fail(key, "expected a string, one of: " + list);
  for (const auto& a : allowed)
    if (a == s->get()) return a;
  fail(key, "'" + s->get() + "' is not one of: " + list);
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
  return TomlTableReader(*n->as_table(), file_, full(key), origins_);
}

std::vector<TomlTableReader> TomlTableReader::tables(const std::string& key, int first_index) {
  const toml::node* n = get(key);
  if (!n) return {};
  used_.insert(key);
  const toml::array* a = n->as_array();
  if (!a || !a->is_array_of_tables())
    fail(key, "expected an array of tables [[" + full(key) + "]]");
  std::vector<TomlTableReader> out;
  for (size_t i = 0; i < a->size(); ++i)
    out.emplace_back(*a->get(i)->as_table(), file_,
                     full(key) + "[" + std::to_string(first_index + static_cast<int>(i)) + "]",
                     origins_);
  return out;
}

const toml::node* TomlTableReader::node(const std::string& key) {
  const toml::node* n = get(key);
  if (n) used_.insert(key);
  return n;
}

void TomlTableReader::finish(const std::set<std::string>& read_elsewhere) const {
  KeyCheck check;
  for (auto&& [k, n] : *table_) {
    const std::string key(k.str());
    if (!used_.count(key) && !read_elsewhere.count(key)) check.unknown(full(key), n, where(key));
  }
  check.throw_first();
}

void TomlTableReader::refuse_other_keys(const std::set<std::string>& known,
                                        const std::string& hint) const {
  KeyCheck check;
  for (auto&& [k, n] : *table_) {
    const std::string key(k.str());
    if (!known.count(key)) check.unknown(full(key), n, where(key), hint);
  }
  check.throw_first();
}

}  // namespace coatkmc
