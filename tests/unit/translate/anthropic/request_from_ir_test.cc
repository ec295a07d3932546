// IR -> Anthropic request body: goldens, system folding, merging, and requestToIr round trips.
#include <gtest/gtest.h>

#include "ir_dump.h"
#include "test_util.h"
#include "translate/anthropic/request.h"

namespace hd::translate::anthropic {
namespace {

namespace js = boost::json;
using testing::dumpRequest;
using testing::obj;

ir::Block text(std::string t) {
  ir::Block b;
  b.type = ir::BlockType::Text;
  b.text = std::move(t);
  return b;
}

ir::Message message(ir::Role role, std::vector<ir::Block> content) {
  ir::Message m;
  m.role = role;
  m.content = std::move(content);
  return m;
}

// body -> IR -> body: the rendered body equals the input and parses to the same IR.
void expectRoundTrip(const js::object& body) {
  auto ir1 = requestToIr(body);
  ASSERT_TRUE(ir1.ok()) << ir1.error().message;
  js::object rendered = requestFromIr(*ir1);
  EXPECT_EQ(js::value(rendered), js::value(body));
  auto ir2 = requestToIr(rendered);
  ASSERT_TRUE(ir2.ok()) << ir2.error().message;
  EXPECT_EQ(dumpRequest(*ir2), dumpRequest(*ir1));
}

constexpr std::string_view kEveryField = R"({
  "model": "claude-opus-4-6", "max_tokens": 4000, "temperature": 0.7, "top_p": 0.9, "top_k": 50,
  "stop_sequences": ["STOP"], "stream": true,
  "system": [{"type": "text", "text": "sys one"},
             {"type": "text", "text": "sys two", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
  "messages": [
    {"role": "user", "content": [
      {"type": "text", "text": "look", "cache_control": {"type": "ephemeral"}},
      {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
      {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
      {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="},
       "title": "Spec", "citations": {"enabled": true}, "cache_control": {"type": "ephemeral"}},
      {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"}},
      {"type": "document", "source": {"type": "url", "url": "https://example.com/b.pdf"}}]},
    {"role": "assistant", "content": [
      {"type": "thinking", "thinking": "hmm", "signature": "sig=="},
      {"type": "redacted_thinking", "data": "opaque"},
      {"type": "text", "text": "cited", "citations": [{"type": "page_location", "cited_text": "x",
        "document_index": 0, "document_title": "Spec", "start_page_number": 1, "end_page_number": 2}]},
      {"type": "tool_use", "id": "toolu_1", "name": "calc", "input": {"expr": "1+1"}}]},
    {"role": "user", "content": [
      {"type": "tool_result", "tool_use_id": "toolu_1", "content": "2"},
      {"type": "tool_result", "tool_use_id": "toolu_2", "is_error": true,
       "content": [{"type": "text", "text": "bad", "cache_control": {"type": "ephemeral"}},
                   {"type": "image", "source": {"type": "url", "url": "https://example.com/c.png"}}]},
      {"type": "tool_result", "tool_use_id": "toolu_3"},
      {"type": "text", "text": "go on"}]}],
  "tools": [
    {"name": "calc", "description": "Evaluate", "input_schema": {"type": "object", "properties": {}},
     "strict": false, "cache_control": {"type": "ephemeral"}, "input_examples": [{"expr": "2*3"}]},
    {"name": "later", "input_schema": {"type": "object"}, "defer_loading": true, "description": null},
    {"type": "web_search_20250305", "name": "web_search", "max_uses": 3, "allowed_domains": ["example.com"]}],
  "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
  "thinking": {"type": "enabled", "budget_tokens": 2048, "display": "omitted"},
  "output_config": {"effort": "medium", "format": {"type": "json_schema", "schema": {"type": "object"}}},
  "metadata": {"user_id": "user-1"},
  "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]},
  "container": {"id": "c1"}, "mcp_servers": [], "service_tier": "standard_only", "inference_geo": "us",
  "x_unknown": [1, 2, 3]
})";

TEST(AnthropicRequestFromIr, EveryFieldRoundTrips) {
  expectRoundTrip(obj(kEveryField));
}

TEST(AnthropicRequestFromIr, ToolChoiceAndThinkingVariantsRoundTrip) {
  for (const char* extra : {R"("tool_choice":{"type":"auto"},"thinking":{"type":"disabled"})",
                            R"("tool_choice":{"type":"none"},"thinking":{"type":"adaptive"})",
                            R"("tool_choice":{"type":"tool","name":"t"},"thinking":{"type":"between_tools"})",
                            R"("metadata":{"trace":"x"},"output_config":{"verbosity":"v"})"}) {
    SCOPED_TRACE(extra);
    expectRoundTrip(
        obj(std::string(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[]}],)") + extra + "}"));
  }
}

TEST(AnthropicRequestFromIr, ClaudeCodeRequest) {
  js::object body = obj(testing::fixture("claude_code_request.json"));
  auto req = requestToIr(body);
  ASSERT_TRUE(req.ok()) << req.error().message;
  // Three system blocks, the last two cached.
  ASSERT_EQ(req->system.size(), 3U);
  EXPECT_FALSE(req->system[0].cache_control.has_value());
  EXPECT_TRUE(req->system[1].cache_control.has_value());
  EXPECT_TRUE(req->system[2].cache_control.has_value());
  // Twelve tools; the MCP one deferred; schemas kept verbatim ($schema, additionalProperties).
  ASSERT_EQ(req->tools.size(), 12U);
  int deferred = 0;
  for (const auto& t : req->tools) {
    deferred += t.defer_loading ? 1 : 0;
    EXPECT_TRUE(t.server_type.empty());
    EXPECT_EQ(t.input_schema.as_object().at("$schema"), "http://json-schema.org/draft-07/schema#");
    EXPECT_EQ(t.input_schema.as_object().at("additionalProperties"), false);
  }
  EXPECT_EQ(deferred, 1);
  EXPECT_TRUE(req->tools[11].defer_loading);
  EXPECT_EQ(req->tools[11].name, "mcp__github__create_issue");
  EXPECT_TRUE(req->tools[10].cache_control.has_value());
  EXPECT_EQ(req->thinking.kind, ir::Thinking::Kind::Adaptive);
  EXPECT_EQ(req->reasoning_effort, "high");
  EXPECT_TRUE(req->stream);
  EXPECT_EQ(req->max_tokens, 32000);
  // metadata.user_id is a JSON document inside a string; kept as the string.
  EXPECT_EQ(req->user.substr(0, 14), R"({"device_id":")");
  EXPECT_EQ(req->extensions, (js::object{{"context_management",
                                          {{"edits", {{{"type", "clear_thinking_20251015"}, {"keep", "all"}}}}}}}));
  // Assistant turn: thinking with signature, text, tool_use.
  ASSERT_EQ(req->messages.size(), 3U);
  const auto& a = req->messages[1].content;
  ASSERT_EQ(a.size(), 3U);
  EXPECT_EQ(a[0].type, ir::BlockType::Thinking);
  EXPECT_FALSE(a[0].signature.empty());
  EXPECT_EQ(a[1].type, ir::BlockType::Text);
  EXPECT_EQ(a[2].type, ir::BlockType::ToolUse);
  EXPECT_EQ(a[2].input, (js::value{{"file_path", "/home/dev/project/src/main.cc"}}));
  // User turn: tool_result with cache_control.
  const auto& u = req->messages[2].content;
  ASSERT_EQ(u.size(), 1U);
  EXPECT_EQ(u[0].type, ir::BlockType::ToolResult);
  EXPECT_EQ(u[0].id, a[2].id);
  EXPECT_TRUE(u[0].cache_control.has_value());
  ASSERT_EQ(u[0].content.size(), 1U);
  // And back: byte-equivalent JSON (a Claude deployment sees what Claude Code sent).
  expectRoundTrip(body);
}

TEST(AnthropicRequestFromIr, FoldsSystemMessagesAndMergesTurns) {
  ir::Request req;
  req.model = "claude-sonnet-4-6";
  req.system = {text("top")};
  req.messages.push_back(message(ir::Role::User, {text("q1")}));
  req.messages.push_back(message(ir::Role::System, {text("mid one")}));
  req.messages.push_back(message(ir::Role::User, {text("q2")}));
  req.messages.push_back(message(ir::Role::Assistant, {text("a1")}));
  req.messages.push_back(message(ir::Role::System, {text("mid two")}));
  req.messages.push_back(message(ir::Role::Assistant, {text("a2")}));
  js::value expected = js::parse(R"({
    "model": "claude-sonnet-4-6", "max_tokens": 4096,
    "system": [{"type":"text","text":"top"},{"type":"text","text":"mid one"},{"type":"text","text":"mid two"}],
    "messages": [
      {"role":"user","content":[{"type":"text","text":"q1"},{"type":"text","text":"q2"}]},
      {"role":"assistant","content":[{"type":"text","text":"a1"},{"type":"text","text":"a2"}]}]})");
  EXPECT_EQ(js::value(requestFromIr(req)), expected);
}

TEST(AnthropicRequestFromIr, OpenAiOriginatedRequest) {
  ir::Request req;
  req.model = "claude-haiku-4-5";
  req.messages.push_back(message(ir::Role::User, {text("weather?")}));
  ir::Block unsigned_thinking;
  unsigned_thinking.type = ir::BlockType::Thinking;
  unsigned_thinking.text = "reasoning from another provider";
  ir::Block call;
  call.type = ir::BlockType::ToolUse;
  call.id = "call_1";
  call.name = "get_weather";
  call.input = R"({"city":"Oslo"})"; // a JSON string: parsed
  ir::Block bad_call = call;
  bad_call.id = "call_2";
  bad_call.input = "{not json"; // invalid: {}
  req.messages.push_back(message(ir::Role::Assistant, {unsigned_thinking, call, bad_call}));
  ir::Block result;
  result.type = ir::BlockType::ToolResult;
  result.id = "call_1";
  result.content = {text("sunny")};
  req.messages.push_back(message(ir::Role::User, {result}));
  req.messages.push_back(message(ir::Role::Assistant, {unsigned_thinking})); // nothing left: dropped
  ir::Tool tool;
  tool.name = "get_weather";
  tool.description = "Weather";
  tool.input_schema = js::parse(R"({"type":"object","properties":{"city":{"type":"string"}}})");
  tool.strict = true;
  req.tools.push_back(tool);
  req.parallel_tool_calls = false;
  req.json_schema = js::object{{"name", "answer"}, {"strict", true}, {"schema", {{"type", "object"}}}};
  req.json_object = true;
  req.seed = 7;
  req.user = "alice";
  req.max_tokens = 100;
  js::value expected = js::parse(R"({
    "model": "claude-haiku-4-5", "max_tokens": 100,
    "messages": [
      {"role":"user","content":[{"type":"text","text":"weather?"}]},
      {"role":"assistant","content":[
        {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Oslo"}},
        {"type":"tool_use","id":"call_2","name":"get_weather","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"sunny"}]}],
    "tools": [{"name":"get_weather","description":"Weather",
               "input_schema":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}],
    "tool_choice": {"type":"auto","disable_parallel_tool_use":true},
    "output_config": {"format":{"type":"json_schema","schema":{"type":"object"}}},
    "metadata": {"user_id":"alice"}})");
  EXPECT_EQ(js::value(requestFromIr(req)), expected);
}

TEST(AnthropicRequestFromIr, EditedToolFieldsOverrideRaw) {
  auto req = requestToIr(obj(R"({"model":"m","messages":[],"tools":[{"name":"a","description":"d",
      "input_schema":{"type":"object"},"strict":true,"defer_loading":true,"cache_control":{"type":"ephemeral"},
      "input_examples":[{}]}]})"));
  ASSERT_TRUE(req.ok());
  auto& t = req->tools[0];
  t.name = "b";
  t.description.clear();
  t.strict.reset();
  t.defer_loading = false;
  t.cache_control.reset();
  t.input_schema = js::object{{"type", "object"}, {"required", js::array{}}};
  js::object out = requestFromIr(*req);
  EXPECT_EQ(out.at("tools"), js::parse(R"([{"name":"b","input_schema":{"type":"object","required":[]},
                                            "input_examples":[{}]}])"));
}

TEST(AnthropicRequestFromIr, EffortVocabulary) {
  ir::Request req;
  req.model = "m";
  auto effort = [&](std::string e) -> js::value {
    req.reasoning_effort = std::move(e);
    js::object out = requestFromIr(req);
    const js::value* oc = out.if_contains("output_config");
    return oc != nullptr ? oc->as_object().at("effort") : js::value(nullptr);
  };
  EXPECT_EQ(effort("minimal"), "low");
  EXPECT_EQ(effort("none"), nullptr);
  EXPECT_EQ(effort(""), nullptr);
  EXPECT_EQ(effort("xhigh"), "xhigh");
  EXPECT_EQ(effort("max"), "max");
}

TEST(AnthropicRequestFromIr, DefaultsAndSourcesWithoutType) {
  ir::Request req;
  req.model = "m";
  ir::Block img;
  img.type = ir::BlockType::Image;
  img.url = "https://example.com/x.png";
  ir::Block doc;
  doc.type = ir::BlockType::Document;
  doc.text = "inline text";
  ir::Block pdf;
  pdf.type = ir::BlockType::Document;
  pdf.media_type = "application/pdf";
  pdf.data = "JVBE";
  req.messages.push_back(message(ir::Role::User, {img, doc, pdf}));
  ir::Tool server;
  server.server_type = "web_search_20250305";
  server.name = "web_search";
  req.tools.push_back(server);
  req.tool_choice.kind = ir::ToolChoice::Kind::None;
  req.parallel_tool_calls = false;
  js::value expected = js::parse(R"({"model":"m","max_tokens":4096,"messages":[{"role":"user","content":[
      {"type":"image","source":{"type":"url","url":"https://example.com/x.png"}},
      {"type":"document","source":{"type":"text","media_type":"text/plain","data":"inline text"}},
      {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]}],
      "tools":[{"type":"web_search_20250305","name":"web_search"}],"tool_choice":{"type":"none"}})");
  EXPECT_EQ(js::value(requestFromIr(req)), expected);
}

} // namespace
} // namespace hd::translate::anthropic
