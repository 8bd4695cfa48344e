#include "host/config/TomlGuard.hpp"

#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace coatkmc {

namespace {

bool starts_key(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '"' ||
         c == '\'';
}

bool ascii(char c) {
  return static_cast<unsigned char>(c) < 0x80;
}

// Characters that open, close or separate values (and key-value pairs).
bool is_punctuation(char c) {
  return c == '[' || c == ']' || c == '{' || c == '}' || c == ',' || c == '=';
}

// Where toml++'s look-ahead through a bare value stops (ASCII terminators
// only: a non-ASCII character is what must not be reached).
bool terminates_value(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ']' || c == '}' || c == ',' ||
         c == '#';
}

// Scans TOML text as far as the hazards need: statements, strings, comments
// and the brackets of values. Anything else malformed is left to toml++.
class Scanner {
 public:
  explicit Scanner(const std::string& text) : t_(text), n_(text.size()) {}

  TomlHazard run() {
    bool statement_start = true;  // only blanks since the line began, outside any value
    bool expect_value = false;    // after '=', or where an array takes its next element
    std::vector<char> open;       // the [ and { of values not closed yet
    while (i_ < n_ && hazard_.line == 0) {
      const char c = t_[i_];
      if (c == '\n') {
        ++line_;
        statement_start = open.empty();
        if (statement_start) expect_value = false;
        ++i_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
      } else if (c == '#') {
        while (i_ < n_ && t_[i_] != '\n') ++i_;
      } else if (statement_start && c == '[') {
        size_t j = i_ + 1;
        if (j < n_ && t_[j] == '[') ++j;
        while (j < n_ && (t_[j] == ' ' || t_[j] == '\t')) ++j;
        if (j >= n_ || !starts_key(t_[j])) report("a table header needs a name after '['");
        i_ = j;
        statement_start = false;  // the header's name follows, on this line
      } else if (c == '"' || c == '\'') {
        statement_start = expect_value = false;
        string(c);
      } else if (expect_value && !is_punctuation(c)) {
        // A bare value (number, boolean, date): toml++ looks ahead through it
        // to the next value terminator, quotes included, testing each
        // character for whitespace.
        statement_start = expect_value = false;
        const size_t begin = i_;
        for (; i_ < n_ && !terminates_value(t_[i_]) && hazard_.line == 0; ++i_)
          if (!ascii(t_[i_])) report("a non-ASCII character in a value");
        if (hazard_.line == 0 && date_then_lone_digit(begin, i_))
          report("a date followed by a lone digit (a date-time is 1979-05-27 07:32:00)");
      } else if (!ascii(c)) {
        report("a non-ASCII character outside a string or comment");
      } else {
        statement_start = false;
        if (c == '[' || c == '{') open.push_back(c);
        if (c == '}' && !open.empty() && open.back() == '[')
          report("a '}' inside an array");  // toml++ takes it for the start of a value
        if ((c == ']' || c == '}') && !open.empty()) open.pop_back();
        // What comes next: a value after '=' and after '[' or ',' in an array;
        // a key after '{' or ',' in an inline table.
        if (c == '=') expect_value = true;
        if (c == '[' || c == '{' || c == ']' || c == '}') expect_value = c == '[';
        if (c == ',') expect_value = !open.empty() && open.back() == '[';
        ++i_;
      }
    }
    return hazard_;
  }

 private:
  void report(const std::string& what) { hazard_ = {line_, what}; }

  // A bare value of ten characters besides '_', starting with a digit
  // ("1979-05-27"), then a space, one digit and a value terminator: toml++
  // may take it for the start of a date-time with a space and scan on from
  // that terminator, which it assumes is none. (A superset of its test; never
  // valid TOML: two values in a row.)
  bool date_then_lone_digit(size_t begin, size_t end) const {
    if (!std::isdigit(static_cast<unsigned char>(t_[begin]))) return false;
    size_t counted = 0;
    for (size_t k = begin; k < end; ++k) counted += t_[k] != '_';
    return counted == 10 && end + 2 < n_ && t_[end] == ' ' &&
           std::isdigit(static_cast<unsigned char>(t_[end + 1])) && terminates_value(t_[end + 2]);
  }

  // From an opening quote to past the closing one (or to the end of the line
  // of an unterminated single-line string, which toml++ reports).
  void string(char quote) {
    const bool multi = i_ + 2 < n_ && t_[i_ + 1] == quote && t_[i_ + 2] == quote;
    i_ += multi ? 3 : 1;
    while (i_ < n_) {
      const char c = t_[i_];
      if (quote == '"' && c == '\\') {
        if (multi) {
          multiline_backslash();
        } else {
          i_ += 2;  // an escape: the next character is no delimiter
        }
        continue;
      }
      if (c == '\n') {
        if (!multi) return;
        ++line_;
      }
      if (c == quote && !multi) {
        ++i_;
        return;
      }
      if (c == quote) {
        // A run of three to five quotes closes a multi-line string: up to two
        // quotes may end its content. toml++ closes after the whole run, so
        // the scanner must too (the fuzzer's find: a non-ASCII character
        // after a run of four quotes, taken here for string content).
        size_t run = 0;
        while (i_ + run < n_ && t_[i_ + run] == quote && run < 5) ++run;
        i_ += run;
        if (run >= 3) return;
        continue;
      }
      ++i_;
    }
  }

  // At a backslash in a multi-line basic string. toml++ 3.3 asks whether the
  // characters after it are whitespace with its broken test: the first one,
  // the first after blanks, and after a line break the first that is neither
  // blank nor newline must be ASCII. Moves past what it checked.
  void multiline_backslash() {
    const int at = line_;
    size_t j = i_ + 1;
    while (j < n_ && (t_[j] == ' ' || t_[j] == '\t' || t_[j] == '\r')) ++j;
    const bool line_ending = j < n_ && t_[j] == '\n';
    while (line_ending && j < n_ &&
           (t_[j] == ' ' || t_[j] == '\t' || t_[j] == '\r' || t_[j] == '\n'))
      line_ += t_[j++] == '\n';
    if (j < n_ && !ascii(t_[j]))
      hazard_ = {at,
                 "a backslash before a non-ASCII character in a multi-line string "
                 "(write it as \\uXXXX)"};
    // An ordinary escape ("\n", "\\", "\""): its character is no delimiter.
    i_ = (j == i_ + 1) ? j + 1 : j;
  }

  const std::string& t_;
  const size_t n_;
  size_t i_ = 0;
  int line_ = 1;
  TomlHazard hazard_;
};

}  // namespace

TomlHazard find_toml_hazard(const std::string& text) {
  return Scanner(text).run();
}

toml::table parse_toml(const std::string& text, const std::string& source_path) {
  if (const TomlHazard h = find_toml_hazard(text); h.line) {
    const toml::source_position where{static_cast<toml::source_index>(h.line), 1};
    throw toml::parse_error(
        h.what.c_str(), where,
        source_path.empty() ? nullptr : std::make_shared<const std::string>(source_path));
  }
  return toml::parse(text, source_path);
}

toml::table parse_toml_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return toml::parse_file(path);  // toml++ says what is wrong with it
  std::ostringstream text;
  text << in.rdbuf();
  return parse_toml(text.str(), path);
}

}  // namespace coatkmc
