#include "translate/openai/response.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace hd::translate::openai {
namespace {

namespace js = boost::json;
using namespace testing;

ir::Response parse(std::string_view body) {
  auto r = responseFromOpenAI(body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : ir::Response{};
}

TEST(ResponseFromOpenAI, TextWithCachedUsage) {
  auto r = parse(R"({"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,
    "model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!",
    "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
    "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
      "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
      "completion_tokens_details":{"reasoning_tokens":0}},"system_fingerprint":"fp_1"})");
  EXPECT_EQ(r.id, "msg_B9MBs8CjcvOU2jLn4n570S5qMJKcT");
  EXPECT_EQ(r.model, "gpt-4o-2024-08-06");
  ASSERT_EQ(r.content.size(), 1u);
  EXPECT_EQ(r.content[0].type, ir::BlockType::Text);
  EXPECT_EQ(r.content[0].text, "Hello!");
  EXPECT_EQ(r.stop_reason, "end_turn");
  EXPECT_EQ(r.usage.input_tokens, 86);
  EXPECT_EQ(r.usage.cache_read_input_tokens, 1920);
  EXPECT_EQ(r.usage.cache_creation_input_tokens, 0);
  EXPECT_EQ(r.usage.output_tokens, 300);
  EXPECT_TRUE(r.usage.reported);
}

TEST(ResponseFromOpenAI, ToolCallsKeepIdsAndParseArguments) {
  auto r = parse(R"({"id":"chatcmpl-1","model":"gpt-4o","choices":[{"index":0,"finish_reason":"tool_calls",
    "message":{"role":"assistant","content":"Let me look.","tool_calls":[
      {"id":"call_abc","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"/a\"}"}},
      {"id":"call_def","type":"function","function":{"name":"Bash","arguments":"{\"command\": \"ls"}},
      {"id":"call_ghi","type":"function","function":{"name":"Now","arguments":""}}]}}]})");
  ASSERT_EQ(r.content.size(), 4u);
  EXPECT_EQ(r.content[0].text, "Let me look.");
  EXPECT_EQ(r.content[1].type, ir::BlockType::ToolUse);
  EXPECT_EQ(r.content[1].id, "call_abc");
  EXPECT_EQ(r.content[1].name, "Read");
  EXPECT_EQ(r.content[1].input, js::parse(R"({"file_path":"/a"})"));
  EXPECT_EQ(r.content[2].input, js::value("{\"command\": \"ls")); // invalid JSON kept raw, never a crash
  EXPECT_EQ(r.content[3].input, js::object{});
  EXPECT_EQ(r.stop_reason, "tool_use");
  EXPECT_FALSE(r.usage.reported);
}

TEST(ResponseFromOpenAI, ToolCallsWithStopFinishAreStillToolUse) {
  auto r = parse(R"({"id":"x","choices":[{"finish_reason":"stop","message":{"content":null,"tool_calls":[
    {"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}}]})");
  EXPECT_EQ(r.stop_reason, "tool_use");
  EXPECT_EQ(r.id, "msg_x");
}

TEST(ResponseFromOpenAI, FinishReasons) {
  for (auto [finish, stop] :
       {std::pair{"stop", "end_turn"}, std::pair{"length", "max_tokens"}, std::pair{"content_filter", "refusal"},
        std::pair{"tool_calls", "tool_use"}, std::pair{"function_call", "tool_use"}}) {
    auto r = parse(std::string(R"({"id":"chatcmpl-1","choices":[{"message":{"content":"x"},"finish_reason":")") +
                   finish + "\"}]}");
    EXPECT_EQ(r.stop_reason, stop) << finish;
  }
}

TEST(ResponseFromOpenAI, ReasoningContentComesFirstAndRefusalIsText) {
  auto r = parse(R"({"id":"chatcmpl-2","choices":[{"finish_reason":"stop","message":{
    "content":"42","reasoning_content":"think think","refusal":"I can't help with that part."}}]})");
  ASSERT_EQ(r.content.size(), 3u);
  EXPECT_EQ(r.content[0].type, ir::BlockType::Thinking);
  EXPECT_EQ(r.content[0].text, "think think");
  EXPECT_EQ(r.content[1].text, "42");
  EXPECT_EQ(r.content[2].type, ir::BlockType::Text);
  EXPECT_EQ(r.content[2].text, "I can't help with that part.");
}

TEST(ResponseFromOpenAI, LegacyFunctionCall) {
  auto r = parse(R"({"id":"c","choices":[{"finish_reason":"function_call","message":{"content":null,
    "function_call":{"name":"f","arguments":"{\"a\":1}"}}}]})");
  ASSERT_EQ(r.content.size(), 1u);
  EXPECT_EQ(r.content[0].name, "f");
  EXPECT_EQ(r.content[0].id.substr(0, 5), "call_");
  EXPECT_EQ(r.content[0].input, js::parse(R"({"a":1})"));
  EXPECT_EQ(r.stop_reason, "tool_use");
}

TEST(ResponseFromOpenAI, MalformedBodiesAreBadGateway) {
  for (std::string_view body : {"", "[]", "{}", R"({"choices":[]})", R"({"choices":[1]})", R"({"choices":[{}]})",
                                "{\"choices\":[{\"message\":{\"content\":"}) {
    auto r = responseFromOpenAI(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().status, 502) << body;
  }
}

TEST(ResponseFromOpenAI, ErrorInA200Body) {
  auto r = responseFromOpenAI(
      R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 429);
  EXPECT_EQ(r.error().message, "Rate limit reached (rate_limit_exceeded)");
}

TEST(ResponseToOpenAI, TextToolsThinkingAndUsage) {
  ir::Response r;
  r.id = "msg_01XFDUDYJgAACzvnptvVoYEL";
  r.model = "claude-sonnet-4-6";
  r.content = {thinking("plan", "sig"), text("First."), toolUse("toolu_1", "get", R"({"a":1})"), text("Second.")};
  r.stop_reason = "tool_use";
  r.usage.input_tokens = 10;
  r.usage.cache_read_input_tokens = 100;
  r.usage.cache_creation_input_tokens = 5;
  r.usage.output_tokens = 20;
  auto v = js::parse(responseToOpenAI(r, "claude-sonnet"));
  ASSERT_TRUE(v.is_object());
  auto& o = v.as_object();
  EXPECT_TRUE(o["created"].is_int64());
  o.erase("created");
  EXPECT_EQ(v, js::parse(R"({"id":"chatcmpl-01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion",
    "model":"claude-sonnet","choices":[{"index":0,"message":{"role":"assistant","content":"First.\n\nSecond.",
      "refusal":null,"reasoning_content":"plan","tool_calls":[
        {"id":"toolu_1","type":"function","function":{"name":"get","arguments":"{\"a\":1}"}}]},
      "logprobs":null,"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":115,"completion_tokens":20,"total_tokens":135,
             "prompt_tokens_details":{"cached_tokens":100,"cache_write_tokens":5}}})"));
}

TEST(ResponseToOpenAI, ContentIsNullOnlyForPureToolCalls) {
  ir::Response r;
  r.id = "msg_1";
  r.content = {toolUse("t", "f", "{}")};
  r.stop_reason = "tool_use";
  auto v = js::parse(responseToOpenAI(r, "m"));
  EXPECT_TRUE(v.at("choices").at(0).at("message").at("content").is_null());
  r.content.clear();
  r.stop_reason = "end_turn";
  v = js::parse(responseToOpenAI(r, ""));
  EXPECT_EQ(v.at("choices").at(0).at("message").at("content"), js::value(""));
}

TEST(ResponseToOpenAI, FinishReasons) {
  for (auto [stop, finish] :
       {std::pair{"end_turn", "stop"}, std::pair{"stop_sequence", "stop"}, std::pair{"max_tokens", "length"},
        std::pair{"tool_use", "tool_calls"}, std::pair{"refusal", "content_filter"}, std::pair{"pause_turn", "stop"}}) {
    ir::Response r;
    r.stop_reason = stop;
    auto v = js::parse(responseToOpenAI(r, "m"));
    EXPECT_EQ(v.at("choices").at(0).at("finish_reason"), js::value(finish)) << stop;
  }
}

TEST(ResponseRoundTrip, OpenAIToIRAndBack) {
  std::string body = R"({"id":"chatcmpl-rt","object":"chat.completion","created":1,"model":"gpt-4o",
    "choices":[{"index":0,"message":{"role":"assistant","content":"ok","refusal":null,"tool_calls":[
      {"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"x\":[1,2]}"}}]},
      "logprobs":null,"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":50,"completion_tokens":5,"total_tokens":55,
             "prompt_tokens_details":{"cached_tokens":40}}})";
  auto ir = parse(body);
  auto back = js::parse(responseToOpenAI(ir, "gpt-4o"));
  back.as_object().erase("created");
  auto expected = js::parse(body);
  expected.as_object().erase("created");
  EXPECT_EQ(back, expected);
}

} // namespace
} // namespace hd::translate::openai
