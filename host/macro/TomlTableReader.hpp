#pragma once
#include <toml++/toml.h>

#include <set>
#include <string>
#include <vector>

namespace coatkmc::macro {

// Reads the keys of one TOML table with types and ranges checked, and every
// problem reported as InputError at FILE:LINE naming the dotted key. finish()
// rejects the keys nobody asked for, so a typo never passes silently.
class TomlTableReader {
 public:
  TomlTableReader(const toml::table& table, std::string file, std::string prefix);

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
  int64_t integer(const std::string& key, int64_t fallback, int64_t lo, int64_t hi);
  bool boolean(const std::string& key, bool fallback);
  std::string string(const std::string& key, const std::string& fallback);
  std::string required_string(const std::string& key);
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  std::vector<std::string> string_array(const std::string& key);

  // Sub-tables and arrays of tables; absent gives an empty result.
  bool has_table(const std::string& key) const;
  TomlTableReader table(const std::string& key);
  std::vector<TomlTableReader> tables(const std::string& key);
  // The raw node of a key, marked as used (for values of several types).
  const toml::node* node(const std::string& key);

  // Errors for keys of this table that were never read.
  void finish() const;

 private:
  const toml::node* get(const std::string& key) const;
  std::string full(const std::string& key) const;

  const toml::table* table_;
  std::string file_, prefix_;
  std::set<std::string> used_;
};

}  // namespace coatkmc::macro
