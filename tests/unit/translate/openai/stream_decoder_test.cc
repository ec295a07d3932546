#include "translate/openai/stream_decoder.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace hd::translate::openai {
namespace {

using Ev = ir::StreamEvent;

std::string describe(const Ev& ev) {
  switch (ev.type) {
  case Ev::Type::MessageStart:
    return fmt::format("start {} {}", ev.id, ev.model);
  case Ev::Type::BlockStart:
    switch (ev.block.type) {
    case ir::BlockType::Text:
      return fmt::format("block {} text", ev.index);
    case ir::BlockType::Thinking:
      return fmt::format("block {} thinking", ev.index);
    case ir::BlockType::ToolUse:
      return fmt::format("block {} tool_use {} {}", ev.index, ev.block.id, ev.block.name);
    default:
      return "block ?";
    }
  case Ev::Type::BlockDelta: {
    const char* kind = ev.delta == Ev::Delta::Text        ? "text"
                       : ev.delta == Ev::Delta::InputJson ? "json"
                       : ev.delta == Ev::Delta::Thinking  ? "thinking"
                                                          : "other";
    return fmt::format("delta {} {} {}", ev.index, kind, ev.delta_text);
  }
  case Ev::Type::BlockStop:
    return fmt::format("stop {}", ev.index);
  case Ev::Type::MessageDelta:
    return fmt::format("message_delta {} in={} out={} cache_read={} reported={}", ev.stop_reason, ev.usage.input_tokens,
                       ev.usage.output_tokens, ev.usage.cache_read_input_tokens, ev.usage.reported);
  case Ev::Type::MessageStop:
    return "message_stop";
  case Ev::Type::Error:
    return fmt::format("error {} {}", ev.error_type, ev.error_message);
  case Ev::Type::Ping:
    return "ping";
  }
  return "?";
}

struct Harness {
  std::vector<std::string> events;
  StreamDecoder decoder{"fallback-model"};
  StreamDecoder::Emit emit = [this](const Ev& ev) { events.push_back(describe(ev)); };
};

std::vector<std::string> decodeWhole(std::string_view sse) {
  Harness r;
  r.decoder.feed(sse, r.emit);
  r.decoder.finish(r.emit);
  EXPECT_TRUE(r.decoder.finished());
  return r.events;
}

// One SSE event; the JSON may be written over several source lines.
std::string data(std::string_view json) {
  std::string one_line(json);
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  return fmt::format("data: {}\n\n", one_line);
}

// A recorded-style Azure transcript: prompt-filter annotation chunk (empty choices), role chunk, text, two
// tool calls streamed one after the other, finish_reason, the include_usage chunk, [DONE].
const std::string kTranscript =
    data(R"({"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,
      "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]})") +
    data(R"({"id":"chatcmpl-AbC","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06",
      "choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,
      "finish_reason":null}],"usage":null})") +
    data(R"({"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{"content":"I'll read "},"finish_reason":null}]})") +
    data(R"({"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{"content":"both files."},"finish_reason":null}]})") +
    data(R"({"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1",
      "type":"function","function":{"name":"Read","arguments":""}}]},"finish_reason":null}]})") +
    data(R"({"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,
      "function":{"arguments":"{\"file_path\":"}}]},"finish_reason":null}]})") +
    data(R"({"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,
      "function":{"arguments":" \"/a\"}"}}]},"finish_reason":null}]})") +
    ": azure keep-alive comment\n\n" +
    data(R"({"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2",
      "type":"function","function":{"name":"Bash","arguments":"{\"command\""}}]},"finish_reason":null}]})") +
    data(R"({"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,
      "function":{"arguments":": \"ls\"}"}}]},"finish_reason":null}]})") +
    data(R"({"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})") +
    data(R"({"id":"chatcmpl-AbC","choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":57,
      "total_tokens":2063,"prompt_tokens_details":{"cached_tokens":1920}}})") +
    "data: [DONE]\n\n";

const std::vector<std::string> kExpected = {
    "start msg_AbC gpt-4o-2024-08-06",
    "block 0 text",
    "delta 0 text I'll read ",
    "delta 0 text both files.",
    "stop 0",
    "block 1 tool_use call_1 Read",
    "delta 1 json {\"file_path\":",
    "delta 1 json  \"/a\"}",
    "stop 1",
    "block 2 tool_use call_2 Bash",
    "delta 2 json {\"command\"",
    "delta 2 json : \"ls\"}",
    "stop 2",
    "message_delta tool_use in=86 out=57 cache_read=1920 reported=true",
    "message_stop",
};

TEST(StreamDecoder, TextAndTwoToolCalls) {
  EXPECT_EQ(decodeWhole(kTranscript), kExpected);
}

TEST(StreamDecoder, SplitAtEveryByteBoundary) {
  for (std::size_t cut = 0; cut <= kTranscript.size(); ++cut) {
    Harness r;
    r.decoder.feed(std::string_view(kTranscript).substr(0, cut), r.emit);
    r.decoder.feed(std::string_view(kTranscript).substr(cut), r.emit);
    r.decoder.finish(r.emit);
    ASSERT_EQ(r.events, kExpected) << "cut at " << cut;
  }
}

TEST(StreamDecoder, ByteByByteAndUnevenPieces) {
  for (std::size_t step : {1, 2, 3, 7, 64, 1000}) {
    Harness r;
    for (std::size_t i = 0; i < kTranscript.size(); i += step) {
      r.decoder.feed(std::string_view(kTranscript).substr(i, step), r.emit);
    }
    EXPECT_TRUE(r.decoder.finished()) << step; // [DONE] completes without waiting for EOF
    r.decoder.finish(r.emit);
    ASSERT_EQ(r.events, kExpected) << "step " << step;
    EXPECT_EQ(r.decoder.stopReason(), "tool_use");
    EXPECT_EQ(r.decoder.usage().output_tokens, 57);
  }
}

TEST(StreamDecoder, CrLfFraming) {
  std::string crlf;
  for (char c : kTranscript) {
    if (c == '\n') {
      crlf += "\r\n";
    } else {
      crlf += c;
    }
  }
  EXPECT_EQ(decodeWhole(crlf), kExpected);
}

TEST(StreamDecoder, CutBeforeFinishIsAnError) {
  std::size_t finish_at = kTranscript.find(R"(data: {"id":"chatcmpl-AbC","choices":[{"index":0,"delta":{},"finish)");
  ASSERT_NE(finish_at, std::string::npos);
  for (std::size_t cut = 0; cut < finish_at + 10; ++cut) {
    auto events = decodeWhole(std::string_view(kTranscript).substr(0, cut));
    ASSERT_FALSE(events.empty()) << cut;
    EXPECT_EQ(events.back(), "error api_error upstream stream ended early") << cut;
    for (const auto& e : events) {
      EXPECT_NE(e, "message_stop") << cut;
    }
    // Every opened block was closed before the error.
    int open = 0;
    for (const auto& e : events) {
      open += e.rfind("block ", 0) == 0 ? 1 : e.rfind("stop ", 0) == 0 ? -1 : 0;
    }
    EXPECT_EQ(open, 0) << cut;
  }
}

TEST(StreamDecoder, CutAfterFinishCompletesWithoutDone) {
  std::size_t usage_at = kTranscript.find(R"(data: {"id":"chatcmpl-AbC","choices":[],"usage")");
  ASSERT_NE(usage_at, std::string::npos);
  auto events = decodeWhole(std::string_view(kTranscript).substr(0, usage_at + 20)); // usage chunk cut off
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[events.size() - 2], "message_delta tool_use in=0 out=0 cache_read=0 reported=false");
  EXPECT_EQ(events.back(), "message_stop");
}

TEST(StreamDecoder, ErrorPayloadInStream) {
  std::string sse = data(R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi"}}]})") +
                    data(R"({"error":{"message":"The server had an error","type":"server_error","code":null}})") +
                    data(R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"ignored"}}]})");
  EXPECT_EQ(decodeWhole(sse), (std::vector<std::string>{"start msg_1 fallback-model", "block 0 text", "delta 0 text Hi",
                                                        "stop 0", "error api_error The server had an error"}));
  std::string limited = data(R"({"error":{"message":"slow down","type":"tokens","code":"rate_limit_exceeded"}})");
  EXPECT_EQ(decodeWhole(limited), (std::vector<std::string>{"error rate_limit_error slow down (rate_limit_exceeded)"}));
}

TEST(StreamDecoder, InvalidChunkIsAnError) {
  auto events = decodeWhole("data: {not json}\n\n");
  EXPECT_EQ(events,
            (std::vector<std::string>{"error api_error upstream sent a stream chunk that is not a JSON object"}));
}

TEST(StreamDecoder, ReasoningContentThenText) {
  std::string sse = data(R"({"id":"chatcmpl-r","model":"deepseek-r1","choices":[{"index":0,"delta":{"role":"assistant",
                           "reasoning_content":"Let me think"}}]})") +
                    data(R"({"id":"chatcmpl-r","choices":[{"index":0,"delta":{"reasoning_content":" more"}}]})") +
                    data(R"({"id":"chatcmpl-r","choices":[{"index":0,"delta":{"content":"Answer"}}]})") +
                    data(R"({"id":"chatcmpl-r","choices":[{"index":0,"delta":{},"finish_reason":"length"}],
                           "usage":{"prompt_tokens":5,"completion_tokens":9}})") +
                    "data: [DONE]\n\n";
  EXPECT_EQ(decodeWhole(sse), (std::vector<std::string>{
                                  "start msg_r deepseek-r1", "block 0 thinking", "delta 0 thinking Let me think",
                                  "delta 0 thinking  more", "stop 0", "block 1 text", "delta 1 text Answer", "stop 1",
                                  "message_delta max_tokens in=5 out=9 cache_read=0 reported=true", "message_stop"}));
}

TEST(StreamDecoder, WholeToolCallsInOneChunkAndTextAfterTools) {
  // Gemini-style: several complete calls in one delta; then text after the tools.
  std::string sse =
      data(R"({"id":"chatcmpl-g","choices":[{"index":0,"delta":{"tool_calls":[
                           {"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},
                           {"index":1,"id":"b","type":"function",
                            "function":{"name":"g","arguments":"{\"x\":1}"}}]}}]})") +
      data(R"({"id":"chatcmpl-g","choices":[{"index":0,"delta":{"content":"done"},"finish_reason":"stop"}]})") +
      "data: [DONE]\n\n";
  EXPECT_EQ(decodeWhole(sse),
            (std::vector<std::string>{
                "start msg_g fallback-model", "block 0 tool_use a f", "delta 0 json {}", "stop 0",
                "block 1 tool_use b g", "delta 1 json {\"x\":1}", "stop 1", "block 2 text", "delta 2 text done",
                "stop 2", "message_delta tool_use in=0 out=0 cache_read=0 reported=false", "message_stop"}));
}

TEST(StreamDecoder, ToolCallWithoutIndexOrEarlyName) {
  // Servers that omit `index`, and a call whose name arrives after its first fragment.
  std::string sse =
      data(R"({"id":"x","choices":[{"delta":{"tool_calls":[{"id":"c1","function":{"arguments":"{\"a\""}}]}}]})") +
      data(R"({"id":"x","choices":[{"delta":{"tool_calls":[{"function":{"name":"late","arguments":":1}"}}]}}]})") +
      data(
          R"({"id":"x","choices":[{"delta":{"tool_calls":[
            {"id":"c2","function":{"name":"next","arguments":"{}"}}]}}]})") +
      data(R"({"id":"x","choices":[{"delta":{},"finish_reason":"tool_calls"}]})");
  EXPECT_EQ(decodeWhole(sse), (std::vector<std::string>{
                                  "start msg_x fallback-model", "block 0 tool_use c1 late", "delta 0 json {\"a\":1}",
                                  "stop 0", "block 1 tool_use c2 next", "delta 1 json {}", "stop 1",
                                  "message_delta tool_use in=0 out=0 cache_read=0 reported=false", "message_stop"}));
}

TEST(StreamDecoder, InvalidToolCallJsonIsPassedThrough) {
  std::string sse = data(R"({"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c",
                           "function":{"name":"f","arguments":"{\"broken"}}]}}]})") +
                    data(R"({"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})") +
                    "data: [DONE]\n\n";
  auto events = decodeWhole(sse);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[2], "delta 0 json {\"broken");
  EXPECT_EQ(events.back(), "message_stop");
}

TEST(StreamDecoder, RefusalAndContentFilter) {
  std::string sse = data(R"({"id":"x","choices":[{"index":0,"delta":{"refusal":"I can't."}}]})") +
                    data(R"({"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]})") +
                    "data: [DONE]\n\n";
  auto events = decodeWhole(sse);
  EXPECT_EQ(events[2], "delta 0 text I can't.");
  EXPECT_EQ(events[events.size() - 2], "message_delta refusal in=0 out=0 cache_read=0 reported=false");
}

TEST(StreamDecoder, DoneWithoutContent) {
  auto events = decodeWhole("data: [DONE]\n\n");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].substr(0, 10), "start msg_"); // a generated id
  EXPECT_EQ(events[0].substr(events[0].size() - 15), " fallback-model");
  EXPECT_EQ(events[1], "message_delta end_turn in=0 out=0 cache_read=0 reported=false");
}

TEST(StreamDecoder, EmptyStreamIsAnError) {
  EXPECT_EQ(decodeWhole(""), (std::vector<std::string>{"error api_error upstream stream ended early"}));
}

TEST(StreamDecoder, IgnoresOtherChoicesAndInputAfterTheEnd) {
  std::string sse =
      data(R"({"id":"x","choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"mine"}}]})") +
      data(R"({"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})") + "data: [DONE]\n\n" +
      data(R"({"id":"x","choices":[{"index":0,"delta":{"content":"late"}}]})");
  auto events = decodeWhole(sse);
  EXPECT_EQ(events, (std::vector<std::string>{"start msg_x fallback-model", "block 0 text", "delta 0 text mine",
                                              "stop 0", "message_delta end_turn in=0 out=0 cache_read=0 reported=false",
                                              "message_stop"}));
}

} // namespace
} // namespace hd::translate::openai
