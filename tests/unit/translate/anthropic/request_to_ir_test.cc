// Anthropic request body -> IR: every field, and validation errors naming the JSON path.
#include <gtest/gtest.h>

#include "test_util.h"
#include "translate/anthropic/request.h"

namespace hd::translate::anthropic {
namespace {

namespace js = boost::json;
using testing::obj;

ir::Request parse(std::string_view text) {
  auto r = requestToIr(obj(text));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r.value()) : ir::Request{};
}

TEST(AnthropicRequestToIr, MinimalStringContent) {
  auto req = parse(R"({"model":"claude-sonnet-4-6","max_tokens":1024,
                       "messages":[{"role":"user","content":"Hello"}]})");
  EXPECT_EQ(req.model, "claude-sonnet-4-6");
  EXPECT_EQ(req.max_tokens, 1024);
  ASSERT_EQ(req.messages.size(), 1U);
  EXPECT_EQ(req.messages[0].role, ir::Role::User);
  ASSERT_EQ(req.messages[0].content.size(), 1U);
  EXPECT_EQ(req.messages[0].content[0].type, ir::BlockType::Text);
  EXPECT_EQ(req.messages[0].content[0].text, "Hello");
  EXPECT_TRUE(req.system.empty());
  EXPECT_FALSE(req.stream);
  EXPECT_FALSE(req.temperature.has_value());
  EXPECT_EQ(req.tool_choice.kind, ir::ToolChoice::Kind::Unspecified);
  EXPECT_EQ(req.thinking.kind, ir::Thinking::Kind::Unspecified);
  EXPECT_TRUE(req.extensions.empty());
}

TEST(AnthropicRequestToIr, ScalarFields) {
  auto req = parse(R"({"model":"m","max_tokens":2048,"messages":[],"temperature":0.5,"top_p":1,"top_k":40,
                       "stop_sequences":["\n\nHuman:","END"],"stream":true,"metadata":{"user_id":"u-42"}})");
  EXPECT_EQ(req.max_tokens, 2048);
  EXPECT_EQ(req.temperature, 0.5);
  EXPECT_EQ(req.top_p, 1.0);
  EXPECT_EQ(req.top_k, 40);
  EXPECT_EQ(req.stop_sequences, (std::vector<std::string>{"\n\nHuman:", "END"}));
  EXPECT_TRUE(req.stream);
  EXPECT_EQ(req.user, "u-42");
  EXPECT_TRUE(req.extensions.empty()) << req.extensions;
}

TEST(AnthropicRequestToIr, NullOptionalFieldsAreAbsent) {
  auto req = parse(R"({"model":"m","max_tokens":null,"messages":[],"temperature":null,"system":null,
                       "tools":null,"tool_choice":null,"thinking":null,"metadata":null,"stream":null})");
  EXPECT_FALSE(req.max_tokens.has_value());
  EXPECT_FALSE(req.temperature.has_value());
  EXPECT_TRUE(req.tools.empty());
}

TEST(AnthropicRequestToIr, MaxTokensOptionalForCountTokens) {
  auto req = parse(R"({"model":"m","messages":[{"role":"user","content":"x"}]})");
  EXPECT_FALSE(req.max_tokens.has_value());
}

TEST(AnthropicRequestToIr, SystemStringAndBlocks) {
  auto a = parse(R"({"model":"m","messages":[],"system":"Be brief."})");
  ASSERT_EQ(a.system.size(), 1U);
  EXPECT_EQ(a.system[0].text, "Be brief.");
  EXPECT_FALSE(a.system[0].cache_control.has_value());

  auto b = parse(R"({"model":"m","messages":[],"system":[
      {"type":"text","text":"one"},
      {"type":"text","text":"two","cache_control":{"type":"ephemeral","ttl":"1h"}}]})");
  ASSERT_EQ(b.system.size(), 2U);
  EXPECT_EQ(b.system[1].text, "two");
  ASSERT_TRUE(b.system[1].cache_control.has_value());
  EXPECT_EQ(*b.system[1].cache_control, (js::object{{"type", "ephemeral"}, {"ttl", "1h"}}));

  auto c = parse(R"({"model":"m","messages":[],"system":""})");
  EXPECT_TRUE(c.system.empty());
}

TEST(AnthropicRequestToIr, SystemRoleMessagesInsideMessages) {
  auto req = parse(R"({"model":"m","messages":[
      {"role":"user","content":"hi"},
      {"role":"system","content":"Reminder: be terse."},
      {"role":"system","content":[{"type":"text","text":"block","cache_control":{"type":"ephemeral"}}]},
      {"role":"assistant","content":"ok"}]})");
  ASSERT_EQ(req.messages.size(), 4U);
  EXPECT_EQ(req.messages[1].role, ir::Role::System);
  EXPECT_EQ(req.messages[1].content[0].text, "Reminder: be terse.");
  EXPECT_EQ(req.messages[2].role, ir::Role::System);
  EXPECT_TRUE(req.messages[2].content[0].cache_control.has_value());
  EXPECT_EQ(req.messages[3].role, ir::Role::Assistant);
}

TEST(AnthropicRequestToIr, TextBlockWithCitations) {
  auto req = parse(R"({"model":"m","messages":[{"role":"assistant","content":[
      {"type":"text","text":"The sky is blue.","cache_control":{"type":"ephemeral"},
       "citations":[{"type":"char_location","cited_text":"blue","document_index":0,"document_title":"Sky",
                     "start_char_index":0,"end_char_index":4}]}]}]})");
  const auto& b = req.messages[0].content[0];
  EXPECT_EQ(b.text, "The sky is blue.");
  ASSERT_TRUE(b.citations.is_array());
  EXPECT_EQ(b.citations.as_array().size(), 1U);
  EXPECT_EQ(b.citations.as_array()[0].as_object().at("cited_text"), "blue");
  EXPECT_TRUE(b.cache_control.has_value());
}

TEST(AnthropicRequestToIr, ImageSources) {
  auto req = parse(R"({"model":"m","messages":[{"role":"user","content":[
      {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
      {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"},
       "cache_control":{"type":"ephemeral"}}]}]})");
  const auto& c = req.messages[0].content;
  ASSERT_EQ(c.size(), 2U);
  EXPECT_EQ(c[0].type, ir::BlockType::Image);
  EXPECT_EQ(c[0].source_type, "base64");
  EXPECT_EQ(c[0].media_type, "image/png");
  EXPECT_EQ(c[0].data, "iVBORw0KGgo=");
  EXPECT_EQ(c[1].source_type, "url");
  EXPECT_EQ(c[1].url, "https://example.com/cat.jpg");
  EXPECT_TRUE(c[1].cache_control.has_value());
}

TEST(AnthropicRequestToIr, DocumentSources) {
  auto req = parse(R"({"model":"m","messages":[{"role":"user","content":[
      {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="},
       "title":"Report","citations":{"enabled":true}},
      {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain words"}},
      {"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"},"title":null}]}]})");
  const auto& c = req.messages[0].content;
  ASSERT_EQ(c.size(), 3U);
  EXPECT_EQ(c[0].type, ir::BlockType::Document);
  EXPECT_EQ(c[0].source_type, "base64");
  EXPECT_EQ(c[0].media_type, "application/pdf");
  EXPECT_EQ(c[0].data, "JVBERi0=");
  EXPECT_EQ(c[0].name, "Report");
  EXPECT_EQ(c[0].citations, (js::value{{"enabled", true}}));
  EXPECT_EQ(c[1].source_type, "text");
  EXPECT_EQ(c[1].media_type, "text/plain");
  EXPECT_EQ(c[1].text, "plain words");
  EXPECT_EQ(c[2].source_type, "url");
  EXPECT_EQ(c[2].url, "https://example.com/a.pdf");
  EXPECT_EQ(c[2].name, "");
}

TEST(AnthropicRequestToIr, ToolUseAndToolResult) {
  auto req = parse(R"({"model":"m","messages":[
      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"get_weather",
                                      "input":{"city":"Oslo","days":[1,2]}}]},
      {"role":"user","content":[
        {"type":"tool_result","tool_use_id":"toolu_01","content":"12C and rain"},
        {"type":"tool_result","tool_use_id":"toolu_02","is_error":true,"cache_control":{"type":"ephemeral"},
         "content":[{"type":"text","text":"boom"},
                    {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/"}}]},
        {"type":"tool_result","tool_use_id":"toolu_03"},
        {"type":"tool_result","tool_use_id":"toolu_04","content":""}]}]})");
  const auto& tu = req.messages[0].content[0];
  EXPECT_EQ(tu.type, ir::BlockType::ToolUse);
  EXPECT_EQ(tu.id, "toolu_01");
  EXPECT_EQ(tu.name, "get_weather");
  EXPECT_EQ(tu.input, (js::value{{"city", "Oslo"}, {"days", {1, 2}}}));
  const auto& results = req.messages[1].content;
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].type, ir::BlockType::ToolResult);
  EXPECT_EQ(results[0].id, "toolu_01");
  ASSERT_EQ(results[0].content.size(), 1U);
  EXPECT_EQ(results[0].content[0].text, "12C and rain");
  EXPECT_FALSE(results[0].is_error);
  EXPECT_TRUE(results[1].is_error);
  EXPECT_TRUE(results[1].cache_control.has_value());
  ASSERT_EQ(results[1].content.size(), 2U);
  EXPECT_EQ(results[1].content[1].type, ir::BlockType::Image);
  EXPECT_TRUE(results[2].content.empty());
  EXPECT_TRUE(results[3].content.empty());
}

TEST(AnthropicRequestToIr, ThinkingBlocks) {
  auto req = parse(R"({"model":"m","messages":[{"role":"assistant","content":[
      {"type":"thinking","thinking":"Let me think.","signature":"EqQBCkYIBxgCKkA="},
      {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4a"},
      {"type":"text","text":"Answer."}]}]})");
  const auto& c = req.messages[0].content;
  EXPECT_EQ(c[0].type, ir::BlockType::Thinking);
  EXPECT_EQ(c[0].text, "Let me think.");
  EXPECT_EQ(c[0].signature, "EqQBCkYIBxgCKkA=");
  EXPECT_EQ(c[1].type, ir::BlockType::RedactedThinking);
  EXPECT_EQ(c[1].data, "EmwKAhgBEgy3va3pzix/LafPsn4a");
}

TEST(AnthropicRequestToIr, CustomAndServerTools) {
  auto req = parse(R"({"model":"m","messages":[],"tools":[
      {"name":"get_weather","description":"Weather for a city",
       "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},
       "cache_control":{"type":"ephemeral"},"strict":true,"defer_loading":true,"input_examples":[{"city":"Oslo"}]},
      {"type":"custom","name":"noop","input_schema":{"type":"object"}},
      {"type":"web_search_20250305","name":"web_search","max_uses":5}]})");
  ASSERT_EQ(req.tools.size(), 3U);
  const auto& t = req.tools[0];
  EXPECT_EQ(t.name, "get_weather");
  EXPECT_EQ(t.description, "Weather for a city");
  EXPECT_EQ(t.input_schema.as_object().at("required"), (js::array{"city"}));
  EXPECT_TRUE(t.cache_control.has_value());
  EXPECT_EQ(t.strict, true);
  EXPECT_TRUE(t.defer_loading);
  EXPECT_TRUE(t.server_type.empty());
  EXPECT_TRUE(t.raw.contains("input_examples"));
  EXPECT_FALSE(req.tools[1].strict.has_value());
  EXPECT_FALSE(req.tools[1].defer_loading);
  EXPECT_TRUE(req.tools[1].server_type.empty());
  EXPECT_EQ(req.tools[2].server_type, "web_search_20250305");
  EXPECT_EQ(req.tools[2].name, "web_search");
  EXPECT_EQ(req.tools[2].raw, (js::object{{"type", "web_search_20250305"}, {"name", "web_search"}, {"max_uses", 5}}));
}

TEST(AnthropicRequestToIr, ToolChoiceVariants) {
  auto kind = [](std::string_view tc) {
    auto req = parse(std::string(R"({"model":"m","messages":[],"tool_choice":)") + std::string(tc) + "}");
    return req.tool_choice;
  };
  EXPECT_EQ(kind(R"({"type":"auto"})").kind, ir::ToolChoice::Kind::Auto);
  EXPECT_EQ(kind(R"({"type":"any"})").kind, ir::ToolChoice::Kind::Any);
  EXPECT_EQ(kind(R"({"type":"none"})").kind, ir::ToolChoice::Kind::None);
  auto tool = kind(R"({"type":"tool","name":"get_weather","disable_parallel_tool_use":true})");
  EXPECT_EQ(tool.kind, ir::ToolChoice::Kind::Tool);
  EXPECT_EQ(tool.name, "get_weather");
  EXPECT_TRUE(tool.disable_parallel_tool_use);
  EXPECT_TRUE(kind(R"({"type":"auto","disable_parallel_tool_use":true})").disable_parallel_tool_use);
}

TEST(AnthropicRequestToIr, ThinkingConfig) {
  auto enabled = parse(R"({"model":"m","messages":[],"thinking":{"type":"enabled","budget_tokens":10000}})");
  EXPECT_EQ(enabled.thinking.kind, ir::Thinking::Kind::Enabled);
  EXPECT_EQ(enabled.thinking.budget_tokens, 10000);
  EXPECT_TRUE(enabled.extensions.empty());
  auto disabled = parse(R"({"model":"m","messages":[],"thinking":{"type":"disabled"}})");
  EXPECT_EQ(disabled.thinking.kind, ir::Thinking::Kind::Disabled);
  auto adaptive = parse(R"({"model":"m","messages":[],"thinking":{"type":"adaptive","display":"summarized"}})");
  EXPECT_EQ(adaptive.thinking.kind, ir::Thinking::Kind::Adaptive);
  EXPECT_EQ(adaptive.extensions, (js::object{{"thinking", {{"display", "summarized"}}}}));
  auto between = parse(R"({"model":"m","messages":[],"thinking":{"type":"between_tools"}})");
  EXPECT_EQ(between.thinking.kind, ir::Thinking::Kind::Unspecified);
  EXPECT_EQ(between.extensions, (js::object{{"thinking", {{"type", "between_tools"}}}}));
}

TEST(AnthropicRequestToIr, OutputConfig) {
  auto req = parse(R"({"model":"m","messages":[],"output_config":{"effort":"high","format":{"type":"json_schema",
                       "schema":{"type":"object","properties":{"a":{"type":"integer"}}}}}})");
  EXPECT_EQ(req.reasoning_effort, "high");
  ASSERT_TRUE(req.json_schema.has_value());
  EXPECT_EQ(*req.json_schema,
            (js::object{{"schema", {{"type", "object"}, {"properties", {{"a", {{"type", "integer"}}}}}}}}));
  EXPECT_TRUE(req.extensions.empty());
}

TEST(AnthropicRequestToIr, LegacyOutputFormat) {
  auto req = parse(R"({"model":"m","messages":[],"output_format":{"type":"json_schema","schema":{"type":"object"}}})");
  ASSERT_TRUE(req.json_schema.has_value());
  EXPECT_EQ(*req.json_schema, (js::object{{"schema", {{"type", "object"}}}}));
  EXPECT_TRUE(req.extensions.empty());
  // output_config.format wins over the older field.
  auto both = parse(R"({"model":"m","messages":[],"output_format":{"type":"json_schema","schema":{"a":1}},
                        "output_config":{"format":{"type":"json_schema","schema":{"b":2}}}})");
  EXPECT_EQ(*both.json_schema, (js::object{{"schema", {{"b", 2}}}}));
}

TEST(AnthropicRequestToIr, ExtensionsAndGatewayFields) {
  auto req = parse(R"({"model":"m","messages":[],
      "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
      "container":"container_abc","mcp_servers":[{"type":"url","url":"https://mcp.example.com","name":"ex"}],
      "service_tier":"auto","inference_geo":"eu","speed":"fast","cache_control":{"type":"ephemeral"},
      "some_future_field":{"x":1},"fallbacks":["azure/gpt-5"],"deployment":"prod",
      "metadata":{"user_id":"u","trace":"t-1"},"output_config":{"effort":"low","verbosity":"terse"}})");
  js::object expected{
      {"context_management", {{"edits", {{{"type", "clear_thinking_20251015"}, {"keep", "all"}}}}}},
      {"container", "container_abc"},
      {"mcp_servers", {{{"type", "url"}, {"url", "https://mcp.example.com"}, {"name", "ex"}}}},
      {"service_tier", "auto"},
      {"inference_geo", "eu"},
      {"speed", "fast"},
      {"cache_control", {{"type", "ephemeral"}}},
      {"some_future_field", {{"x", 1}}},
      {"metadata", {{"trace", "t-1"}}},
      {"output_config", {{"verbosity", "terse"}}},
  };
  EXPECT_EQ(req.extensions, expected);
  EXPECT_EQ(req.user, "u");
  EXPECT_EQ(req.reasoning_effort, "low");
}

struct BadCase {
  const char* body;
  const char* error;
};

class AnthropicRequestValidation : public ::testing::TestWithParam<BadCase> {};

TEST_P(AnthropicRequestValidation, NamesThePath) {
  auto r = requestToIr(testing::obj(GetParam().body));
  ASSERT_FALSE(r.ok()) << GetParam().body;
  EXPECT_EQ(r.error().kind, ErrorKind::InvalidRequest);
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().message, GetParam().error);
}

#define MSGS(content)                                                                                                  \
  R"({"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"},)"                      \
  R"({"role":"user","content":[)" content R"(]}]})"

INSTANTIATE_TEST_SUITE_P(
    Errors, AnthropicRequestValidation,
    ::testing::Values(
        BadCase{R"({"messages":[]})", "model: field required"},
        BadCase{R"({"model":5,"messages":[]})", "model: expected a string"},
        BadCase{R"({"model":"","messages":[]})", "model: expected a non-empty string"},
        BadCase{R"({"model":"m"})", "messages: field required"},
        BadCase{R"({"model":"m","messages":{}})", "messages: expected an array"},
        BadCase{R"({"model":"m","messages":[],"max_tokens":0})", "max_tokens: expected a positive integer"},
        BadCase{R"({"model":"m","messages":[],"max_tokens":"1"})", "max_tokens: expected a positive integer"},
        BadCase{R"({"model":"m","messages":[],"max_tokens":1.5})", "max_tokens: expected a positive integer"},
        BadCase{R"({"model":"m","messages":[],"temperature":"hot"})", "temperature: expected a number"},
        BadCase{R"({"model":"m","messages":[],"top_k":-1})", "top_k: expected a non-negative integer"},
        BadCase{R"({"model":"m","messages":[],"stream":"yes"})", "stream: expected a boolean"},
        BadCase{R"({"model":"m","messages":[],"stop_sequences":["a",1]})", "stop_sequences[1]: expected a string"},
        BadCase{R"({"model":"m","messages":[],"system":[{"type":"image","source":{"type":"url","url":"u"}}]})",
                R"(system[0].type: expected "text")"},
        BadCase{R"({"model":"m","messages":[],"system":7})", "system: expected a string or an array of content blocks"},
        BadCase{R"({"model":"m","messages":[5]})", "messages[0]: expected an object"},
        BadCase{R"({"model":"m","messages":[{"content":"x"}]})", "messages[0].role: field required"},
        BadCase{R"({"model":"m","messages":[{"role":"tool","content":"x"}]})",
                R"(messages[0].role: expected "user", "assistant" or "system")"},
        BadCase{R"({"model":"m","messages":[{"role":"user"}]})", "messages[0].content: field required"},
        BadCase{R"({"model":"m","messages":[{"role":"system","content":[{"type":"tool_use","id":"a","name":"b"}]}]})",
                R"(messages[0].content[0].type: expected "text")"},
        BadCase{MSGS(R"({"type":"video"})"),
                R"(messages[2].content[0].type: expected "text", "image", "document", "tool_use", "tool_result", )"
                R"("thinking" or "redacted_thinking")"},
        BadCase{MSGS(R"({"text":"x"})"), "messages[2].content[0].type: field required"},
        BadCase{MSGS(R"({"type":"text"})"), "messages[2].content[0].text: field required"},
        BadCase{MSGS(R"({"type":"text","text":"x","cache_control":"ephemeral"})"),
                "messages[2].content[0].cache_control: expected an object"},
        BadCase{MSGS(R"({"type":"text","text":"x","citations":{}})"),
                "messages[2].content[0].citations: expected an array"},
        BadCase{MSGS(R"({"type":"image"})"), "messages[2].content[0].source: field required"},
        BadCase{MSGS(R"({"type":"image","source":{"type":"file","file_id":"f"}})"),
                R"(messages[2].content[0].source.type: expected "base64" or "url")"},
        BadCase{MSGS(R"({"type":"image","source":{"type":"base64","data":"x"}})"),
                "messages[2].content[0].source.media_type: field required"},
        BadCase{MSGS(R"({"type":"text","text":"a"},{"type":"document","source":{"type":"content","content":"x"}})"),
                R"(messages[2].content[1].source.type: expected "base64", "url" or "text")"},
        BadCase{MSGS(R"({"type":"document","source":{"type":"url"}})"),
                "messages[2].content[0].source.url: field required"},
        BadCase{MSGS(R"({"type":"tool_use","id":"t","name":"n","input":"{}"})"),
                "messages[2].content[0].input: expected an object"},
        BadCase{MSGS(R"({"type":"tool_use","name":"n","input":{}})"), "messages[2].content[0].id: field required"},
        BadCase{MSGS(R"({"type":"tool_result","content":"x"})"), "messages[2].content[0].tool_use_id: field required"},
        BadCase{MSGS(R"({"type":"tool_result","tool_use_id":"t","is_error":"no"})"),
                "messages[2].content[0].is_error: expected a boolean"},
        BadCase{MSGS(R"({"type":"tool_result","tool_use_id":"t","content":[{"type":"tool_use","id":"a","name":"b"}]})"),
                R"(messages[2].content[0].content[0].type: expected "text", "image" or "document")"},
        BadCase{MSGS(R"({"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":1}]})"),
                "messages[2].content[0].content[0].text: expected a string"},
        BadCase{MSGS(R"({"type":"thinking","thinking":"x"})"), "messages[2].content[0].signature: field required"},
        BadCase{MSGS(R"({"type":"redacted_thinking"})"), "messages[2].content[0].data: field required"},
        BadCase{R"({"model":"m","messages":[],"tools":{}})", "tools: expected an array"},
        BadCase{R"({"model":"m","messages":[],"tools":[{"name":"a","input_schema":{}},{"input_schema":{}}]})",
                "tools[1].name: field required"},
        BadCase{R"({"model":"m","messages":[],"tools":[{"name":"a"}]})", "tools[0].input_schema: field required"},
        BadCase{R"({"model":"m","messages":[],"tools":[{"name":"a","input_schema":[]}]})",
                "tools[0].input_schema: expected an object"},
        BadCase{R"({"model":"m","messages":[],"tools":[{"name":"a","input_schema":{},"strict":1}]})",
                "tools[0].strict: expected a boolean"},
        BadCase{R"({"model":"m","messages":[],"tools":[{"type":3,"name":"a"}]})", "tools[0].type: expected a string"},
        BadCase{R"({"model":"m","messages":[],"tool_choice":"auto"})", "tool_choice: expected an object"},
        BadCase{R"({"model":"m","messages":[],"tool_choice":{"type":"required"}})",
                R"(tool_choice.type: expected "auto", "any", "none" or "tool")"},
        BadCase{R"({"model":"m","messages":[],"tool_choice":{"type":"tool"}})", "tool_choice.name: field required"},
        BadCase{R"({"model":"m","messages":[],"thinking":{"type":"enabled"}})",
                "thinking.budget_tokens: field required"},
        BadCase{R"({"model":"m","messages":[],"thinking":{"type":"on"}})",
                R"(thinking.type: expected "enabled", "disabled", "adaptive" or "between_tools")"},
        BadCase{R"({"model":"m","messages":[],"output_config":{"effort":3}})",
                "output_config.effort: expected a string"},
        BadCase{R"({"model":"m","messages":[],"output_config":{"format":{"type":"json_object"}}})",
                R"(output_config.format.type: expected "json_schema")"},
        BadCase{R"({"model":"m","messages":[],"output_config":{"format":{"type":"json_schema"}}})",
                "output_config.format.schema: field required"},
        BadCase{R"({"model":"m","messages":[],"output_format":{"type":"json_schema","schema":"x"}})",
                "output_format.schema: expected an object"},
        BadCase{R"({"model":"m","messages":[],"metadata":{"user_id":1}})", "metadata.user_id: expected a string"},
        BadCase{R"({"model":"m","messages":[],"metadata":[]})", "metadata: expected an object"}));

#undef MSGS

} // namespace
} // namespace hd::translate::anthropic
