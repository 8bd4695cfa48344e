// write_file_atomically: the whole new content or the old one, no temporary
// file left behind, and a clear failure where the folder does not exist.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "CommandRunner.hpp"
#include "host/io/AtomicFile.hpp"

using namespace coatkmc_test;

namespace {

TEST(AtomicFile, ReplacesTheWholeFileAndLeavesNothingElse) {
  ScratchDir dir;
  const std::string path = dir / "result.json";
  coatkmc::write_file_atomically(path, "first version, rather long\n");
  EXPECT_EQ(read_text(path), "first version, rather long\n");
  coatkmc::write_file_atomically(path, "second\n");  // shorter: no tail of the old one
  EXPECT_EQ(read_text(path), "second\n");
  const std::string big(3 << 20, 'x');  // several write() calls
  coatkmc::write_file_atomically(path, big);
  EXPECT_EQ(read_text(path), big);
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "result.json");
  }
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, FailsClearlyWhereTheFolderIsMissing) {
  ScratchDir dir;
  EXPECT_THROW(coatkmc::write_file_atomically(dir / "missing/result.json", "x"),
               std::runtime_error);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  coatkmc::make_directories(dir / "a/b/c");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "a/b/c"));
  coatkmc::make_directories(dir / "a/b/c");  // existing: fine
  std::ofstream(dir / "file") << "x";
  EXPECT_THROW(coatkmc::make_directories(dir / "file/sub"), std::runtime_error);
}

}  // namespace
