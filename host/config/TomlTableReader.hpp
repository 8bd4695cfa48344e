#pragma once
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "host/config/TomlValues.hpp"

namespace coatkmc {

// The one typed TOML reader of every configuration: the run configuration
// (host/config/ConfigReader and its *Section.cpp files), the macro model
// (host/macro/MacroConfig) and the anneal study (host/continuum/AnnealStudy).
// Each section's parse function asks for its keys with their types and
// ranges (values worded once, TomlValues.hpp); keys nobody knows are refused
// by the one key check (KeyCheck.hpp): finish() for the keys no parse
// function asked for, or the run configuration's schema (ConfigSchema.cpp).
// Every problem is an InputError at FILE:LINE of the key (else of the table
// that holds it), or at the --set that gave it, naming the dotted key:
// PREFIX.KEY, arrays of tables as PREFIX.KEY[N].
//
// A key may be dotted ("run.temperature": the run configuration reads the
// whole document through one reader). A resolving reader (resolving()) writes
// the default of every number, integer, choice and number array it reads
// into the document, which becomes the resolved configuration (result.json,
// --print-config); a boolean or string left out stays out, so a new switch
// that is off by default changes no output.
class TomlTableReader {
 public:
  // `origins`: full dotted key -> where it came from ("FILE:LINE", or
  // "--set KEY=VALUE" for an override), or null; looked up before the file's
  // own lines, so a --set value is reported at the --set.
  TomlTableReader(const toml::table& table, std::string file, std::string prefix,
                  const std::map<std::string, std::string>* origins = nullptr);
  // A reader of a whole document that writes the defaults it reads into it.
  static TomlTableReader resolving(toml::table& root, std::string file,
                                   const std::map<std::string, std::string>* origins);

  bool has(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  // The same at the line of this table (a problem of the whole entry that names one key).
  [[noreturn]] void fail_table(const std::string& key, const std::string& what) const;
  std::string where(const std::string& key) const;  // FILE:LINE of a key (or of its table)
  const std::string& prefix() const { return prefix_; }
  const std::string& file() const { return file_; }

  // Numbers; `lo_open` makes the lower bound exclusive.
  double number(const std::string& key, double fallback, double lo, double hi,
                bool lo_open = false);
  double required_number(const std::string& key, double lo, double hi, bool lo_open = false);
  // An array of min_len to max_len (kAnyLength: any) numbers, each in [lo, hi].
  std::vector<double> number_array(const std::string& key, std::vector<double> fallback,
                                   size_t min_len, size_t max_len,
                                   double lo = -std::numeric_limits<double>::infinity(),
                                   double hi = std::numeric_limits<double>::infinity(),
                                   bool lo_open = false);
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

  // Sub-tables and arrays of tables; absent gives an empty result. The
  // entries of an array of tables are named KEY[N], N from `first_index`.
  bool has_table(const std::string& key) const;
  TomlTableReader table(const std::string& key);
  std::vector<TomlTableReader> tables(const std::string& key, int first_index = 0);
  // The raw node of a key, marked as used (for values of several types), or null.
  const toml::node* node(const std::string& key);

  // Writes `value` at `key` of a resolving reader's document (a default the
  // reader's typed functions do not write for you); nothing otherwise.
  template <class T>
  void set(const std::string& key, T&& value) {
    std::string leaf;
    if (toml::table* t = table_for(key, leaf)) t->insert_or_assign(leaf, std::forward<T>(value));
  }

  // Errors for keys of this table that are not among `known`, before any is
  // read (a schema), `hint` after the wording: " for a species (name, ...)".
  void refuse_other_keys(const std::set<std::string>& known, const std::string& hint = "") const;
  // Errors for keys of this table that were never read (`read_elsewhere`:
  // keys another parse function reads), the first in the file first.
  void finish(const std::set<std::string>& read_elsewhere = {}) const;

 private:
  const toml::node* get(const std::string& key) const;
  std::string full(const std::string& key) const;
  std::string line_of(const toml::node& n) const;  // "" when the node has no line
  // The table of a resolving reader's document that holds `key` (made when
  // missing), its last part in `leaf`; null for a reader that only reads.
  toml::table* table_for(const std::string& key, std::string& leaf);

  const toml::table* table_;
  toml::table* writable_ = nullptr;  // a resolving reader's document
  std::string file_, prefix_;
  const std::map<std::string, std::string>* origins_;
  std::set<std::string> used_;
};

}  // namespace coatkmc
