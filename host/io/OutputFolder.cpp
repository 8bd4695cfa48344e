#include "host/io/OutputFolder.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace coatkmc {

namespace fs = std::filesystem;

namespace {

// Whether `name` in `dir` is the checkpoint a restart continues.
bool is_continued(const std::string& dir, const std::string& name, const std::string& continued) {
  std::error_code ec;
  return !continued.empty() && name == "checkpoint.ckpt" &&
         fs::equivalent(fs::path(dir) / name, continued, ec);
}

}  // namespace

const std::vector<std::string>& run_output_names() {
  static const std::vector<std::string> names = {"result.json", "msd.csv", "profile.csv",
                                                 "species_profile.csv", "checkpoint.ckpt"};
  return names;
}

const std::vector<std::string>& run_byproduct_names() {
  static const std::vector<std::string> names = {"trajectory.extxyz", "trajectory.h5md", "msd.png",
                                                 "plots.log"};
  return names;
}

std::vector<std::string> run_outputs_in(const std::string& dir, const std::string& continued) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const std::string& name : run_output_names())
    if (fs::exists(fs::path(dir) / name, ec) && !is_continued(dir, name, continued))
      found.push_back(name);
  return found;
}

void remove_run_outputs(const std::string& dir, const std::string& continued) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> doomed;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    for (const auto* names : {&run_output_names(), &run_byproduct_names()})
      for (const std::string& output : *names)
        // write_file_atomically writes NAME.tmp.PID before renaming it to NAME.
        if ((name == output && !is_continued(dir, name, continued)) ||
            name.rfind(output + ".tmp.", 0) == 0) {
          doomed.push_back(entry.path());
          break;
        }
  }
  if (ec) throw std::runtime_error("cannot list " + dir + ": " + ec.message());
  // result.json first: were this interrupted, no result.json would be left
  // without the msd.csv it was written with.
  std::stable_partition(doomed.begin(), doomed.end(), [&](const fs::path& p) {
    return p.filename() == run_output_names().front();
  });
  for (const fs::path& p : doomed)
    if (!fs::remove(p, ec) && ec)
      throw std::runtime_error("cannot remove " + p.string() + ": " + ec.message());
}

}  // namespace coatkmc
