#include "host/sweep/TaskTable.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

bool parse_u64(const std::string& s, uint64_t& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

std::string padded(int i, int width) {
  std::string s = std::to_string(i);
  return std::string(s.size() < size_t(width) ? width - s.size() : 0, '0') + s;
}

}  // namespace

VaryAxis parse_vary(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos)
    throw InputError("--vary", "expected KEY=V1,V2,..., got '" + text + "'");
  VaryAxis axis;
  axis.key = trim(text.substr(0, eq));
  if (axis.key.empty() || axis.key.find_first_of(" \t\"',") != std::string::npos)
    throw InputError("--vary", "'" + text + "' does not start with a key");
  const std::string list = text.substr(eq + 1);
  int depth = 0;
  char quote = 0;
  std::string cur;
  for (char c : list) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      axis.values.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  axis.values.push_back(trim(cur));
  if (quote || depth != 0)
    throw InputError("--vary " + axis.key, "unbalanced brackets or quotes in '" + list + "'");
  for (const std::string& v : axis.values)
    if (v.empty()) throw InputError("--vary " + axis.key, "an empty value in '" + list + "'");
  return axis;
}

std::vector<std::string> TaskTable::overrides(const SweepTask& t) const {
  std::vector<std::string> out;
  for (size_t k = 0; k < keys.size(); ++k)
    if (keys[k] != "run.seed") out.push_back(keys[k] + "=" + t.values[k]);
  out.push_back("run.seed=" + std::to_string(t.seed));
  return out;
}

TaskTable expand_tasks(const std::vector<VaryAxis>& axes, int replicas, uint64_t base_seed) {
  TaskTable table;
  size_t points = 1;
  int seed_axis = -1;
  for (size_t a = 0; a < axes.size(); ++a) {
    for (size_t b = 0; b < a; ++b)
      if (axes[b].key == axes[a].key)
        throw InputError("--vary " + axes[a].key, "the key is varied twice");
    table.keys.push_back(axes[a].key);
    if (axes[a].key == "run.seed") seed_axis = static_cast<int>(a);
    points *= axes[a].values.size();
    if (points * replicas > 1000000) throw InputError("--vary", "more than a million tasks");
  }
  const size_t total = points * replicas;
  int width = 3;
  for (size_t n = total; n >= 1000; n /= 10) ++width;
  for (size_t p = 0; p < points; ++p) {
    std::vector<std::string> values(axes.size());
    size_t rest = p;
    for (size_t a = axes.size(); a-- > 0;) {
      values[a] = axes[a].values[rest % axes[a].values.size()];
      rest /= axes[a].values.size();
    }
    for (int r = 0; r < replicas; ++r) {
      SweepTask t;
      t.index = static_cast<int>(table.tasks.size());
      t.dir = padded(t.index, width);
      t.replica = r;
      t.values = values;
      if (seed_axis >= 0) {
        uint64_t s = 0;
        if (!parse_u64(values[seed_axis], s))
          throw InputError("--vary run.seed", "'" + values[seed_axis] + "' is not a whole number");
        t.seed = s + static_cast<uint64_t>(r);
      } else {
        t.seed = base_seed + static_cast<uint64_t>(t.index);
      }
      table.tasks.push_back(std::move(t));
    }
  }
  return table;
}

std::string task_table_csv(const TaskTable& table) {
  std::ostringstream os;
  os << "task,dir,replica,seed";
  for (const std::string& k : table.keys) os << ',' << csv_field(k);
  os << '\n';
  for (const SweepTask& t : table.tasks) {
    os << t.index << ',' << csv_field(t.dir) << ',' << t.replica << ',' << t.seed;
    for (const std::string& v : t.values) os << ',' << csv_field(v);
    os << '\n';
  }
  return os.str();
}

std::vector<std::string> split_csv_line(const std::string& line, bool* ok) {
  std::vector<std::string> fields(1);
  bool quoted = false, good = true;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      if (!fields.back().empty()) good = false;
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) good = false;
  if (ok) *ok = good;
  return fields;
}

TaskTable read_task_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the task table (is this a sweep folder?)");
  TaskTable table;
  std::string line;
  int lineno = 0;
  size_t columns = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(lineno);
    bool ok = true;
    const std::vector<std::string> f = split_csv_line(line, &ok);
    if (!ok) throw InputError(where, "malformed CSV quoting");
    if (lineno == 1) {
      if (f.size() < 4 || f[0] != "task" || f[1] != "dir" || f[2] != "replica" || f[3] != "seed")
        throw InputError(where, "not a task table (expected the header task,dir,replica,seed,...)");
      table.keys.assign(f.begin() + 4, f.end());
      columns = f.size();
      continue;
    }
    if (f.size() != columns)
      throw InputError(
          where, std::to_string(f.size()) + " fields, the header has " + std::to_string(columns));
    SweepTask t;
    uint64_t index = 0, replica = 0;
    if (!parse_u64(f[0], index) || index != table.tasks.size())
      throw InputError(where, "task numbers must count 0, 1, 2, ... (found '" + f[0] + "')");
    if (!parse_u64(f[2], replica) || replica > 1000000)
      throw InputError(where, "replica '" + f[2] + "' is not a whole number");
    if (!parse_u64(f[3], t.seed) || t.seed > uint64_t(INT64_MAX))
      throw InputError(where, "seed '" + f[3] + "' is not a whole number");
    if (f[1].empty() || f[1].find('/') != std::string::npos || f[1] == "." || f[1] == "..")
      throw InputError(where, "task folder '" + f[1] + "' must be a plain name");
    t.index = static_cast<int>(index);
    t.dir = f[1];
    t.replica = static_cast<int>(replica);
    t.values.assign(f.begin() + 4, f.end());
    table.tasks.push_back(std::move(t));
    if (table.tasks.size() > 1000000) throw InputError(where, "more than a million tasks");
  }
  if (lineno == 0) throw InputError(path, "empty task table");
  return table;
}

}  // namespace coatkmc
