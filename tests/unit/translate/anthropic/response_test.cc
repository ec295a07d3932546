// Anthropic message response <-> IR.
#include <gtest/gtest.h>

#include "ir_dump.h"
#include "test_util.h"
#include "translate/anthropic/response.h"

namespace hd::translate::anthropic {
namespace {

namespace js = boost::json;
using testing::dumpResponse;

constexpr std::string_view kMessage = R"({
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6",
  "content": [
    {"type": "thinking", "thinking": "Need the weather.", "signature": "EqQBCgIYAhIM"},
    {"type": "redacted_thinking", "data": "EmwKAhgB"},
    {"type": "text", "text": "Checking.", "citations": null},
    {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "oslo"}},
    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
    {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Oslo"}}
  ],
  "stop_reason": "tool_use", "stop_sequence": null, "container": null,
  "usage": {"input_tokens": 12, "output_tokens": 34, "cache_creation_input_tokens": 100,
            "cache_read_input_tokens": 2000, "service_tier": "standard",
            "server_tool_use": {"web_search_requests": 1}}
})";

TEST(AnthropicResponse, ToIr) {
  auto r = responseToIr(kMessage);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "msg_01XFDUDYJgAACzvnptvVoYEL");
  EXPECT_EQ(r->model, "claude-sonnet-4-6");
  EXPECT_EQ(r->stop_reason, "tool_use");
  EXPECT_EQ(r->stop_sequence, "");
  ASSERT_EQ(r->content.size(), 4U); // server tool blocks skipped
  EXPECT_EQ(r->content[0].type, ir::BlockType::Thinking);
  EXPECT_EQ(r->content[0].text, "Need the weather.");
  EXPECT_EQ(r->content[0].signature, "EqQBCgIYAhIM");
  EXPECT_EQ(r->content[1].type, ir::BlockType::RedactedThinking);
  EXPECT_EQ(r->content[1].data, "EmwKAhgB");
  EXPECT_EQ(r->content[2].type, ir::BlockType::Text);
  EXPECT_TRUE(r->content[2].citations.is_null());
  EXPECT_EQ(r->content[3].type, ir::BlockType::ToolUse);
  EXPECT_EQ(r->content[3].input, (js::value{{"city", "Oslo"}}));
  EXPECT_TRUE(r->usage.reported);
  EXPECT_EQ(r->usage.input_tokens, 12);
  EXPECT_EQ(r->usage.output_tokens, 34);
  EXPECT_EQ(r->usage.cache_creation_input_tokens, 100);
  EXPECT_EQ(r->usage.cache_read_input_tokens, 2000);
}

TEST(AnthropicResponse, StopSequenceAndNullUsageFields) {
  auto r = responseToIr(R"({"id":"msg_1","type":"message","role":"assistant","model":"m",
      "content":[{"type":"text","text":"a"}],"stop_reason":"stop_sequence","stop_sequence":"END",
      "usage":{"input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":null,
               "cache_read_input_tokens":null}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stop_sequence, "END");
  EXPECT_EQ(r->usage.cache_read_input_tokens, 0);
}

TEST(AnthropicResponse, FromIrGolden) {
  ir::Response resp;
  resp.id = "msg_abc";
  resp.model = "gpt-5";
  ir::Block thinking;
  thinking.type = ir::BlockType::Thinking;
  thinking.text = "why";
  ir::Block text;
  text.type = ir::BlockType::Text;
  text.text = "Hello";
  ir::Block call;
  call.type = ir::BlockType::ToolUse;
  call.id = "toolu_9";
  call.name = "f";
  call.input = js::object{{"x", 1}};
  ir::Block image; // no place in a response: skipped
  image.type = ir::BlockType::Image;
  resp.content = {thinking, text, image, call};
  resp.stop_reason = "end_turn";
  resp.usage = {10, 20, 3, 4, true};
  js::value expected = js::parse(R"({"id":"msg_abc","type":"message","role":"assistant","model":"gpt-5",
      "content":[{"type":"thinking","thinking":"why","signature":""},{"type":"text","text":"Hello"},
                 {"type":"tool_use","id":"toolu_9","name":"f","input":{"x":1}}],
      "stop_reason":"end_turn","stop_sequence":null,
      "usage":{"input_tokens":10,"cache_creation_input_tokens":3,"cache_read_input_tokens":4,"output_tokens":20}})");
  EXPECT_EQ(js::parse(responseFromIr(resp)), expected);
}

TEST(AnthropicResponse, RoundTrip) {
  auto r1 = responseToIr(kMessage);
  ASSERT_TRUE(r1.ok());
  auto r2 = responseToIr(responseFromIr(*r1));
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(dumpResponse(*r2), dumpResponse(*r1));
}

TEST(AnthropicResponse, GeneratesIdAndNullStopReason) {
  ir::Response resp;
  auto out = js::parse(responseFromIr(resp)).as_object();
  EXPECT_EQ(std::string_view(out.at("id").as_string()).substr(0, 4), "msg_");
  EXPECT_EQ(out.at("id").as_string().size(), 28U);
  EXPECT_TRUE(out.at("stop_reason").is_null());
  EXPECT_EQ(out.at("content"), js::array{});
}

TEST(AnthropicResponse, ErrorBodyMapsKind) {
  auto r = responseToIr(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Overloaded);
  EXPECT_EQ(r.error().status, 529);
  EXPECT_EQ(r.error().message, "Overloaded");
  EXPECT_EQ(errorFromType("rate_limit_error", "x").status, 429);
  EXPECT_EQ(errorFromType("invalid_request_error", "x").status, 400);
  EXPECT_EQ(errorFromType("something_new", "x").status, 500);
}

TEST(AnthropicResponse, MalformedBodiesAre502WithPath) {
  struct Case {
    std::string_view body;
    std::string_view message;
  };
  for (const auto& c : {
           Case{"not json", ""},
           Case{"[1]", "anthropic response: expected a JSON object"},
           Case{R"({"type":"message","content":[]})", "anthropic response: id: field required"},
           Case{R"({"type":"completion","id":"x","content":[]})", R"(anthropic response: type: expected "message")"},
           Case{R"({"id":"x"})", "anthropic response: content: field required"},
           Case{R"({"id":"x","content":[{"type":"text"}]})", "anthropic response: content[0].text: field required"},
           Case{R"({"id":"x","content":[{"type":"tool_use","id":"t","name":"n","input":[]}]})",
                "anthropic response: content[0].input: expected an object"},
           Case{R"({"id":"x","content":[7]})", "anthropic response: content[0]: expected an object"},
           Case{R"({"id":"x","content":[],"usage":5})", "anthropic response: usage: expected an object"},
       }) {
    auto r = responseToIr(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().status, 502) << c.body;
    if (!c.message.empty()) {
      EXPECT_EQ(r.error().message, c.message);
    }
  }
}

} // namespace
} // namespace hd::translate::anthropic
