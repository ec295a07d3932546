#include "core/json_check.h"

#include <gtest/gtest.h>

#include <string>

namespace hd::json {
namespace {

TEST(JsonCheck, AcceptsOneValue) {
  for (const char* ok : {"{}", "[]", "1", "-0.5e3", "\"a\"", "null", " {\"a\":[1,{\"b\":null}]} ", "true",
                         "\"caf\xc3\xa9 \\ud83d\\ude00\""}) {
    EXPECT_TRUE(isValid(ok)) << ok;
  }
}

TEST(JsonCheck, RejectsEverythingElse) {
  for (const char* bad : {"", " ", "{", "{\"a\":}", "[1,]", "{} {}", "1 2", "\"a", "'a'", "{a:1}", "/*c*/1", "nul",
                          "\"\\x\"", "\"\x01\"", "\"\xc3\"", "01"}) {
    EXPECT_FALSE(isValid(bad)) << bad;
  }
  EXPECT_TRUE(isValid("[[[1]]]", 3));
  EXPECT_FALSE(isValid("[[[1]]]", 2)) << "deeper than allowed";
}

TEST(JsonCheck, UnquotesAStringLiteral) {
  std::string out = "x";
  ASSERT_TRUE(appendUnquoted(out, R"("a\"b\\c\n\u00e9\ud83d\ude00")"));
  EXPECT_EQ(out, "xa\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80");
  for (const char* bad : {"", "1", "{}", "[\"a\"]", "\"a\" \"b\"", "\"a", "null", "\"\\q\""}) {
    std::string s;
    EXPECT_FALSE(appendUnquoted(s, bad)) << bad;
  }
}

} // namespace
} // namespace hd::json
