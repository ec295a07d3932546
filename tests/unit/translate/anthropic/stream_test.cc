// IR stream events <-> Anthropic SSE: encoder goldens, decoder goldens, round trips under arbitrary chunking.
#include <gtest/gtest.h>

#include <random>

#include "ir_dump.h"
#include "test_util.h"
#include "translate/anthropic/stream_decoder.h"
#include "translate/anthropic/stream_encoder.h"

namespace hd::translate::anthropic {
namespace {

namespace js = boost::json;
using testing::dumpEvent;
using Type = ir::StreamEvent::Type;
using Delta = ir::StreamEvent::Delta;

ir::StreamEvent event(Type type, std::size_t index = 0) {
  ir::StreamEvent ev;
  ev.type = type;
  ev.index = index;
  return ev;
}

ir::StreamEvent blockStart(std::size_t index, ir::BlockType type) {
  auto ev = event(Type::BlockStart, index);
  ev.block.type = type;
  return ev;
}

ir::StreamEvent delta(std::size_t index, Delta d, std::string text) {
  auto ev = event(Type::BlockDelta, index);
  ev.delta = d;
  ev.delta_text = std::move(text);
  return ev;
}

// A full turn exercising every event and delta kind.
std::vector<ir::StreamEvent> sampleEvents() {
  std::vector<ir::StreamEvent> evs;
  auto start = event(Type::MessageStart);
  start.id = "msg_01";
  start.model = "claude-sonnet-4-6";
  start.usage = {25, 1, 10, 2000, true};
  evs.push_back(start);
  evs.push_back(event(Type::Ping));
  evs.push_back(blockStart(0, ir::BlockType::Thinking));
  evs.push_back(delta(0, Delta::Thinking, "Let me "));
  evs.push_back(delta(0, Delta::Thinking, "think…"));
  evs.push_back(delta(0, Delta::Signature, "EqQBCgIYAhIM=="));
  evs.push_back(event(Type::BlockStop, 0));
  evs.push_back(blockStart(1, ir::BlockType::RedactedThinking));
  evs.back().block.data = "EmwKAhgB";
  evs.push_back(event(Type::BlockStop, 1));
  evs.push_back(blockStart(2, ir::BlockType::Text));
  evs.push_back(delta(2, Delta::Text, "Hello \"world\"\n"));
  auto cite = event(Type::BlockDelta, 2);
  cite.delta = Delta::Citation;
  cite.block.citations = js::object{{"type", "char_location"}, {"cited_text", "w"}, {"document_index", 0}};
  evs.push_back(cite);
  evs.push_back(event(Type::BlockStop, 2));
  auto tool = blockStart(3, ir::BlockType::ToolUse);
  tool.block.id = "toolu_01";
  tool.block.name = "get_weather";
  tool.block.input = js::object{};
  evs.push_back(tool);
  evs.push_back(delta(3, Delta::InputJson, ""));
  evs.push_back(delta(3, Delta::InputJson, R"({"city": )"));
  evs.push_back(delta(3, Delta::InputJson, R"("Oslo"})"));
  evs.push_back(event(Type::BlockStop, 3));
  auto md = event(Type::MessageDelta);
  md.stop_reason = "tool_use";
  md.usage = {25, 87, 10, 2000, true};
  evs.push_back(md);
  evs.push_back(event(Type::MessageStop));
  return evs;
}

std::vector<ir::StreamEvent> decodeAll(const std::vector<std::string>& chunks, StreamDecoder& dec) {
  std::vector<ir::StreamEvent> out;
  for (const auto& c : chunks) {
    dec.feed(c, [&](ir::StreamEvent&& ev) { out.push_back(std::move(ev)); });
  }
  return out;
}

void expectSameEvents(const std::vector<ir::StreamEvent>& got, const std::vector<ir::StreamEvent>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(dumpEvent(got[i]), dumpEvent(want[i])) << "event " << i;
  }
}

TEST(AnthropicStreamEncoder, Golden) {
  StreamEncoder enc;
  std::string out;
  for (const auto& ev : sampleEvents()) {
    out += enc.encode(ev);
  }
  constexpr std::string_view kExpected =
      "event: message_start\n"
      R"(data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant",)"
      R"("model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":)"
      R"({"input_tokens":25,"cache_creation_input_tokens":10,"cache_read_input_tokens":2000,"output_tokens":1}}})"
      "\n\n"
      "event: ping\ndata: {\"type\":\"ping\"}\n\n"
      "event: content_block_start\n"
      R"(data: {"type":"content_block_start","index":0,"content_block":)"
      R"({"type":"thinking","thinking":"","signature":""}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me "}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"think…"}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":0,"delta":)"
      R"({"type":"signature_delta","signature":"EqQBCgIYAhIM=="}})"
      "\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: content_block_start\n"
      R"(data: {"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"EmwKAhgB"}})"
      "\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
      "event: content_block_start\n"
      R"(data: {"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Hello \"world\"\n"}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":2,"delta":{"type":"citations_delta","citation":)"
      R"({"type":"char_location","cited_text":"w","document_index":0}}})"
      "\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
      "event: content_block_start\n"
      R"(data: {"type":"content_block_start","index":3,"content_block":)"
      R"({"type":"tool_use","id":"toolu_01","name":"get_weather","input":{}}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":""}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":3,"delta":)"
      R"({"type":"input_json_delta","partial_json":"{\"city\": "}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"\"Oslo\"}"}})"
      "\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":3}\n\n"
      "event: message_delta\n"
      R"(data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":)"
      R"({"input_tokens":25,"cache_creation_input_tokens":10,"cache_read_input_tokens":2000,"output_tokens":87}})"
      "\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  EXPECT_EQ(out, kExpected);
}

TEST(AnthropicStreamEncoder, MessageDeltaOmitsUnknownInputCountsAndErrorShape) {
  StreamEncoder enc;
  auto md = event(Type::MessageDelta);
  md.stop_reason = "stop_sequence";
  md.stop_sequence = "END";
  md.usage.output_tokens = 5;
  EXPECT_EQ(enc.encode(md), "event: message_delta\ndata: "
                            R"({"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},)"
                            R"("usage":{"output_tokens":5}})"
                            "\n\n");
  auto err = event(Type::Error);
  err.error_type = "overloaded_error";
  err.error_message = "Overloaded";
  EXPECT_EQ(enc.encode(err), "event: error\ndata: "
                             R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"
                             "\n\n");
  err.error_type.clear();
  EXPECT_NE(enc.encode(err).find(R"("type":"api_error")"), std::string::npos);
  EXPECT_EQ(enc.encode(blockStart(0, ir::BlockType::Image)), "");
  auto start = event(Type::MessageStart);
  EXPECT_NE(enc.encode(start).find(R"("id":"msg_)"), std::string::npos);
}

TEST(AnthropicStreamDecoder, RealisticStream) {
  // As the API sends it: pings, a server tool block (no IR form: skipped, later blocks renumbered), \r\n
  // line ends in places, message_delta with only output_tokens.
  std::string bytes =
      "event: message_start\r\n"
      R"(data: {"type":"message_start","message":{"id":"msg_x","type":"message","role":"assistant",)"
      R"("model":"claude-opus-4-6","content":[],"stop_reason":null,"stop_sequence":null,)"
      R"("usage":{"input_tokens":3,"cache_creation_input_tokens":0,"cache_read_input_tokens":7,"output_tokens":1}}})"
      "\r\n\r\n"
      "event: ping\ndata: {\"type\": \"ping\"}\n\n"
      "event: content_block_start\n"
      R"(data: {"type":"content_block_start","index":0,"content_block":)"
      R"({"type":"server_tool_use","id":"s","name":"web_search","input":{}}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}})"
      "\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: content_block_start\n"
      R"(data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})"
      "\n\n"
      ": keep-alive comment\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}})"
      "\n\n"
      "event: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"future_delta","x":1}})"
      "\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
      "event: message_delta\n"
      R"(data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},)"
      R"("usage":{"output_tokens":9}})"
      "\n\n"
      "event: some_future_event\ndata: {\"type\":\"some_future_event\"}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  StreamDecoder dec;
  EXPECT_FALSE(dec.started());
  auto evs = decodeAll({bytes}, dec);
  EXPECT_TRUE(dec.started());
  EXPECT_TRUE(dec.finished());
  std::vector<ir::StreamEvent> want;
  auto start = event(Type::MessageStart);
  start.id = "msg_x";
  start.model = "claude-opus-4-6";
  start.usage = {3, 1, 0, 7, true};
  want.push_back(start);
  want.push_back(event(Type::Ping));
  want.push_back(blockStart(0, ir::BlockType::Text));
  want.push_back(delta(0, Delta::Text, "Hi"));
  want.push_back(event(Type::BlockStop, 0));
  auto md = event(Type::MessageDelta);
  md.stop_reason = "end_turn";
  md.usage = {0, 9, 0, 0, true};
  want.push_back(md);
  want.push_back(event(Type::MessageStop));
  expectSameEvents(evs, want);
}

TEST(AnthropicStreamDecoder, ErrorEventAndNoFinish) {
  StreamDecoder dec;
  auto evs = decodeAll({"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        "\"message\":\"Overloaded\"}}\n\n"},
                       dec);
  ASSERT_EQ(evs.size(), 1U);
  EXPECT_EQ(evs[0].type, Type::Error);
  EXPECT_EQ(evs[0].error_type, "overloaded_error");
  EXPECT_EQ(evs[0].error_message, "Overloaded");
  EXPECT_FALSE(dec.finished());
}

TEST(AnthropicStreamDecoder, MalformedJsonBecomesErrorEventAndDecodingContinues) {
  StreamDecoder dec;
  auto evs = decodeAll({"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"ind", "ex\":0,\n\n",
                        "event: ping\ndata: [1,2]\n\n", "event: ping\ndata: {\"type\":\"ping\"}\n\n",
                        "event: message_stop\ndata: {}\n\n"},
                       dec);
  ASSERT_EQ(evs.size(), 4U);
  EXPECT_EQ(evs[0].type, Type::Error);
  EXPECT_EQ(evs[0].error_type, "api_error");
  EXPECT_NE(evs[0].error_message.find("content_block_delta"), std::string::npos) << evs[0].error_message;
  EXPECT_EQ(evs[1].type, Type::Error);
  EXPECT_EQ(evs[2].type, Type::Ping);
  EXPECT_EQ(evs[3].type, Type::MessageStop); // type from the SSE event name when the JSON has none
  EXPECT_TRUE(dec.finished());
}

TEST(AnthropicStreamDecoder, IgnoresDeltasForUnknownBlocksAndBadIndices) {
  StreamDecoder dec;
  auto evs = decodeAll({R"(data: {"type":"content_block_delta","index":5,"delta":{"type":"text_delta","text":"x"}})"
                        "\n\n"
                        R"(data: {"type":"content_block_start","index":-1,"content_block":{"type":"text","text":""}})"
                        "\n\n"
                        R"(data: {"type":"content_block_start","index":"0","content_block":{"type":"text"}})"
                        "\n\n"
                        R"(data: {"type":"content_block_stop","index":2})"
                        "\n\n"
                        R"(data: {"type":"content_block_start","index":0,"content_block":7})"
                        "\n\n"},
                       dec);
  EXPECT_TRUE(evs.empty());
}

TEST(AnthropicStream, RoundTripUnderEverySplitPoint) {
  StreamEncoder enc;
  std::string bytes;
  auto original = sampleEvents();
  for (const auto& ev : original) {
    bytes += enc.encode(ev);
  }
  // Two pieces, split at every byte offset.
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    StreamDecoder dec;
    auto evs = decodeAll({bytes.substr(0, cut), bytes.substr(cut)}, dec);
    ASSERT_EQ(evs.size(), original.size()) << "cut at " << cut;
    ASSERT_TRUE(dec.finished());
  }
  // Random uneven chunkings, including single bytes.
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> chunks;
    for (std::size_t pos = 0; pos < bytes.size();) {
      std::size_t len = std::uniform_int_distribution<std::size_t>(1, round % 2 == 0 ? 7 : 300)(rng);
      chunks.push_back(bytes.substr(pos, len));
      pos += len;
    }
    StreamDecoder dec;
    auto evs = decodeAll(chunks, dec);
    expectSameEvents(evs, original);
    EXPECT_TRUE(dec.finished());
  }
}

TEST(AnthropicStream, DecoderIsMovable) {
  StreamDecoder a;
  std::vector<ir::StreamEvent> evs;
  a.feed("event: ping\ndata: {\"type\":", [&](ir::StreamEvent&& ev) { evs.push_back(std::move(ev)); });
  StreamDecoder b = std::move(a);
  b.feed("\"ping\"}\n\n", [&](ir::StreamEvent&& ev) { evs.push_back(std::move(ev)); });
  ASSERT_EQ(evs.size(), 1U);
  EXPECT_EQ(evs[0].type, Type::Ping);
}

} // namespace
} // namespace hd::translate::anthropic
