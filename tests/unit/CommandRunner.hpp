#pragma once
// Runs the built coatkmc executable in a scratch folder and captures what it
// says, for the tests of the command line and of bad input.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace coatkmc_test {

// A fresh folder under the system temporary directory, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "coatkmc-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

inline bool file_exists(const std::string& path) {
  return std::filesystem::exists(path);
}

// Single-quotes a word for /bin/sh.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct CommandResult {
  int status = -1;  // exit status, or -1 when the process did not exit normally (a crash)
  std::string out, err;
};

// Runs `coatkmc ARGS...` with `dir` as working directory; stdout and stderr
// go to files there (named so they never collide with the run's own outputs).
inline CommandResult run_coatkmc(const std::vector<std::string>& args, const std::string& dir) {
  const std::string out = dir + "/.cmd.stdout", err = dir + "/.cmd.stderr";
  std::string cmd =
      "cd " + shell_quote(dir) + " && OMP_NUM_THREADS=1 " + shell_quote(COATKMC_BINARY);
  for (const std::string& a : args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote(out) + " 2>" + shell_quote(err) + " </dev/null";
  const int raw = std::system(cmd.c_str());
  CommandResult r;
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  r.out = read_text(out);
  r.err = read_text(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

}  // namespace coatkmc_test
