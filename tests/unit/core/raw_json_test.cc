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

// Nesting is matched at any depth: the first 64 levels are tracked in place, deeper ones apart.
TEST(RawJson, MatchesBracketsAtAnyDepth) {
  for (std::size_t depth : {1, 63, 64, 65, 200}) {
    std::string open;
    std::string close;
    for (std::size_t i = 0; i < depth; ++i) {
      open += i % 3 == 0 ? "{\"k\":" : "[";
      close.insert(0, i % 3 == 0 ? "}" : "]");
    }
    std::string value = open + "1" + close;
    auto layout = scanObject(R"({"a":)" + value + R"(,"b":2})");
    ASSERT_TRUE(layout.ok()) << depth;
    ASSERT_EQ(layout->members.size(), 2U);
    EXPECT_EQ(layout->members[0].value_end - layout->members[0].value_begin, value.size());
    // The same with one closer of the wrong kind at the deepest level, then at the outermost.
    for (std::size_t at : {std::size_t{0}, close.size() - 1}) {
      std::string wrong = close;
      wrong[at] = wrong[at] == '}' ? ']' : '}';
      EXPECT_FALSE(scanObject(R"({"a":)" + open + "1" + wrong + "}").ok()) << depth << " " << at;
    }
  }
  ObjectLayout reused;
  EXPECT_TRUE(scanObjectInto(R"({"x":1,"y":[2]})", reused));
  EXPECT_EQ(reused.members.size(), 2U);
  EXPECT_TRUE(scanObjectInto(R"({"z":{}})", reused));
  ASSERT_EQ(reused.members.size(), 1U);
  EXPECT_EQ(reused.members[0].key, "z");
  EXPECT_FALSE(scanObjectInto(R"({"z":{])", reused));
}

// The elements of the named array members, found in the same pass as the members.
TEST(RawJson, FindsTheElementsOfNamedArrays) {
  std::string_view t = R"({"a":[9], "messages": [ {"a":[1,2]} , "x\"]" ,3,[] ], "input":{"x":[1]}, "b":[] })";
  std::vector<Span> spans;
  auto layout = scanObject(t, {"messages", "input", "b"}, &spans);
  ASSERT_TRUE(layout.ok());
  ASSERT_EQ(layout->members.size(), 4U);
  EXPECT_EQ(t.substr(layout->members[1].value_begin, layout->members[1].value_end - layout->members[1].value_begin),
            R"([ {"a":[1,2]} , "x\"]" ,3,[] ])");
  ASSERT_EQ(spans.size(), 4U) << "only the messages array's: \"a\" is not named, \"input\" is no array";
  auto at = [&](std::size_t k) { return t.substr(spans[k].begin, spans[k].end - spans[k].begin); };
  EXPECT_EQ(at(0), R"({"a":[1,2]})");
  EXPECT_EQ(at(1), R"("x\"]")");
  EXPECT_EQ(at(2), "3");
  EXPECT_EQ(at(3), "[]");
  for (std::string_view bad : {R"({"messages":[1 2]})", R"({"messages":[1,})", R"({"messages":[1,]})"}) {
    spans.clear();
    EXPECT_FALSE(scanObject(bad, {"messages"}, &spans).ok()) << bad;
  }
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
