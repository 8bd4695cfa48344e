#pragma once
// Starts the built coatkmc executable as a direct child (no shell between), so
// a test can signal it at a chosen moment or read its own resource usage.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <stdexcept>
#include <string>
#include <vector>

namespace coatkmc_test {

class SpawnedRun {
 public:
  // `coatkmc ARGS...` in `dir`, stdin/stdout/stderr on /dev/null, one OpenMP thread.
  SpawnedRun(const std::vector<std::string>& args, const std::string& dir) {
    std::vector<std::string> words = {COATKMC_BINARY};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_words = {"OMP_NUM_THREADS=1"};
    for (char** e = environ; *e; ++e)
      if (std::string(*e).rfind("OMP_NUM_THREADS=", 0) != 0) env_words.push_back(*e);
    std::vector<char*> envp;
    for (auto& w : env_words) envp.push_back(w.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int fd : {0, 1, 2})
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
    posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + words[0]);
  }
  ~SpawnedRun() {
    if (!waited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  SpawnedRun(const SpawnedRun&) = delete;
  SpawnedRun& operator=(const SpawnedRun&) = delete;

  void signal(int sig) { ::kill(pid_, sig); }
  // Waits for the end; returns the raw wait status.
  int wait() {
    if (!waited_) {
      while (::wait4(pid_, &status_, 0, &usage_) < 0 && errno == EINTR) {
      }
      waited_ = true;
    }
    return status_;
  }
  // Peak resident memory of the finished run, bytes.
  double max_rss_bytes() {
    wait();
    return 1024.0 * static_cast<double>(usage_.ru_maxrss);
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool waited_ = false;
  struct rusage usage_ = {};
};

}  // namespace coatkmc_test
