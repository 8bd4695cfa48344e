#pragma once
#include <functional>
#include <iosfwd>
#include <string>

namespace coatkmc {

// Exit status of a command that wrote all of its results but not every
// optional file (checkpoint, plot, trajectory, site map): the results are
// complete and usable; stderr names each file that is missing and why.
// 0 stays "everything written" (README, docs/reliability.md).
inline constexpr int kExitOptionalFileFailed = 4;

// The files a command writes after its results. Results come first (a full
// disk then costs an optional file, never a result); each optional file is
// attempted in turn, and one that fails is reported on stderr as
//   coatkmc: warning: PATH not written: WHY
// without stopping the others. The command returns exit_status().
//
// To add an optional file to a command: after its results are written, call
//   optional.write(path, [&] { write_file_atomically(path, text); });
// (any std::exception thrown by the writer counts as a failure of that file).
class OptionalFiles {
 public:
  explicit OptionalFiles(std::ostream& err);
  OptionalFiles();  // reports on std::cerr

  // Writes one optional file through `write`; false (and reported) when it threw.
  bool write(const std::string& path, const std::function<void()>& write);
  // A failure found elsewhere (a periodic checkpoint during the run, a plot
  // script that failed): reported the same way and counted.
  void failed(const std::string& path, const std::string& why);

  int failures() const { return failures_; }
  // 0 when every optional file was written, kExitOptionalFileFailed otherwise.
  int exit_status() const { return failures_ ? kExitOptionalFileFailed : 0; }

 private:
  std::ostream& err_;
  int failures_ = 0;
};

}  // namespace coatkmc
