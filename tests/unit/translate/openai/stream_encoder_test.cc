#include "translate/openai/stream_encoder.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/sse.h"
#include "translate/openai/stream_decoder.h"

namespace hd::translate::openai {
namespace {

namespace js = boost::json;
using Ev = ir::StreamEvent;

Ev start(std::string id, std::string model, std::int64_t input = 0, std::int64_t cache_read = 0) {
  Ev e;
  e.type = Ev::Type::MessageStart;
  e.id = std::move(id);
  e.model = std::move(model);
  e.usage.input_tokens = input;
  e.usage.cache_read_input_tokens = cache_read;
  return e;
}

Ev blockStart(std::size_t index, ir::BlockType type, std::string id = {}, std::string name = {}) {
  Ev e;
  e.type = Ev::Type::BlockStart;
  e.index = index;
  e.block.type = type;
  e.block.id = std::move(id);
  e.block.name = std::move(name);
  if (type == ir::BlockType::ToolUse) {
    e.block.input = js::object{};
  }
  return e;
}

Ev delta(std::size_t index, Ev::Delta kind, std::string text) {
  Ev e;
  e.type = Ev::Type::BlockDelta;
  e.index = index;
  e.delta = kind;
  e.delta_text = std::move(text);
  return e;
}

Ev blockStop(std::size_t index) {
  Ev e;
  e.type = Ev::Type::BlockStop;
  e.index = index;
  return e;
}

Ev messageDelta(std::string stop, std::int64_t output) {
  Ev e;
  e.type = Ev::Type::MessageDelta;
  e.stop_reason = std::move(stop);
  e.usage.output_tokens = output;
  e.usage.reported = true;
  return e;
}

Ev of(Ev::Type t) {
  Ev e;
  e.type = t;
  return e;
}

// The data payloads of an SSE byte string; JSON ones with the volatile `created` removed.
std::vector<std::string> payloads(const std::string& sse) {
  std::vector<std::string> out;
  sse::Parser p([&](const sse::Event& e) {
    if (e.data == "[DONE]") {
      out.emplace_back(e.data);
      return;
    }
    auto v = js::parse(e.data);
    if (v.is_object()) {
      v.as_object().erase("created");
    }
    out.push_back(js::serialize(v));
  });
  p.feed(sse);
  return out;
}

std::string chunk(std::string_view choice_json) {
  return R"({"id":"chatcmpl-01A","object":"chat.completion.chunk","model":"claude-x","choices":[)" +
         std::string(choice_json) + "]}";
}

std::vector<Ev> claudeStream() {
  return {start("msg_01A", "claude-sonnet-4-6", 10, 90),
          of(Ev::Type::Ping),
          blockStart(0, ir::BlockType::Thinking),
          delta(0, Ev::Delta::Thinking, "hmm"),
          delta(0, Ev::Delta::Signature, "sig"),
          blockStop(0),
          blockStart(1, ir::BlockType::Text),
          delta(1, Ev::Delta::Text, "Hi"),
          blockStop(1),
          blockStart(2, ir::BlockType::ToolUse, "toolu_1", "Read"),
          delta(2, Ev::Delta::InputJson, "{\"a\":"),
          delta(2, Ev::Delta::InputJson, "1}"),
          blockStop(2),
          blockStart(3, ir::BlockType::Text),
          delta(3, Ev::Delta::Text, "More"),
          blockStop(3),
          blockStart(4, ir::BlockType::ToolUse, "toolu_2", "Ls"),
          blockStop(4),
          messageDelta("tool_use", 7),
          of(Ev::Type::MessageStop)};
}

TEST(StreamEncoder, ChunksForAClaudeStream) {
  StreamEncoder enc({"claude-x", true});
  std::string out;
  for (const auto& e : claudeStream()) {
    enc.encode(e, out);
  }
  EXPECT_TRUE(enc.finished());
  EXPECT_EQ(enc.stopReason(), "tool_use");
  auto tc = [](const char* call) {
    return chunk(std::string(R"({"index":0,"delta":{"tool_calls":[)") + call +
                 R"(]},"logprobs":null,"finish_reason":null})");
  };
  auto content = [](const char* delta) {
    return chunk(std::string(R"({"index":0,"delta":)") + delta + R"(,"logprobs":null,"finish_reason":null})");
  };
  std::vector<std::string> expected = {
      content(R"({"role":"assistant","content":""})"),
      content(R"({"reasoning_content":"hmm"})"),
      content(R"({"content":"Hi"})"),
      tc(R"({"index":0,"id":"toolu_1","type":"function","function":{"name":"Read","arguments":""}})"),
      tc(R"({"index":0,"function":{"arguments":"{\"a\":"}})"),
      tc(R"({"index":0,"function":{"arguments":"1}"}})"),
      content(R"({"content":"\n\nMore"})"),
      tc(R"({"index":1,"id":"toolu_2","type":"function","function":{"name":"Ls","arguments":""}})"),
      chunk(R"({"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"})"),
      R"({"id":"chatcmpl-01A","object":"chat.completion.chunk","model":"claude-x","choices":[],)"
      R"("usage":{"prompt_tokens":100,"completion_tokens":7,"total_tokens":107,)"
      R"("prompt_tokens_details":{"cached_tokens":90}}})",
      "[DONE]",
  };
  auto got = payloads(out);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i + 1 < expected.size(); ++i) {
    EXPECT_EQ(js::parse(got[i]), js::parse(expected[i])) << i;
  }
  EXPECT_EQ(got.back(), "[DONE]");
  EXPECT_EQ(enc.usage().input_tokens, 10);
  EXPECT_EQ(enc.usage().output_tokens, 7);
}

TEST(StreamEncoder, NoUsageChunkUnlessAsked) {
  StreamEncoder enc({"", false});
  std::string out;
  for (const auto& e : claudeStream()) {
    enc.encode(e, out);
  }
  auto got = payloads(out);
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got.back(), "[DONE]");
  EXPECT_NE(got[got.size() - 2].find("\"finish_reason\":\"tool_calls\""), std::string::npos);
  EXPECT_NE(got[0].find("\"model\":\"claude-sonnet-4-6\""), std::string::npos); // model from MessageStart
}

TEST(StreamEncoder, ErrorEndsTheStream) {
  StreamEncoder enc;
  std::string out;
  enc.encode(start("msg_1", "m"), out);
  enc.encode(blockStart(0, ir::BlockType::Text), out);
  enc.encode(delta(0, Ev::Delta::Text, "partial"), out);
  Ev err = of(Ev::Type::Error);
  err.error_type = "overloaded_error";
  err.error_message = "Overloaded";
  enc.encode(err, out);
  enc.encode(of(Ev::Type::MessageStop), out);
  EXPECT_TRUE(enc.finished());
  auto got = payloads(out);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(js::parse(got[2]), js::parse(R"({"error":{"message":"Overloaded","type":"server_error","param":null,
                                           "code":"overloaded"}})"));
}

// IR -> OpenAI chunks -> IR gives back the same blocks (ids and signatures aside).
TEST(StreamEncoder, RoundTripsThroughTheDecoder) {
  StreamEncoder enc({"claude-x", true});
  std::string out;
  for (const auto& e : claudeStream()) {
    enc.encode(e, out);
  }
  StreamDecoder dec;
  std::vector<Ev> events;
  StreamDecoder::Emit emit = [&](const Ev& e) { events.push_back(e); };
  dec.feed(out, emit);
  dec.finish(emit);
  ASSERT_EQ(events.size(), 18u);
  EXPECT_EQ(events[0].type, Ev::Type::MessageStart);
  EXPECT_EQ(events[0].id, "msg_01A");
  EXPECT_EQ(events[1].block.type, ir::BlockType::Thinking);
  EXPECT_EQ(events[2].delta_text, "hmm");
  EXPECT_EQ(events[5].delta_text, "Hi");
  EXPECT_EQ(events[7].block.id, "toolu_1");
  EXPECT_EQ(events[8].delta_text, "{\"a\":");
  EXPECT_EQ(events[9].delta_text, "1}");
  EXPECT_EQ(events[12].delta_text, "\n\nMore");
  EXPECT_EQ(events[14].block.name, "Ls");
  EXPECT_EQ(events[16].type, Ev::Type::MessageDelta);
  EXPECT_EQ(events[16].stop_reason, "tool_use");
  EXPECT_EQ(events[16].usage.input_tokens, 10);
  EXPECT_EQ(events[16].usage.cache_read_input_tokens, 90);
  EXPECT_EQ(events[16].usage.output_tokens, 7);
  EXPECT_EQ(events[17].type, Ev::Type::MessageStop);
}

} // namespace
} // namespace hd::translate::openai
