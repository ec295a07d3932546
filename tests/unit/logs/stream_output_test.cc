#include "logs/stream_output.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hd::logs {
namespace {

namespace js = boost::json;

TEST(StreamOutput, RebuildsAnAnthropicMessage) {
  std::string sse =
      "event: message_start\ndata: "
      R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}})"
      "\n\n"
      "event: content_block_start\ndata: "
      R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"
      "\n\n"
      "event: ping\ndata: {\"type\":\"ping\"}\n\n"
      "event: content_block_delta\ndata: "
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}})"
      "\n\n"
      "event: content_block_delta\ndata: "
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}})"
      "\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: content_block_start\ndata: "
      R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t1","name":"f","input":{}}})"
      "\n\n"
      "event: content_block_delta\ndata: "
      R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}})"
      "\n\n"
      "event: content_block_delta\ndata: "
      R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}})"
      "\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
      "event: message_delta\ndata: "
      R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}})"
      "\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  auto out = reconstructStream(sse);
  ASSERT_TRUE(out);
  auto v = js::parse(*out).as_object();
  EXPECT_EQ(v.at("id").as_string(), "msg_1");
  EXPECT_EQ(v.at("stop_reason").as_string(), "tool_use");
  EXPECT_EQ(v.at("usage").at("output_tokens").as_int64(), 9);
  EXPECT_EQ(v.at("usage").at("input_tokens").as_int64(), 5);
  const auto& content = v.at("content").as_array();
  ASSERT_EQ(content.size(), 2U);
  EXPECT_EQ(content[0].at("text").as_string(), "Hello");
  EXPECT_EQ(content[1].at("input"), js::parse(R"({"a":1})"));
}

TEST(StreamOutput, RebuildsAnOpenAIChatCompletion) {
  std::string sse =
      "data: "
      R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})"
      "\n\n"
      "data: "
      R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[{"index":0,"delta":{"content":"Hi "},"finish_reason":null}]})"
      "\n\n"
      "data: "
      R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[{"index":0,"delta":{"content":"there"},"finish_reason":null}]})"
      "\n\n"
      "data: "
      R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"x\""}}]},"finish_reason":null}]})"
      "\n\n"
      "data: "
      R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":2}"}}]},"finish_reason":"tool_calls"}]})"
      "\n\n"
      "data: "
      R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}})"
      "\n\n"
      "data: [DONE]\n\n";
  auto out = reconstructStream(sse);
  ASSERT_TRUE(out);
  auto v = js::parse(*out).as_object();
  EXPECT_EQ(v.at("object").as_string(), "chat.completion");
  EXPECT_EQ(v.at("usage").at("total_tokens").as_int64(), 7);
  const auto& msg = v.at("choices").at(0).at("message");
  EXPECT_EQ(msg.at("content").as_string(), "Hi there");
  EXPECT_EQ(msg.at("tool_calls").at(0).at("function").at("arguments").as_string(), "{\"x\":2}");
  EXPECT_EQ(v.at("choices").at(0).at("finish_reason").as_string(), "tool_calls");
}

TEST(StreamOutput, NeitherFormat) {
  EXPECT_FALSE(reconstructStream(""));
  EXPECT_FALSE(reconstructStream("data: not json\n\n"));
  EXPECT_FALSE(reconstructStream("{\"plain\":true}"));
}

} // namespace
} // namespace hd::logs
