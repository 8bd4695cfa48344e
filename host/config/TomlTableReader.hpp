#pragma once
#include <toml++/toml.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace coatkmc {

// The typed reader of one TOML table, shared by the macro model
// (host/macro/MacroConfig) and the anneal study (host/continuum/AnnealStudy):
// each section's parse function asks for its keys with their types and
// ranges, and finish() rejects the keys nobody asked for (the key check of
// Ginkgo's config_check_decorator), so a typo never passes silently. Every
// problem is an InputError at FILE:LINE of the key (or of the table), or at
// the --set that gave it, naming the dotted key: PREFIX.KEY, arrays of
// tables as PREFIX.KEY[N] (N from 0).
class TomlTableReader {
 public:
  // `overrides`: full dotted key -> its "KEY=VALUE" (the --set that gave it), or null.
  TomlTableReader(const toml::table& table, std::string file, std::string prefix,
                  const std::map<std::string, std::string>* overrides = nullptr);

  bool has(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  std::string where(const std::string& key) const;  // FILE:LINE of a key (or of the table)
  const std::string& prefix() const { return prefix_; }
  const std::string& file() const { return file_; }

  // Numbers; `lo_open` makes the lower bound exclusive.
  double number(const std::string& key, double fallback, double lo, double hi,
                bool lo_open = false);
  double required_number(const std::string& key, double lo, double hi, bool lo_open = false);
  std::vector<double> number_array(const std::string& key, std::vector<double> fallback,
                                   size_t min_len, double lo, double hi, bool lo_open = false);
  // A non-empty array of numbers in [lo, hi]; absent: empty, or an error when `required`.
  std::vector<double> numbers(const std::string& key, bool required, double lo, double hi);
  int64_t integer(const std::string& key, int64_t fallback, int64_t lo, int64_t hi);
  bool boolean(const std::string& key, bool fallback);
  // Strings; an empty one is an error unless `allow_empty`.
  std::string string(const std::string& key, const std::string& fallback,
                     bool allow_empty = false);
  std::string required_string(const std::string& key, bool allow_empty = false);
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  std::vector<std::string> string_array(const std::string& key);

  // Sub-tables and arrays of tables; absent gives an empty result.
  bool has_table(const std::string& key) const;
  TomlTableReader table(const std::string& key);
  std::vector<TomlTableReader> tables(const std::string& key);
  // The raw node of a key, marked as used (for values of several types).
  const toml::node* node(const std::string& key);

  // Errors for keys of this table that were never read (`read_elsewhere`:
  // keys another parse function reads), the first in the file first.
  void finish(const std::set<std::string>& read_elsewhere = {}) const;

 private:
  const toml::node* get(const std::string& key) const;
  std::string full(const std::string& key) const;

  const toml::table* table_;
  std::string file_, prefix_;
  const std::map<std::string, std::string>* overrides_;
  std::set<std::string> used_;
};

}  // namespace coatkmc
