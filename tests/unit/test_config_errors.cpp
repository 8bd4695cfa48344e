// The bad-configuration corpus: every file of tests/data/bad_configs states,
// in its first lines, the error `coatkmc run` must give for it:
//   # expect: line=7 key=hop.barrier        the place is FILE:7
//   # expect: place="--threads"             the place is a command-line option
//   # expect: line=7 key=K message="text"   ... and the message contains "text" (optional)
//   # args: --threads 0                     extra command-line words (optional)
//   # command: macro                        `coatkmc macro` instead of `run` (optional;
//                                           an [anneal] or [macro] file)
// Each must exit 2 with exactly one line on stderr,
//   coatkmc: error: PLACE: KEY: what is wrong
// (KEY: only when the expectation names a key), print nothing on stdout and
// leave no result.json behind, both for a run and for --print-config.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "CommandRunner.hpp"

using namespace coatkmc_test;

namespace {

const std::string kCorpus = std::string(COATKMC_SOURCE_DIR) + "/tests/data/bad_configs";

struct BadConfig {
  std::string name, path;
  int line = 0;            // expected line in the file, or 0 when `place` is given
  std::string place, key;  // key empty: the message names no key
  std::string message;     // a part of what follows PLACE: KEY: (optional)
  std::vector<std::string> args;
  std::string command = "run";
  std::string problem;  // a malformed expectation, reported by the test
};

// gtest prints parameters of failed tests; the file name says it all.
void PrintTo(const BadConfig& c, std::ostream* os) {
  *os << c.name;
}

// Parses `name=value` and `name="quoted \" value"` fields.
std::vector<std::pair<std::string, std::string>> fields_of(const std::string& s) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) break;
    const size_t eq = s.find('=', i);
    if (eq == std::string::npos) return {};
    const std::string name = s.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < s.size() && s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
      ++i;
    } else {
      while (i < s.size() && s[i] != ' ') value += s[i++];
    }
    out.emplace_back(name, value);
  }
  return out;
}

BadConfig parse_expectation(const std::filesystem::path& file) {
  BadConfig c;
  c.name = file.stem().string();
  c.path = file.string();
  std::istringstream in(read_text(c.path));
  std::string l;
  bool have_expect = false;
  for (int n = 0; n < 4 && std::getline(in, l); ++n) {
    if (l.rfind("# expect:", 0) == 0) {
      have_expect = true;
      for (const auto& [k, v] : fields_of(l.substr(9))) {
        if (k == "line")
          c.line = std::atoi(v.c_str());
        else if (k == "place")
          c.place = v;
        else if (k == "key")
          c.key = v;
        else if (k == "message")
          c.message = v;
        else
          c.problem = "unknown expectation field '" + k + "'";
      }
    } else if (l.rfind("# args:", 0) == 0) {
      std::istringstream words(l.substr(7));
      for (std::string w; words >> w;) c.args.push_back(w);
    } else if (l.rfind("# command:", 0) == 0) {
      std::istringstream words(l.substr(10));
      words >> c.command;
      if (c.command != "run" && c.command != "macro") c.problem = "command must be run or macro";
    }
  }
  if (!have_expect)
    c.problem = "no '# expect:' line";
  else if ((c.line > 0) == !c.place.empty())
    c.problem = "give exactly one of line= and place=";
  if (c.line > 0) c.place = c.path + ":" + std::to_string(c.line);
  return c;
}

std::vector<BadConfig> corpus() {
  std::vector<BadConfig> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(kCorpus, ec))
    if (e.path().extension() == ".toml") out.push_back(parse_expectation(e.path()));
  std::sort(out.begin(), out.end(),
            [](const BadConfig& a, const BadConfig& b) { return a.name < b.name; });
  return out;
}

void expect_rejected(const BadConfig& c, const std::vector<std::string>& mode) {
  ScratchDir dir;
  std::vector<std::string> args = {c.command, c.path};
  args.insert(args.end(), mode.begin(), mode.end());
  args.insert(args.end(), c.args.begin(), c.args.end());
  const CommandResult r = run_coatkmc(args, dir.path());
  SCOPED_TRACE("mode " + (mode.empty() ? std::string("run") : mode.front()) + ", stderr: " + r.err);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  // Exactly one line.
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.back(), '\n');
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  const std::string prefix =
      "coatkmc: error: " + c.place + ": " + (c.key.empty() ? std::string() : c.key + ": ");
  ASSERT_EQ(r.err.substr(0, prefix.size()), prefix);
  // Something must follow to say what is wrong.
  const std::string what = r.err.substr(prefix.size());
  EXPECT_NE(what.find_first_not_of(" \n"), std::string::npos) << "no description";
  if (!c.message.empty()) EXPECT_NE(what.find(c.message), std::string::npos) << c.message;
  EXPECT_FALSE(file_exists(dir / "out/result.json"));
  EXPECT_FALSE(file_exists(dir / "out/msd.csv"));
  EXPECT_FALSE(file_exists(dir / "out/summary.json"));  // macro
  EXPECT_FALSE(file_exists(dir / "out/profiles.csv"));
}

class BadConfigFile : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigFile, RunExitsTwoWithOneLineNamingPlaceAndKey) {
  const BadConfig& c = GetParam();
  ASSERT_EQ(c.problem, "") << c.path;
  expect_rejected(c, {"--out", "out"});
}

// `run` files only: `macro` has no --print-config.
class BadRunConfigFile : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadRunConfigFile, PrintConfigReportsTheSameError) {
  const BadConfig& c = GetParam();
  ASSERT_EQ(c.problem, "") << c.path;
  expect_rejected(c, {"--print-config"});
}

std::vector<BadConfig> run_corpus() {
  std::vector<BadConfig> out;
  for (const BadConfig& c : corpus())
    if (c.command == "run") out.push_back(c);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadConfigFile, ::testing::ValuesIn(corpus()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Corpus, BadRunConfigFile, ::testing::ValuesIn(run_corpus()),
                         [](const auto& info) { return info.param.name; });

// Guards the data-driven tests above against an empty or misplaced corpus.
TEST(BadConfigCorpus, IsPresentAndCoversTheListedProblems) {
  const auto all = corpus();
  EXPECT_GE(all.size(), 50u) << kCorpus;
  std::vector<std::string> names;
  for (const auto& c : all) names.push_back(c.name);
  for (const char* needed : {"unknown_key",
                             "unknown_table",
                             "wrong_type_string",
                             "out_of_range_temperature",
                             "nan_barrier",
                             "inf_temperature",
                             "negative_cells",
                             "fraction_above_one",
                             "fraction_and_vacancies",
                             "hops_and_time",
                             "unknown_lattice_type",
                             "unknown_solver",
                             "syntax_double_equals",
                             "truncated_string",
                             "binary_file",
                             "empty_ions",
                             "square_with_three_cells",
                             "cells_too_few_self_image",
                             "full_lattice",
                             "set_without_equals",
                             "threads_zero"})
    EXPECT_NE(std::find(names.begin(), names.end(), needed), names.end()) << needed;
}

// The same harness accepts a good configuration, so the rejections above are
// the configurations' doing and not the harness's.
TEST(BadConfigCorpus, AGoodConfigurationPasses) {
  ScratchDir dir;
  const std::string good = dir / "good.toml";
  std::ofstream(good)
      << "[lattice]\ntype = \"sc\"\ncells = [6, 6, 6]\n[run]\nhops_per_particle = 2\n";
  const CommandResult r = run_coatkmc({"run", good, "--out", "out"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(file_exists(dir / "out/result.json"));
}

}  // namespace

namespace {

// A sublattice run beyond what its collective-transport bias was measured
// for (more than 64^3 cells, or a ceiling above the default on more than
// 16^3 cells) gets one warning naming the bias; a measured size gets none,
// and so do other solvers.
TEST(SublatticeCollectiveWarning, LargeLatticesAndHighCeilingsAreWarned) {
  ScratchDir dir;
  const std::string cfg = dir / "run.toml";
  std::ofstream(cfg) << "[lattice]\ntype = \"sc\"\ncells = [16, 16, 16]\n[run]\n"
                        "solver = \"sublattice\"\nhops_per_particle = 1\n";
  auto err_of = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", cfg, "--print-config"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult r = run_coatkmc(args, dir.path());
    EXPECT_EQ(r.status, 0) << r.err;
    return r.err;
  };
  const std::string mark = "D_jump, the conductivity and the Haven ratio carry a bias";
  EXPECT_EQ(err_of({}).find(mark), std::string::npos);
  EXPECT_EQ(err_of({"--set", "lattice.cells=[64, 64, 64]"}).find(mark), std::string::npos);
  const std::string large = err_of({"--set", "lattice.cells=[72, 64, 64]"});
  EXPECT_NE(large.find("coatkmc: warning: sublattice solver: " + mark), std::string::npos) << large;
  EXPECT_NE(large.find("294912 cells at ceiling 0.25"), std::string::npos) << large;
  EXPECT_NE(err_of({"--set", "lattice.cells=[20, 16, 16]", "--set",
                    "sublattice.acceptance_ceiling=0.5"})
                .find(mark),
            std::string::npos);
  EXPECT_EQ(err_of({"--set", "sublattice.acceptance_ceiling=0.5"}).find(mark), std::string::npos);
  EXPECT_EQ(err_of({"--set", "lattice.cells=[72, 64, 64]", "--set", "run.solver=\"bkl\""})
                .find(mark),
            std::string::npos);
}

}  // namespace
