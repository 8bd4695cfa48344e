#pragma once
// The typed reader of a run configuration's keys: each value read with its
// type and range checked, its default written back into the resolved
// configuration, and every problem an InputError at FILE:LINE (or the --set
// that gave it) naming the key. Shared by the section readers of
// host/config/ConfigReader.cpp (Lattice-, Microstructure-, Species- and
// RunSection.cpp).
#include <toml++/toml.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "host/config/ConfigReader.hpp"
#include "host/config/TomlValues.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc::config {

std::string join(const std::vector<std::string>& v);

class Validator {
 public:
  Validator(toml::table& root, LoadedConfig& cfg) : root_(root), cfg_(cfg) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(cfg_.where(key), key + ": " + what);
  }

  toml::node* find(const std::string& key) const { return root_.at_path(key).node(); }
  bool has(const std::string& key) const { return find(key) != nullptr; }

  double number(const std::string& key, double fallback, double lo, double hi, bool lo_open = false) {
    toml::node* n = find(key);
    if (!n) {
      set(key, fallback);
      return fallback;
    }
    return toml_number(*n, lo, hi, lo_open, [&](const std::string& what) { fail(key, what); });
  }

  int64_t integer(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
    toml::node* n = find(key);
    if (!n) {
      set(key, fallback);
      return fallback;
    }
    return toml_integer(*n, lo, hi, [&](const std::string& what) { fail(key, what); });
  }

  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed) {
    toml::node* n = find(key);
    if (!n) {
      set(key, fallback);
      return fallback;
    }
    auto s = n->as_string();
    if (!s) fail(key, "expected a string, one of: " + join(allowed));
    for (const auto& a : allowed)
      if (s->get() == a) return a;
    fail(key, "'" + s->get() + "' is not one of: " + join(allowed));
  }

  std::vector<double> number_array(const std::string& key, std::vector<double> fallback,
                                   size_t min_len, size_t max_len) {
    toml::node* n = find(key);
    if (!n) {
      toml::array a;
      for (double x : fallback) a.push_back(x);
      set(key, std::move(a));
      return fallback;
    }
    auto a = n->as_array();
    if (!a) fail(key, "expected an array of numbers");
    if (a->size() < min_len || a->size() > max_len)
      fail(key, "expected " + std::to_string(min_len) +
                    (min_len == max_len ? "" : " to " + std::to_string(max_len)) + " numbers, got " +
                    std::to_string(a->size()));
    std::vector<double> out;
    for (auto& e : *a) {
      double v;
      if (auto i = e.as_integer()) v = static_cast<double>(i->get());
      else if (auto f = e.as_floating_point()) v = f->get();
      else fail(key, "expected an array of numbers");
      if (!std::isfinite(v)) fail(key, "must be finite");
      out.push_back(v);
    }
    return out;
  }

  template <class T>
  void set(const std::string& key, T&& value) {
    const auto dot = key.find('.');
    const std::string table = key.substr(0, dot), leaf = key.substr(dot + 1);
    if (!root_.contains(table)) root_.insert(table, toml::table{});
    root_[table].as_table()->insert_or_assign(leaf, std::forward<T>(value));
  }

 private:
  toml::table& root_;
  LoadedConfig& cfg_;
};

}  // namespace coatkmc::config
