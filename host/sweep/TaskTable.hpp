#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace coatkmc {

// One --vary KEY=V1,V2,...: a configuration key and its values as TOML text.
struct VaryAxis {
  std::string key;
  std::vector<std::string> values;
};

// Parses "KEY=V1,V2,..."; commas inside brackets, braces or quotes belong to
// a value ("lattice.cells=[8,8,8],[16,16,16]" has two). InputError on misuse.
VaryAxis parse_vary(const std::string& text);

// One row of DIR/tasks.csv: a run of the sweep.
struct SweepTask {
  int index = 0;
  std::string dir;  // folder under the sweep folder
  int replica = 0;
  uint64_t seed = 0;
  std::vector<std::string> values;  // one per axis, TOML text
};

struct TaskTable {
  std::vector<std::string> keys;  // the varied keys, in --vary order
  std::vector<SweepTask> tasks;
  // The --set overrides that make task `t` from the sweep's base configuration.
  std::vector<std::string> overrides(const SweepTask& t) const;
};

// The cartesian product of the axes (the last varies fastest), each point
// `replicas` times. Task t gets seed base_seed + t, unless run.seed is varied:
// then that value plus the replica index.
TaskTable expand_tasks(const std::vector<VaryAxis>& axes, int replicas, uint64_t base_seed);

std::string task_table_csv(const TaskTable& table);
// Reads DIR/tasks.csv back; InputError naming FILE:LINE on anything malformed.
TaskTable read_task_table(const std::string& path);

// Splits one CSV line (RFC 4180 quoting); exposed for tests.
std::vector<std::string> split_csv_line(const std::string& line, bool* ok = nullptr);

}  // namespace coatkmc
