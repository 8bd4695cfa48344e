#include "host/cli/RestartConfig.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "host/config/TomlGuard.hpp"
#include "host/config/TomlWriter.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

namespace {

// Every leaf of a table as "table.key" -> its TOML text.
void flatten(const toml::table& t, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  for (const auto& [key, node] : t) {
    const std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* sub = node.as_table()) {
      flatten(*sub, name, out);
    } else {
      out[name] = write_toml_inline(node);  // not toml++'s formatter: see TomlWriter.hpp
    }
  }
}

std::map<std::string, std::string> leaves(const std::string& text) {
  std::map<std::string, std::string> out;
  flatten(parse_toml(text), "", out);  // the checkpoint's text is outside input too
  return out;
}

// A private copy of the configuration text for load_config, removed on scope exit.
class TemporaryConfig {
 public:
  explicit TemporaryConfig(const std::string& text) {
    path_ = (std::filesystem::temp_directory_path() / "coatkmc-restart-XXXXXX").string();
    const int fd = ::mkstemp(path_.data());
    if (fd < 0) throw CannotProceed("cannot create a temporary file for the restart");
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) {
      ::unlink(path_.c_str());
      throw CannotProceed("cannot write a temporary file for the restart");
    }
  }
  ~TemporaryConfig() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Keys added after checkpoints were first written, with the value that
// reproduces what the code that wrote such a checkpoint ran: a checkpoint
// whose configuration lacks one restarts as it was made, not under today's
// default (sublattice.class_rule: "tiles" before the lattice-wide rule).
const std::vector<std::pair<std::string, std::string>>& restart_legacy_values() {
  static const std::vector<std::pair<std::string, std::string>> values = {
      {"sublattice.class_rule", "tiles"}};
  return values;
}

// The checkpoint's configuration with the legacy values it lacks filled in
// (unchanged when it has them all, or when it does not parse: load_config
// then reports that with its line).
std::string with_legacy_values(const std::string& text) {
  toml::table root;
  try {
    root = parse_toml(text);
  } catch (const toml::parse_error&) {
    return text;
  } catch (const InputError&) {
    return text;
  }
  bool added = false;
  for (const auto& [key, value] : restart_legacy_values()) {
    const std::string table = key.substr(0, key.find('.')), name = key.substr(key.find('.') + 1);
    toml::node* node = root.get(table);
    if (node && !node->is_table()) continue;  // load_config names that problem
    if (!node) node = root.insert(table, toml::table{}).first->second.as_table();
    toml::table& t = *node->as_table();
    if (t.contains(name)) continue;
    t.insert(name, value);
    added = true;
  }
  return added ? write_toml(root) : text;
}

}  // namespace

const std::vector<std::string>& restart_changeable_keys() {
  // run.checkpoint is how the run is saved, not what it computes (and
  // checkpoints older than format 5 do not name it).
  static const std::vector<std::string> keys = {"run.hops_per_particle", "run.time", "run.blocks",
                                                "run.msd_samples", "run.backend", "run.checkpoint"};
  return keys;
}

LoadedConfig load_restart_config(const Checkpoint& checkpoint, const std::string& checkpoint_path,
                                 const std::vector<std::string>& overrides) {
  const std::string label = checkpoint_path + "[config]";
  const std::string config_toml = with_legacy_values(checkpoint.config_toml);
  LoadedConfig cfg;
  {
    TemporaryConfig tmp(config_toml);
    try {
      cfg = load_config(tmp.path(), overrides);
    } catch (const InputError& e) {
      std::string where = e.where();
      if (where.rfind(tmp.path(), 0) == 0) where = label + where.substr(tmp.path().size());
      throw InputError(where, e.what());
    }
  }
  cfg.path = checkpoint_path;
  for (auto& [key, origin] : cfg.origin)
    if (origin.find("coatkmc-restart-") != std::string::npos) origin = label;

  std::map<std::string, std::string> before, after;
  try {
    before = leaves(config_toml);
    after = leaves(cfg.resolved_toml);
  } catch (const toml::parse_error& e) {
    throw InputError(
        label, std::string("corrupt checkpoint configuration: ") + std::string(e.description()));
  }
  const auto& free = restart_changeable_keys();
  std::vector<std::string> keys;
  for (const auto& kv : before) keys.push_back(kv.first);
  for (const auto& kv : after) keys.push_back(kv.first);
  for (const std::string& key : keys) {
    if (std::find(free.begin(), free.end(), key) != free.end()) continue;
    const auto b = before.find(key), a = after.find(key);
    const std::string was = b == before.end() ? "(unset)" : b->second;
    const std::string now = a == after.end() ? "(unset)" : a->second;
    if (was != now)
      throw InputError(cfg.where(key), key +
                                           " cannot change on restart (the checkpoint was made "
                                           "with " +
                                           was +
                                           "; only run.hops_per_particle, "
                                           "run.time, run.blocks, run.msd_samples, "
                                           "run.backend and run.checkpoint can)");
  }
  return cfg;
}

}  // namespace coatkmc
