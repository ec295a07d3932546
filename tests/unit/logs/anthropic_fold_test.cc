#include "logs/anthropic_fold.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "logs/stream_output.h"

namespace hd::logs {
namespace {

namespace js = boost::json;

std::string event(std::string_view type, std::string_view data) {
  return "event: " + std::string(type) + "\ndata: " + std::string(data) + "\n\n";
}

std::string start(std::string_view message) {
  return event("message_start", R"({"type":"message_start","message":)" + std::string(message) + "}");
}
std::string blockStart(int i, std::string_view block) {
  return event("content_block_start", R"({"type":"content_block_start","index":)" + std::to_string(i) +
                                          R"(,"content_block":)" + std::string(block) + "}");
}
std::string delta(int i, std::string_view type, std::string_view field, std::string_view literal) {
  return event("content_block_delta", R"({"type":"content_block_delta","index":)" + std::to_string(i) +
                                          R"(,"delta":{"type":")" + std::string(type) + R"(",")" + std::string(field) +
                                          "\":" + std::string(literal) + "}}");
}
std::string stop(int i) {
  return event("content_block_stop", R"({"type":"content_block_stop","index":)" + std::to_string(i) + "}");
}
std::string messageDelta(std::string_view body) {
  return event("message_delta", R"({"type":"message_delta",)" + std::string(body) + "}");
}
const std::string kStop = event("message_stop", R"({"type":"message_stop"})");
const std::string kPing = event("ping", R"({"type":"ping"})");
const std::string kMessage =
    R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":3,"output_tokens":1}})";

// The raw fold gives the same JSON value as the fold with a document.
void expectSameAsDocument(const std::string& sse) {
  auto raw = foldAnthropicRaw(sse);
  ASSERT_TRUE(raw) << sse;
  auto doc = reconstructStreamWithDocument(sse);
  ASSERT_TRUE(doc);
  EXPECT_EQ(js::parse(*raw), js::parse(*doc)) << *raw << "\n" << *doc;
  EXPECT_EQ(reconstructStream(sse), raw);
}

TEST(AnthropicFold, ATextAnswer) {
  std::string sse =
      start(kMessage) + blockStart(0, R"({"type":"text","text":""})") + kPing +
      delta(0, "text_delta", "text", R"("Hello")") + delta(0, "text_delta", "text", R"(" there.")") + stop(0) +
      messageDelta(R"("delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7})") + kStop;
  expectSameAsDocument(sse);
  auto out = js::parse(*foldAnthropicRaw(sse));
  EXPECT_EQ(out.at("content"), js::parse(R"([{"type":"text","text":"Hello there."}])"));
  EXPECT_EQ(out.at("stop_reason"), "end_turn");
  EXPECT_EQ(
      out.at("usage"),
      js::parse(
          R"({"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":3,"output_tokens":7})"));
}

TEST(AnthropicFold, ThinkingTextAndToolCallsWithEscapes) {
  std::string sse =
      start(kMessage) + blockStart(0, R"({"type":"thinking","thinking":"","signature":""})") +
      delta(0, "thinking_delta", "thinking", R"("Let me \"think\"\n")") +
      delta(0, "thinking_delta", "thinking",
            R"("caf\u00e9 \ud83d\ude00 caf)"
            "\xc3\xa9"
            R"(")") +
      delta(0, "signature_delta", "signature", R"("c2ln")") + stop(0) +
      blockStart(1, R"({"type":"text","text":"pre-"})") +
      delta(1, "text_delta", "text", R"("tab\there, back\\slash, }}\"")") + delta(1, "text_delta", "text", R"("")") +
      stop(1) + blockStart(2, R"({"type":"tool_use","id":"toolu_1","name":"Edit","input":{}})") +
      delta(2, "input_json_delta", "partial_json", R"("")") +
      delta(2, "input_json_delta", "partial_json", R"("{\"path\": \"a\\nb\", ")") +
      delta(2, "input_json_delta", "partial_json", R"("\"n\": [1, 2.50]}")") + stop(2) +
      blockStart(3, R"({"type":"tool_use","id":"toolu_2","name":"Ls","input":{}})") + stop(3) +
      messageDelta(
          R"("delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":90,"server":{"n":1}})") +
      kStop;
  expectSameAsDocument(sse);
  auto raw = *foldAnthropicRaw(sse);
  auto out = js::parse(raw);
  const auto& content = out.at("content").as_array();
  ASSERT_EQ(content.size(), 4U);
  EXPECT_EQ(content[0].at("thinking").as_string(), "Let me \"think\"\ncaf\u00e9 \U0001F600 caf\u00e9");
  EXPECT_EQ(content[0].at("signature").as_string(), "c2ln");
  EXPECT_EQ(content[1].at("text").as_string(), "pre-tab\there, back\\slash, }}\"");
  EXPECT_EQ(content[2].at("input"), js::parse(R"({"path":"a\nb","n":[1,2.5]})"));
  EXPECT_EQ(content[3].at("input"), js::object());
  EXPECT_EQ(out.at("usage").at("server"), js::parse(R"({"n":1})"));
  // Bytes are kept as they came: the tool input's spacing and number, the escapes of the text.
  EXPECT_NE(raw.find(R"("input":{"path": "a\nb", "n": [1, 2.50]})"), std::string::npos) << raw;
  EXPECT_NE(raw.find(R"(caf\u00e9 \ud83d\ude00)"), std::string::npos) << raw;
}

TEST(AnthropicFold, DeltasWithoutABlockStartAndInputThatIsNotJson) {
  std::string sse = start(R"({"id":"m","content":[],"usage":{"input_tokens":1}})") +
                    delta(0, "text_delta", "text", R"("orphan")") +
                    delta(4, "input_json_delta", "partial_json", R"("{\"cut")") + stop(4) +
                    blockStart(5, R"({"type":"tool_use","id":"t","name":"f","input":{}})") +
                    delta(5, "input_json_delta", "partial_json", R"("{\"never stopped\":")");
  expectSameAsDocument(sse);
  auto out = js::parse(*foldAnthropicRaw(sse));
  EXPECT_EQ(out.at("content").at(0), js::parse(R"({"text":"orphan"})"));
  EXPECT_EQ(out.at("content").at(1).at("input"), "{\"cut") << "kept as the text it was";
  EXPECT_EQ(out.at("content").at(2).at("input"), js::object()) << "no stop: the block as it started";
}

TEST(AnthropicFold, AMessageWithoutContentOrUsageGetsThem) {
  std::string sse = start(R"({"id":"m","role":"assistant"})") + blockStart(0, R"({"type":"text","text":""})") +
                    delta(0, "text_delta", "text", R"("x")") +
                    messageDelta(R"("delta":{"stop_reason":"max_tokens","extra":true},"usage":{"output_tokens":2})");
  expectSameAsDocument(sse);
}

// Comments, id: lines, "data:" without its space and a last event without its blank line (cut off by
// the capture cap) are framed as the SSE parser reads them.
TEST(AnthropicFold, EventFramingAsTheSseParserReadsIt) {
  const std::string text = blockStart(0, R"({"type":"text","text":""})") + delta(0, "text_delta", "text", R"("hi")");
  expectSameAsDocument(": keep-alive\n\n" + start(kMessage) + "id: 7\nretry: 100\n" + text +
                       "event: content_block_delta\ndata:{\"type\":\"content_block_delta\",\"index\":0,"
                       "\"delta\":{\"type\":\"text_delta\",\"text\":\"!\"}}\n\n" +
                       stop(0) + "event: message_stop\ndata: {\"type\":\"message_stop\"}");
  expectSameAsDocument(start(kMessage) + text +
                       "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n");
}

// A number beyond a double's range keeps its digits on raw text; the document fold would read it as
// infinity, which serialises as no JSON, so it gives nothing and the answer is kept as its events.
TEST(AnthropicFold, ANumberBeyondADoubleKeepsItsDigits) {
  const std::string sse = start(R"({"id":"m","n":2e999,"content":[]})") +
                          blockStart(0, R"({"type":"text","text":""})") + delta(0, "text_delta", "text", R"("hi")");
  auto raw = foldAnthropicRaw(sse);
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, R"({"id":"m","n":2e999,"content":[{"type":"text","text":"hi"}]})");
  EXPECT_EQ(reconstructStream(sse), raw);
  EXPECT_FALSE(reconstructStreamWithDocument(sse));
  EXPECT_FALSE(reconstructStream("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":-3e999,"
                                 "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n"));
}

// Anything outside the layout handled on raw text is left to the document fold, which gives the
// answer as before.
TEST(AnthropicFold, LeavesOtherStreamsToTheDocumentFold) {
  const std::string text = blockStart(0, R"({"type":"text","text":""})") + delta(0, "text_delta", "text", R"("hi")");
  const std::string others[] = {
      kPing + start(kMessage) + text, // an event before message_start
      start(kMessage) + text + event("error", R"({"type":"error","error":{"type":"overloaded_error"}})"),
      start(kMessage) + text + start(kMessage), // a second message_start
      start(kMessage) + text +
          event("content_block_delta",
                R"({"index":0,"type":"content_block_delta","delta":{"type":"text_delta","text":"!"}})"),
      start(kMessage) + text + delta(0, "citations_delta", "citation", R"({"type":"char_location"})"),
      start(kMessage) + text + delta(0, "text_delta", "text", R"("a","x":"b")"), // not one string
      start(kMessage) + text + delta(0, "text_delta", "text", "\"\x01\""),       // not a JSON string
      start(kMessage) + text + messageDelta(R"("delta":null)"),
      start(kMessage) + text + messageDelta(R"("delta":{},"usage":{})") + messageDelta(R"("delta":{},"usage":{})"),
      start(kMessage) + text + "event: content_block_delta\ndata: {\"type\":\"content_block_de", // cut off
      start(R"({"id":"m"},"extra":1)") + text,
      start(R"({"id":"m")") + text, // not JSON
      start(kMessage) +
          event("content_block_start", R"({"type":"content_block_start","index":01,"content_block":{"type":"text"}})"),
      start(kMessage) + text + event("content_block_stop", R"({"type":"content_block_stop","index":00})"),
      // An escaped key naming a member twice ("\u0069d" is "id").
      start(R"({"id":"m1","\u0069d":"m2","content":[]})") + text,
      // A message_delta whose delta names the content or the usage.
      start(R"({"id":"m1","usage":{}})") + text + messageDelta(R"("delta":{"content":[]})"),
      start(kMessage) + text + messageDelta(R"("delta":{"usage":{}},"usage":{"output_tokens":2})"),
      // ... in the usage that message_delta's usage is set over.
      start(R"({"id":"m1","usage":{"in\nput":1}})") + text + messageDelta(R"("delta":{},"usage":{"output_tokens":2})"),
      // Framing the fold does not follow on raw text: CR line ends, an event's data on two lines.
      "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":" + kMessage + "}\r\n\r\n" + text,
      start(kMessage) + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\n"
                        "data: \"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
  };
  for (const auto& sse : others) {
    EXPECT_FALSE(foldAnthropicRaw(sse)) << sse;
    EXPECT_EQ(reconstructStream(sse), reconstructStreamWithDocument(sse)) << sse;
  }
  EXPECT_FALSE(foldAnthropicRaw(""));
  EXPECT_FALSE(foldAnthropicRaw(
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\ndata: [DONE]\n\n"));
}

} // namespace
} // namespace hd::logs
