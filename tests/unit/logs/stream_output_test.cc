#include "logs/stream_output.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fmt/format.h>

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

// Deltas in Anthropic's own layout are folded on their raw text (anthropic_fold.h); the same events with their
// keys in another order (or an extra key) take the whole-event path. Both give the same message.
TEST(StreamOutput, DeltasInAnthropicsLayoutFoldLikeAnyOther) {
  auto delta = [](bool anthropic_layout, int index, std::string_view type, std::string_view field,
                  std::string_view literal) {
    std::string data =
        anthropic_layout
            ? fmt::format(R"({{"type":"content_block_delta","index":{},"delta":{{"type":"{}","{}":{}}}}})", index, type,
                          field, literal)
            : fmt::format(R"({{"index":{},"type":"content_block_delta","delta":{{"{}":{},"type":"{}"}},"x":1}})", index,
                          field, literal, type);
    return "event: content_block_delta\ndata: " + data + "\n\n";
  };
  auto stream = [&](bool layout) {
    std::string sse =
        "event: message_start\ndata: "
        R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":5}}})"
        "\n\n"
        "event: content_block_start\ndata: "
        R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})"
        "\n\n";
    sse += delta(layout, 0, "thinking_delta", "thinking", R"("Let me \"think\"\n")");
    sse += delta(layout, 0, "signature_delta", "signature", R"("c2ln")");
    sse += "event: content_block_start\ndata: "
           R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})"
           "\n\n";
    sse += delta(layout, 1, "text_delta", "text", R"("caf\u00e9 \ud83d\ude00 ")");
    sse += delta(layout, 1, "text_delta", "text", R"("tab\there, back\\slash, }}\"")");
    sse += delta(layout, 1, "text_delta", "text", R"("")");
    sse +=
        "event: content_block_start\ndata: "
        R"({"type":"content_block_start","index":12,"content_block":{"type":"tool_use","id":"t1","name":"f","input":{}}})"
        "\n\n";
    sse += delta(layout, 12, "input_json_delta", "partial_json", R"("{\"path\":")");
    sse += delta(layout, 12, "input_json_delta", "partial_json", R"("\"a\\nb\"}")");
    sse += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":12}\n\n";
    return sse;
  };
  auto fast = reconstructStream(stream(true));
  auto whole = reconstructStream(stream(false));
  ASSERT_TRUE(fast && whole);
  EXPECT_EQ(js::parse(*fast), js::parse(*whole));
  EXPECT_EQ(*whole, *reconstructStreamWithDocument(stream(false)));
  auto msg = js::parse(*fast);
  const auto& content = msg.at("content").as_array();
  ASSERT_EQ(content.size(), 3U);
  EXPECT_EQ(content[0].at("thinking").as_string(), "Let me \"think\"\n");
  EXPECT_EQ(content[0].at("signature").as_string(), "c2ln");
  EXPECT_EQ(content[1].at("text").as_string(), "caf\u00e9 \U0001F600 tab\there, back\\slash, }}\"");
  EXPECT_EQ(content[2].at("input"), js::parse(R"({"path":"a\nb"})"));

  // Not a delta of this layout after all: a string that does not end where the event does.
  std::string odd = stream(true);
  odd += "event: content_block_delta\ndata: "
         R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a\"}}")"
         "\n\n";
  auto rebuilt = reconstructStream(odd);
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(js::parse(*rebuilt).at("content").as_array()[1].at("text").as_string(), content[1].at("text").as_string())
      << "a malformed event is skipped, as before";
}

TEST(StreamOutput, NeitherFormat) {
  EXPECT_FALSE(reconstructStream(""));
  EXPECT_FALSE(reconstructStream("data: not json\n\n"));
  EXPECT_FALSE(reconstructStream("{\"plain\":true}"));
}

} // namespace
} // namespace hd::logs
