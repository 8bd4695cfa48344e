// The guard that keeps input toml++ 3.3 mishandles away from it
// (host/config/TomlGuard.hpp): each case below made the fuzzer or upstream
// reports reach an assertion or undefined behaviour inside toml++.
#include <gtest/gtest.h>

#include <fstream>

#include "CommandRunner.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/config/TomlGuard.hpp"
#include "kmc/core/Error.hpp"

namespace {

int hazard_line(const std::string& text) {
  return coatkmc::find_toml_hazard(text).line;
}

TEST(TomlGuard, FindsTableHeadersWhoseNameCannotStart) {
  EXPECT_EQ(hazard_line("[\n# x\n"), 1);  // the fuzzer's find
  EXPECT_EQ(hazard_line("[[[1]]]"), 1);
  EXPECT_EQ(hazard_line("[]"), 1);
  EXPECT_EQ(hazard_line("[[ ="), 1);
  EXPECT_EQ(hazard_line("["), 1);
  EXPECT_EQ(hazard_line("a = 1\n\n  [.x]\n"), 3);
  EXPECT_EQ(hazard_line("s = \"\"\"\nx\"\"\"\n[#\n"), 3);
}

TEST(TomlGuard, FindsNonAsciiOutsideStringsAndComments) {
  EXPECT_EQ(hazard_line("a = 1 \xc3\x85\n"), 1);  // the fuzzer's find: U+00C5 after a value
  EXPECT_EQ(hazard_line("a = 1\nb\xc2\xa7 = 2\n"), 2);
  EXPECT_EQ(hazard_line("[x]\n\xe2\x80\x80\n"), 2);  // U+2000
  EXPECT_EQ(hazard_line("[l\xc3\xa4]\n"), 1);
  // Behind a quote in a bare value: toml++ looks ahead through it (the fuzzer's find).
  EXPECT_EQ(hazard_line("s =0\"\"\"\\tempeatu\xc2\xa7ture\n\"\"\"\n"), 1);
  EXPECT_EQ(hazard_line("a = [1, 2\"\xc2\xa7\"]\n"), 1);
  // After a multi-line string closed by a run of four or five quotes, whose
  // first one or two are content (the fuzzer's find).
  EXPECT_EQ(hazard_line("s = \"\"\"\xc2\xa7  \\\"\"\"\"\"\xc2\xa7  \"\n"), 1);
  EXPECT_EQ(hazard_line("s = \"\"\"a\"\"\"\"\" \xc2\xa7\n"), 1);
  EXPECT_EQ(hazard_line("s = '''a'''' \xc2\xa7\n"), 1);
  // Quoted keys and string values may hold it.
  EXPECT_EQ(hazard_line("a.\"\xc3\x85\".b = \"\xc3\x85\"\nt = { \"\xc3\x85\" = [\"\xc3\x85\"] }\n"),
            0);
}

TEST(TomlGuard, FindsALineEndingBackslashBeforeNonAscii) {
  // toml++ issue 190: valid TOML, but the library's whitespace test reaches
  // __builtin_unreachable on the U+00A7.
  EXPECT_EQ(hazard_line("s = \"\"\"\\\n\xc2\xa7\"\"\"\n"), 1);
  EXPECT_EQ(hazard_line("a = 1\ns = \"\"\"x\\  \n\n   \xc2\xa7\"\"\"\n"), 2);
  EXPECT_EQ(hazard_line("s = \"\"\"\\\n  x\xc2\xa7\"\"\"\n"), 0);  // ASCII first: fine
  // The fuzzer's further finds: right after the backslash, after blanks, and
  // after a second continuation.
  EXPECT_EQ(hazard_line("s = \"\"\"\"\\\xc2\xa7n \"\""), 1);
  EXPECT_EQ(hazard_line("s = \"\"\"\\  \xc2\xa7\"\"\"\n"), 1);
  EXPECT_EQ(hazard_line("s = \"\"\"\\\n \\\n\xc2\xa7\"\"\"\n"), 2);
  // Single-line basic strings and literal strings do not take that path.
  EXPECT_EQ(hazard_line("s = \"\\\xc2\xa7\"\nt = '''\\\n\xc2\xa7'''\n"), 0);
}

TEST(TomlGuard, FindsAClosingBraceWhereAnArrayExpectsAValue) {
  EXPECT_EQ(hazard_line("cells = [8, }\n"), 1);  // the fuzzer's find
  EXPECT_EQ(hazard_line("a = [\n}"), 2);
  EXPECT_EQ(hazard_line("a = { b = [ } ] }"), 1);
  EXPECT_EQ(hazard_line("a = [ { b = 1 }, { c = [ 2 ] } ]\n"), 0);
}

TEST(TomlGuard, FindsADateFollowedByALoneDigit) {
  EXPECT_EQ(hazard_line("a = 1\nb = 1979-05-27 0 \n"), 2);
  EXPECT_EQ(hazard_line("a = [1979-05-27 0]"), 1);
  EXPECT_EQ(hazard_line("attequency = 1-------cy 1 =---"), 1);  // the fuzzer's find
  EXPECT_EQ(hazard_line("a = 1\nb = 1111-11-11 1,"), 2);
  EXPECT_EQ(hazard_line("a = 1979-05-27 07:32:00\nb = 1979-05-27\nc = 1979-05-27 0"), 0);
}

TEST(TomlGuard, LeavesGoodTomlAlone) {
  EXPECT_EQ(hazard_line(""), 0);
  EXPECT_EQ(hazard_line("[lattice]\ntype = \"sc\"\n[[runs]]\n[ \"q k\" ]\n"), 0);
  EXPECT_EQ(hazard_line("[ 'lit' . x ]\n[-a]\n[_]\n[1]\n"), 0);
  EXPECT_EQ(hazard_line("a = [\n  [ ],\n  [[]],\n]\n"), 0);  // nested arrays, not headers
  EXPECT_EQ(hazard_line("s = \"\"\"\n[\n]\"\"\"\nt = '''\n[=\n'''\n"), 0);
  EXPECT_EQ(hazard_line("s = \"a\\\"[\"\n# [\n  # []\n"), 0);
  EXPECT_EQ(hazard_line("t = { a = [ 1 ] }\n[x]\n"), 0);
  // Quotes that end a multi-line string's content, then a string with non-ASCII.
  for (const char* text :
       {"s = \"\"\"a\"\"\"\"\"\nt = \"\xc3\x85\"\n", "s = \"\"\"a\"\"\"\"\nt = \"\xc3\x85\"\n",
        "s = '''a'''''\nt = '\xc3\x85'\n"}) {
    EXPECT_EQ(hazard_line(text), 0) << text;
    EXPECT_NO_THROW(toml::parse(text)) << text;
  }
  // Non-ASCII in comments and strings is TOML, and toml++ reads it well.
  EXPECT_EQ(hazard_line("# 3.87 \xc3\x85\na = \"\xc3\x85\" # \xc2\xa7\nb = '\xe2\x80\x80'\n"), 0);
  std::ifstream quickstart(std::string(COATKMC_SOURCE_DIR) + "/configs/quickstart.toml");
  const std::string text((std::istreambuf_iterator<char>(quickstart)), {});
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(hazard_line(text), 0);
}

TEST(TomlGuard, TheReaderReportsHazardsAsSyntaxErrorsWithTheirPlace) {
  coatkmc_test::ScratchDir dir;
  const std::string path = dir / "c.toml";
  std::ofstream(path) << "[lattice]\ntype = \"sc\"\n\n[\n# no name\n";
  try {
    coatkmc::load_config(path, {});
    ADD_FAILURE() << "accepted";
  } catch (const coatkmc::InputError& e) {
    EXPECT_EQ(e.where(), path + ":4");
    EXPECT_NE(std::string(e.what()).find("TOML syntax"), std::string::npos) << e.what();
  }
  std::ofstream(path, std::ios::trunc) << "[run]\ntemperature = 300\n";
  try {
    coatkmc::load_config(path, {"run.temperature=3\xc3\x85"});
    ADD_FAILURE() << "accepted";
  } catch (const coatkmc::InputError& e) {
    EXPECT_EQ(e.where(), "--set run.temperature=3\xc3\x85");
    EXPECT_NE(std::string(e.what()).find("not valid TOML"), std::string::npos) << e.what();
  }
}

}  // namespace
