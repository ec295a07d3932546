#include "core/raw_json.h"

#include <gtest/gtest.h>

#include "core/json_util.h"

namespace hd::rawjson {
namespace {

std::string edit(std::string_view body, std::vector<Edit> edits) {
  auto layout = scanObject(body);
  EXPECT_TRUE(layout.ok()) << (layout.ok() ? "" : layout.error().message);
  return applyEdits(body, *layout, edits);
}

TEST(RawJson, ReplacesModelKeepingEveryOtherByte) {
  std::string body = R"({"model":"azure/claude-sonnet-4-6","system":[{"type":"text","text":"a\"}b"}],)"
                     R"( "max_tokens":  100,"stream":true})";
  std::string out = edit(body, {{"model", json::quote("my-deployment")}});
  EXPECT_EQ(out,
            R"({"model":"my-deployment","system":[{"type":"text","text":"a\"}b"}], "max_tokens":  100,"stream":true})");
}

TEST(RawJson, RemovesGatewayOnlyFieldsAnywhere) {
  std::string body = R"({"fallbacks":["anthropic/x"],"model":"m","deployment":"d","messages":[]})";
  std::string out = edit(body, {{"model", "\"x\""}, {"fallbacks", ""}, {"deployment", ""}});
  EXPECT_EQ(out, R"({"model":"x","messages":[]})");
  auto parsed = json::parse(out);
  ASSERT_TRUE(parsed.ok());
}

TEST(RawJson, RemovesLastMember) {
  EXPECT_EQ(edit(R"({"a":1,"fallbacks":[]})", {{"fallbacks", ""}}), R"({"a":1})");
  EXPECT_EQ(edit(R"({"fallbacks":[]})", {{"fallbacks", ""}}), R"({})");
}

TEST(RawJson, AppendsMissingReplacement) {
  EXPECT_EQ(edit(R"({"a":1})", {{"model", "\"m\""}}), R"({"a":1,"model":"m"})");
  EXPECT_EQ(edit(R"({})", {{"model", "\"m\""}}), R"({"model":"m"})");
}

TEST(RawJson, NestedKeysNamedModelAreUntouched) {
  std::string body = R"({"metadata":{"model":"inner"},"model":"outer"})";
  EXPECT_EQ(edit(body, {{"model", "\"new\""}}), R"({"metadata":{"model":"inner"},"model":"new"})");
}

TEST(RawJson, RejectsNonObjectsAndTruncation) {
  EXPECT_FALSE(scanObject("[1,2]").ok());
  EXPECT_FALSE(scanObject(R"({"a":)").ok());
  EXPECT_FALSE(scanObject(R"({"a":"unterminated})").ok());
  EXPECT_FALSE(scanObject(R"({"a":[1,2})").ok());
  EXPECT_FALSE(scanObject("").ok());
}

TEST(RawJson, FindsTheElementsOfAnArray) {
  std::string_view t = R"( [ {"a":[1,2]} , "x\"]" ,3,[] ] )";
  auto spans = scanArray(t);
  ASSERT_TRUE(spans.ok());
  ASSERT_EQ(spans->size(), 4U);
  EXPECT_EQ(t.substr((*spans)[0].begin, (*spans)[0].end - (*spans)[0].begin), R"({"a":[1,2]})");
  EXPECT_EQ(t.substr((*spans)[1].begin, (*spans)[1].end - (*spans)[1].begin), R"("x\"]")");
  EXPECT_EQ(t.substr((*spans)[3].begin, (*spans)[3].end - (*spans)[3].begin), "[]");
  EXPECT_TRUE(scanArray("[]")->empty());
  EXPECT_FALSE(scanArray("{}").ok());
  EXPECT_FALSE(scanArray("[1 2]").ok());
  EXPECT_FALSE(scanArray("[1,").ok());
}

// Strings are skipped 16 (or 32) bytes at a time: quotes and escapes at every offset of a block, and
// strings that end (or are cut off) in the last, shorter block.
TEST(RawJson, LongStringsWithEscapesAtEveryOffset) {
  for (std::size_t at = 0; at < 120; ++at) {
    std::string s(120, 'x');
    s.insert(at, "\\\"");
    std::string doc = R"({"k":")" + s + R"(","model":"m"})";
    auto layout = scanObject(doc);
    ASSERT_TRUE(layout.ok()) << at;
    ASSERT_EQ(layout->members.size(), 2U);
    EXPECT_EQ(layout->members[1].key, "model");
    EXPECT_FALSE(scanObject(doc.substr(0, 6 + at + 2)).ok()) << "cut inside the string at " << at;
  }
}

} // namespace
} // namespace hd::rawjson
