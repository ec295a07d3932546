#include "translate/openai/request_from_openai.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hd::translate::openai {
namespace {

namespace js = boost::json;
using ir::BlockType;
using ir::Role;

ir::Request parse(std::string_view body) {
  auto v = js::parse(body);
  auto r = requestFromOpenAI(v.as_object());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : ir::Request{};
}

std::string errorOf(std::string_view body) {
  auto v = js::parse(body);
  auto r = requestFromOpenAI(v.as_object());
  EXPECT_FALSE(r.ok()) << body;
  if (r.ok()) {
    return {};
  }
  EXPECT_EQ(r.error().status, 400);
  return r.error().message;
}

TEST(RequestFromOpenAI, SystemDeveloperUserAssistantAndTools) {
  auto req = parse(R"({"model":"claude-sonnet-4-6","messages":[
    {"role":"system","content":"Be brief."},
    {"role":"developer","content":[{"type":"text","text":"Use tools."}]},
    {"role":"user","content":"Weather in Paris and Rome?","name":"alice"},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
      {"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\"city\":"}}]},
    {"role":"tool","tool_call_id":"call_1","content":"18C"},
    {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"21C"}]},
    {"role":"user","content":"Thanks. Which is warmer?"},
    {"role":"system","content":"mid-conversation note"},
    {"role":"assistant","content":[{"type":"text","text":"Rome."},{"type":"refusal","refusal":"No more."}]}
  ]})");
  EXPECT_EQ(req.model, "claude-sonnet-4-6");
  ASSERT_EQ(req.system.size(), 2u);
  EXPECT_EQ(req.system[0].text, "Be brief.");
  EXPECT_EQ(req.system[1].text, "Use tools.");
  ASSERT_EQ(req.messages.size(), 5u);
  EXPECT_EQ(req.messages[0].role, Role::User);
  EXPECT_EQ(req.messages[0].content[0].text, "Weather in Paris and Rome?");
  const auto& a = req.messages[1];
  EXPECT_EQ(a.role, Role::Assistant);
  ASSERT_EQ(a.content.size(), 2u);
  EXPECT_EQ(a.content[0].type, BlockType::ToolUse);
  EXPECT_EQ(a.content[0].id, "call_1");
  EXPECT_EQ(a.content[0].input, js::parse(R"({"city":"Paris"})"));
  EXPECT_EQ(a.content[1].input, js::value("{\"city\":")); // invalid arguments kept raw
  const auto& results = req.messages[2];
  EXPECT_EQ(results.role, Role::User);
  ASSERT_EQ(results.content.size(), 3u); // both tool results and the following user text, in one turn
  EXPECT_EQ(results.content[0].type, BlockType::ToolResult);
  EXPECT_EQ(results.content[0].id, "call_1");
  ASSERT_EQ(results.content[0].content.size(), 1u);
  EXPECT_EQ(results.content[0].content[0].text, "18C");
  EXPECT_EQ(results.content[1].id, "call_2");
  EXPECT_EQ(results.content[1].content[0].text, "21C");
  EXPECT_EQ(results.content[2].type, BlockType::Text);
  EXPECT_EQ(results.content[2].text, "Thanks. Which is warmer?");
  EXPECT_EQ(req.messages[3].role, Role::System);
  EXPECT_EQ(req.messages[3].content[0].text, "mid-conversation note");
  ASSERT_EQ(req.messages[4].content.size(), 2u);
  EXPECT_EQ(req.messages[4].content[1].text, "No more.");
}

TEST(RequestFromOpenAI, UserParts) {
  auto req = parse(R"({"model":"m","messages":[{"role":"user","content":[
    {"type":"text","text":"Look"},
    {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ","detail":"high"}},
    {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
    {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}},
    {"type":"file","file":{"file_data":"JVBERi0y"}}]}]})");
  const auto& c = req.messages.at(0).content;
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[1].type, BlockType::Image);
  EXPECT_EQ(c[1].source_type, "base64");
  EXPECT_EQ(c[1].media_type, "image/jpeg");
  EXPECT_EQ(c[1].data, "/9j/4AAQ");
  EXPECT_EQ(c[2].source_type, "url");
  EXPECT_EQ(c[2].url, "https://example.com/cat.png");
  EXPECT_EQ(c[3].type, BlockType::Document);
  EXPECT_EQ(c[3].media_type, "application/pdf");
  EXPECT_EQ(c[3].data, "JVBERi0x");
  EXPECT_EQ(c[3].name, "a.pdf");
  EXPECT_EQ(c[4].media_type, "application/pdf");
  EXPECT_EQ(c[4].data, "JVBERi0y");
}

TEST(RequestFromOpenAI, ToolsAndToolChoice) {
  auto req = parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],
    "tools":[{"type":"function","function":{"name":"get","description":"Get it",
      "parameters":{"type":"object","properties":{"id":{"type":"string"}}},"strict":true}},
      {"type":"function","function":{"name":"bare"}}],
    "tool_choice":{"type":"function","function":{"name":"get"}},"parallel_tool_calls":false})");
  ASSERT_EQ(req.tools.size(), 2u);
  EXPECT_EQ(req.tools[0].name, "get");
  EXPECT_EQ(req.tools[0].description, "Get it");
  EXPECT_EQ(req.tools[0].input_schema, js::parse(R"({"type":"object","properties":{"id":{"type":"string"}}})"));
  EXPECT_EQ(req.tools[0].strict, std::optional<bool>(true));
  EXPECT_EQ(req.tools[1].input_schema, js::parse(R"({"type":"object","properties":{}})"));
  EXPECT_EQ(req.tool_choice.kind, ir::ToolChoice::Kind::Tool);
  EXPECT_EQ(req.tool_choice.name, "get");
  EXPECT_TRUE(req.tool_choice.disable_parallel_tool_use);
  EXPECT_EQ(req.parallel_tool_calls, std::optional<bool>(false));
  for (auto [value, kind] :
       {std::pair{"auto", ir::ToolChoice::Kind::Auto}, std::pair{"required", ir::ToolChoice::Kind::Any},
        std::pair{"none", ir::ToolChoice::Kind::None}}) {
    auto r = parse(std::string(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":")") + value +
                   "\"}");
    EXPECT_EQ(r.tool_choice.kind, kind) << value;
  }
}

TEST(RequestFromOpenAI, LegacyFunctions) {
  auto req = parse(R"({"model":"m","messages":[{"role":"user","content":"x"},
    {"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{\"a\":1}"}},
    {"role":"function","name":"f","content":"done"}],
    "functions":[{"name":"f","parameters":{"type":"object"}}],"function_call":{"name":"f"}})");
  ASSERT_EQ(req.tools.size(), 1u);
  EXPECT_EQ(req.tool_choice.kind, ir::ToolChoice::Kind::Tool);
  ASSERT_EQ(req.messages.size(), 3u);
  const auto& call = req.messages[1].content.at(0);
  const auto& result = req.messages[2].content.at(0);
  EXPECT_EQ(call.type, BlockType::ToolUse);
  EXPECT_EQ(result.type, BlockType::ToolResult);
  EXPECT_EQ(call.id, result.id); // the synthetic id pairs them
}

TEST(RequestFromOpenAI, ScalarsAndFormats) {
  auto req = parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":100,
    "max_completion_tokens":200,"temperature":0.2,"top_p":1,"stop":"END","stream":true,
    "stream_options":{"include_usage":true},"reasoning_effort":"low","user":"u1","seed":42,
    "response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}},
    "metadata":{"k":"v"},"frequency_penalty":0.5,"presence_penalty":0,"logit_bias":{"50256":-100},"n":1,
    "logprobs":false,"store":false,"service_tier":"auto"})");
  EXPECT_EQ(req.max_tokens, std::optional<std::int64_t>(200)); // max_completion_tokens wins
  EXPECT_EQ(req.temperature, std::optional<double>(0.2));
  EXPECT_EQ(req.top_p, std::optional<double>(1.0));
  EXPECT_EQ(req.stop_sequences, std::vector<std::string>{"END"});
  EXPECT_TRUE(req.stream);
  EXPECT_EQ(req.reasoning_effort, "low");
  EXPECT_EQ(req.user, "u1");
  EXPECT_EQ(req.seed, std::optional<std::int64_t>(42));
  ASSERT_TRUE(req.json_schema.has_value());
  EXPECT_EQ(js::value(*req.json_schema), js::parse(R"({"name":"out","schema":{"type":"object"},"strict":true})"));
  EXPECT_TRUE(req.extensions.empty());
  EXPECT_TRUE(streamIncludeUsage(js::parse(R"({"stream_options":{"include_usage":true}})").as_object()));
  EXPECT_FALSE(streamIncludeUsage(js::parse(R"({"stream":true})").as_object()));

  auto r2 = parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b"],
    "response_format":{"type":"json_object"},"reasoning_effort":"none","safety_identifier":"s1","max_tokens":5})");
  EXPECT_EQ(r2.stop_sequences, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r2.json_object);
  EXPECT_EQ(r2.thinking.kind, ir::Thinking::Kind::Disabled);
  EXPECT_EQ(r2.user, "s1");
  EXPECT_EQ(r2.max_tokens, std::optional<std::int64_t>(5));
  EXPECT_FALSE(r2.stream);

  auto r3 = parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],"reasoning_effort":"xhigh",
    "response_format":{"type":"text"},"temperature":null,"stop":null})");
  EXPECT_EQ(r3.reasoning_effort, "high");
  EXPECT_FALSE(r3.json_schema.has_value());
  EXPECT_FALSE(r3.temperature.has_value());
}

TEST(RequestFromOpenAI, ValidationErrorsNameThePath) {
  struct Case {
    const char* body;
    const char* message;
  };
  for (const auto& c : {
           Case{R"({"messages":[{"role":"user","content":"x"}]})", "model: required, a non-empty string"},
           Case{R"({"model":"m","messages":[]})", "messages: required, a non-empty array"},
           Case{R"({"model":"m","messages":[{"role":"user"}]})", "messages[0].content: required"},
           Case{R"({"model":"m","messages":[{"role":"robot","content":"x"}]})",
                "messages[0].role: unknown role \"robot\""},
           Case{R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]})",
                "messages[0].content[0].image_url.url: expected a string"},
           Case{R"({"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]})",
                "messages[0].content[0]: audio input is not supported by this model"},
           Case{
               R"({"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]})",
               "messages[0].content[0].file.file_id: uploaded file ids cannot be used with this model; send file_data"},
           Case{R"({"model":"m","messages":[{"role":"tool","content":"x"}]})",
                "messages[0].tool_call_id: expected a string"},
           Case{R"({"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{}}]}]})",
                "messages[0].tool_calls[0].function.name: expected a string"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":2})",
                "n: only one choice (n = 1) is supported by this model"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true})",
                "logprobs: log probabilities are not available from this model"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":"yes"})",
                "logprobs: expected a boolean"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"custom","custom":{}}]})",
                "tools[0].type: tool type \"custom\" is not supported by this model"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"sometimes"})",
                "tool_choice: unknown value \"sometimes\""},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"allowed_tools"}})",
                "tool_choice.type: \"allowed_tools\" is not supported by this model"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0})",
                "max_tokens: must be at least 1"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":1.5})",
                "max_completion_tokens: expected an integer"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"})",
                "temperature: expected a number"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a",1]})",
                "stop[1]: expected a string"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"yaml"}})",
                "response_format.type: unknown value \"yaml\""},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"reasoning_effort":"extreme"})",
                "reasoning_effort: expected one of none, minimal, low, medium, high, xhigh, max"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"modalities":["text","audio"]})",
                "modalities: audio output is not supported by this model"},
       }) {
    EXPECT_EQ(errorOf(c.body), c.message) << c.body;
  }
}

TEST(RequestFromOpenAI, EmptyAssistantTurnsAreDropped) {
  auto req = parse(R"({"model":"m","messages":[{"role":"user","content":"a"},{"role":"assistant","content":""},
    {"role":"user","content":"b"}]})");
  ASSERT_EQ(req.messages.size(), 2u);
  EXPECT_EQ(req.messages[1].content[0].text, "b");
}

} // namespace
} // namespace hd::translate::openai
