#include "logs/parts.h"

#include <gtest/gtest.h>

#include <string>

namespace hd::logs::parts {
namespace {

std::string text(char c, std::size_t n) {
  return std::string(n, c);
}

// A coding agent's turn: big tools and system, a long conversation with short and long messages.
std::string agentBody() {
  return R"({"model":"claude-sonnet-4-6","max_tokens":32000,"system":[{"type":"text","text":")" + text('s', 2000) +
         R"("}],"tools":[{"name":"Read","description":")" + text('t', 3000) +
         R"("}], "messages" : [ {"role":"user","content":"short"} , {"role":"assistant","content":")" +
         text('a', 1500) + R"("},{"role":"user","content":[{"type":"tool_result","content":"quote \" and \\ )" +
         text('r', 800) + R"("}]}],"stream":true})";
}

TEST(Parts, SplitsAnAgentsBodyIntoSharedPartsAndJoinsItBackByteForByte) {
  auto body = agentBody();
  auto s = split(body);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->parts.size(), 4U); // system, tools, and the two long messages; the short one stays
  EXPECT_TRUE(s->parts[0].body.starts_with(R"([{"type":"text")"));
  EXPECT_TRUE(s->parts[1].body.starts_with(R"([{"name":"Read")"));
  EXPECT_EQ(s->parts[2].body.substr(0, 22), R"({"role":"assistant","c)");
  EXPECT_TRUE(s->parts[3].body.ends_with(R"("}]})"));
  EXPECT_EQ(std::count(s->skeleton.begin(), s->skeleton.end(), kMarker), 4);
  EXPECT_NE(s->skeleton.find(R"({"role":"user","content":"short"} ,)"), std::string::npos);
  EXPECT_LT(s->skeleton.size(), 250U);

  std::vector<std::string> bodies;
  for (const auto& p : s->parts) {
    bodies.emplace_back(p.body);
  }
  std::vector<const std::string*> ptrs;
  for (const auto& b : bodies) {
    ptrs.push_back(&b);
  }
  EXPECT_EQ(join(s->skeleton, ptrs), body);
}

TEST(Parts, TheSameTextHasTheSameHashWhereverItIs) {
  auto a = split(agentBody());
  auto b = split(R"({"tools":[{"name":"Read","description":")" + text('t', 3000) + R"("}],"messages":[)" +
                 R"({"role":"user","content":")" + text('x', 4000) + R"("}]})");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->parts[1].hash, b->parts[0].hash);
  EXPECT_NE(a->parts[0].hash, b->parts[1].hash);
}

TEST(Parts, LeavesWholeWhatItCannotSplitSafely) {
  EXPECT_FALSE(split(R"({"messages":[{"role":"user","content":"hi"}]})")) << "small";
  EXPECT_FALSE(split("[" + text('1', 5000) + "]")) << "not an object";
  EXPECT_FALSE(split(R"({"tools":")" + text('t', 5000))) << "cut off";
  EXPECT_FALSE(split("{\"a\":\"\x01\",\"tools\":\"" + text('t', 5000) + "\"}")) << "a marker byte outside the parts";
  EXPECT_FALSE(split(R"({"a":1,"b":2,"c":")" + text('c', 300) + R"(","messages":[)" + text(' ', 5000) + "]}"))
      << "no value long enough";
  EXPECT_FALSE(split(R"({"messages":[{"a":")" + text('m', 5000) + R"("} {"b":1}]})")) << "a malformed array";
}

TEST(Parts, AMarkerByteInsideAPartIsStoredAsItIs) {
  std::string body = R"({"tools":")" + text('t', 5000) + "\x01\"}";
  auto s = split(body);
  ASSERT_TRUE(s);
  std::string part(s->parts.at(0).body);
  EXPECT_EQ(join(s->skeleton, {&part}), body);
}

TEST(Parts, RefsAreReadStrictlyAndMissingPartsReadAsNull) {
  EXPECT_EQ(formatRefs({}), "[]");
  EXPECT_EQ(formatRefs({1884029234567168, 7}), "[1884029234567168,7]");
  EXPECT_EQ(parseRefs("[1884029234567168,7]"), (std::vector<std::int64_t>{1884029234567168, 7}));
  EXPECT_EQ(parseRefs("[]"), std::vector<std::int64_t>{});
  for (const char* bad :
       {"", "[", "[1", "[1,]", "[,1]", "[1 2]", "[-1]", "[\"1\"]", "[1x]", "[99999999999999999999]"}) {
    EXPECT_FALSE(parseRefs(bad)) << bad;
  }
  std::string one = "[1]";
  std::string skeleton = std::string("{\"x\":") + kMarker + ",\"y\":" + kMarker + "}";
  EXPECT_EQ(join(skeleton, {&one, nullptr}), R"({"x":[1],"y":null})");
}

} // namespace
} // namespace hd::logs::parts
