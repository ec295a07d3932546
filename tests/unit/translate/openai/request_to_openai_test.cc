#include "translate/openai/request_to_openai.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace hd::translate::openai {
namespace {

namespace js = boost::json;
using namespace testing;
using ir::Role;

TargetOptions gpt4o() {
  TargetOptions o;
  o.model = "gpt-4o";
  return o;
}

TargetOptions gpt5() {
  TargetOptions o;
  o.model = "gpt-5";
  o.reasoning_model = true;
  return o;
}

js::object convert(const ir::Request& req, const TargetOptions& opt = gpt4o()) {
  auto r = requestToOpenAI(req, opt);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : js::object{};
}

std::string errorOf(const ir::Request& req, const TargetOptions& opt = gpt4o()) {
  auto r = requestToOpenAI(req, opt);
  EXPECT_FALSE(r.ok());
  if (r.ok()) {
    return {};
  }
  EXPECT_EQ(r.error().status, 400);
  return r.error().message;
}

ir::Request userSays(std::string t) {
  ir::Request req;
  req.messages.push_back(msg(Role::User, {text(std::move(t))}));
  return req;
}

// The main-loop call of Claude Code (recorded shape, see claude-code-traffic.md) sent to a GPT-5 deployment.
TEST(RequestToOpenAI, ClaudeCodeMainLoopToReasoningModel) {
  ir::Request req;
  req.model = "azure/gpt-5";
  req.system = {text("x-anthropic-billing-header: cc_version=2.1.331.abc; cc_entrypoint=sdk-cli;"),
                cached(text("You are Claude Code.")), cached(text("Instructions..."))};
  req.messages.push_back(
      msg(Role::User, {text("<system-reminder>ctx</system-reminder>"), cached(text("Read a and b"))}));
  req.messages.push_back(msg(Role::System, {text("Primary working directory: /tmp/x")}));
  req.messages.push_back(msg(Role::Assistant, {thinking("", "EqQBCkYIBxgC"), redacted("opaque"), text("Reading both."),
                                               toolUse("call_a", "Read", R"({"file_path":"/a"})"),
                                               toolUse("call_b", "Read", R"({"file_path":"/b"})")}));
  auto r1 = toolResult("call_a", {text("line 1"), text("<system-reminder>r</system-reminder>")});
  r1.cache_control = js::object{{"type", "ephemeral"}};
  req.messages.push_back(msg(Role::User, {r1, toolResult("call_b", {text("no such file")}, true)}));
  auto bash = tool("Bash",
                   R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                       "properties":{"command":{"type":"string"}},"required":["command"],
                       "additionalProperties":false})",
                   "Run a command");
  bash.cache_control = js::object{{"type", "ephemeral"}};
  auto deferred = tool("DeferredToolPlaceholder", R"({"type":"object"})");
  deferred.defer_loading = true;
  req.tools = {bash, deferred};
  req.max_tokens = 32000;
  req.stream = true;
  req.thinking.kind = ir::Thinking::Kind::Adaptive;
  req.reasoning_effort = "high";
  req.user = R"({"device_id":"0123456789abcdef0123456789abcdef","account_uuid":"","session_id":"4f1c"})";
  req.extensions["context_management"] = js::parse(R"({"edits":[{"type":"clear_thinking_20251015"}]})");
  req.extensions["metadata"] = js::object{};

  js::object body = convert(req, gpt5());
  ASSERT_TRUE(body.contains("user"));
  std::string user(body["user"].as_string());
  EXPECT_EQ(user.size(), 19u);
  EXPECT_EQ(user.substr(0, 3), "hd-");
  body.erase("user");
  EXPECT_EQ(js::value(body), js::parse(R"({
    "model": "gpt-5",
    "messages": [
      {"role": "system", "content": "You are Claude Code.\n\nInstructions..."},
      {"role": "user", "content": [
        {"type": "text", "text": "<system-reminder>ctx</system-reminder>"},
        {"type": "text", "text": "Read a and b"}]},
      {"role": "system", "content": "Primary working directory: /tmp/x"},
      {"role": "assistant", "content": "Reading both.", "tool_calls": [
        {"id": "call_a", "type": "function", "function": {"name": "Read", "arguments": "{\"file_path\":\"/a\"}"}},
        {"id": "call_b", "type": "function", "function": {"name": "Read", "arguments": "{\"file_path\":\"/b\"}"}}]},
      {"role": "tool", "tool_call_id": "call_a", "content": "line 1\n\n<system-reminder>r</system-reminder>"},
      {"role": "tool", "tool_call_id": "call_b", "content": "Error: no such file"}
    ],
    "tools": [{"type": "function", "function": {"name": "Bash", "description": "Run a command",
      "parameters": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"],
                     "additionalProperties": false}}}],
    "max_completion_tokens": 32000,
    "reasoning_effort": "high",
    "stream": true,
    "stream_options": {"include_usage": true}
  })"));
  // The same user id always hashes the same (prompt-cache bucketing and abuse tracking keep working).
  EXPECT_EQ(convert(req, gpt5())["user"], js::value(user));
}

TEST(RequestToOpenAI, ShortUserPassesThroughAndSeed) {
  auto req = userSays("hi");
  req.user = "u-1";
  req.seed = 7;
  auto body = convert(req);
  EXPECT_EQ(body["user"], js::value("u-1"));
  EXPECT_EQ(body["seed"], js::value(7));
}

TEST(RequestToOpenAI, SingleTextIsAStringAndSystemJoins) {
  auto req = userSays("hello");
  req.system = {text("a"), text("b")};
  EXPECT_EQ(js::value(convert(req)), js::parse(R"({"model":"gpt-4o","messages":[
    {"role":"system","content":"a\n\nb"},{"role":"user","content":"hello"}]})"));
}

TEST(RequestToOpenAI, Images) {
  ir::Request req;
  req.messages.push_back(
      msg(Role::User, {text("what is this"), image64("image/png", "iVBORw0"), imageUrl("https://x/y.jpg")}));
  EXPECT_EQ(convert(req)["messages"], js::parse(R"([{"role":"user","content":[
    {"type":"text","text":"what is this"},
    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0"}},
    {"type":"image_url","image_url":{"url":"https://x/y.jpg"}}]}])"));
}

TEST(RequestToOpenAI, Documents) {
  ir::Request req;
  req.messages.push_back(msg(Role::User, {textDoc("plain doc"), pdf("JVBERi0", "report.pdf")}));
  EXPECT_EQ(errorOf(req), "messages[0].content[1]: PDF documents cannot be sent to gpt-4o");
  auto opt = gpt4o();
  opt.accepts_file_parts = true;
  EXPECT_EQ(convert(req, opt)["messages"], js::parse(R"([{"role":"user","content":[
    {"type":"text","text":"plain doc"},
    {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,JVBERi0"}}]}])"));
  ir::Request by_url;
  auto doc = pdf("");
  doc.source_type = "url";
  doc.url = "https://x/a.pdf";
  by_url.messages.push_back(msg(Role::User, {doc}));
  EXPECT_NE(errorOf(by_url, opt).find("messages[0].content[0]: documents given by URL"), std::string::npos);
}

TEST(RequestToOpenAI, ToolResultsComeFirstAndImagesFollowInAUserMessage) {
  ir::Request req;
  req.messages.push_back(msg(Role::Assistant, {toolUse("t1", "Screenshot", "{}"), toolUse("t2", "Ls", "{}")}));
  req.messages.push_back(msg(Role::User, {text("and then?"), toolResult("t1", {image64("image/png", "AAAA")}),
                                          toolResult("t2", {text("a.txt")})}));
  EXPECT_EQ(convert(req)["messages"], js::parse(R"json([
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"t1","type":"function","function":{"name":"Screenshot","arguments":"{}"}},
      {"id":"t2","type":"function","function":{"name":"Ls","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"t1",
     "content":"(the tool returned 1 attachment(s); they follow in the next user message)"},
    {"role":"tool","tool_call_id":"t2","content":"a.txt"},
    {"role":"user","content":[
      {"type":"text","text":"Attachments returned by tool call t1:"},
      {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
      {"type":"text","text":"and then?"}]}])json"));
}

TEST(RequestToOpenAI, SystemMessageBetweenToolCallsAndResultsWaits) {
  ir::Request req;
  req.messages.push_back(msg(Role::Assistant, {toolUse("t1", "Ls", "{}")}));
  req.messages.push_back(msg(Role::System, {text("note")}));
  req.messages.push_back(msg(Role::User, {toolResult("t1", {text("a.txt")}), text("go on")}));
  EXPECT_EQ(convert(req)["messages"], js::parse(R"([
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"t1","type":"function","function":{"name":"Ls","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"t1","content":"a.txt"},
    {"role":"user","content":"go on"},
    {"role":"system","content":"note"}])"));
}

TEST(RequestToOpenAI, EmptyToolResultAndErrorPrefix) {
  ir::Request req;
  req.messages.push_back(msg(Role::User, {toolResult("t1", {}), toolResult("t2", {}, true)}));
  EXPECT_EQ(convert(req)["messages"], js::parse(R"([
    {"role":"tool","tool_call_id":"t1","content":""},
    {"role":"tool","tool_call_id":"t2","content":"Error: "}])"));
}

TEST(RequestToOpenAI, AssistantEdgeCases) {
  ir::Request req;
  req.messages.push_back(msg(Role::User, {text("q")}));
  req.messages.push_back(msg(Role::Assistant, {thinking("hmm", "sig")})); // nothing left: dropped
  req.messages.push_back(msg(Role::User, {text("q2")}));
  req.messages.push_back(msg(Role::Assistant, {text("a"), text("b")}));
  ir::Block raw = toolUse("t", "Bad", "{}");
  raw.input = js::string("{\"unterminated");
  req.messages.push_back(msg(Role::Assistant, {raw}));
  EXPECT_EQ(convert(req)["messages"], js::parse(R"([
    {"role":"user","content":"q"},
    {"role":"user","content":"q2"},
    {"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"t","type":"function","function":{"name":"Bad","arguments":"{\"unterminated"}}]}])"));
}

TEST(RequestToOpenAI, ToolsAndToolChoice) {
  auto req = userSays("x");
  auto t = tool("get", R"({"type":"object","properties":{}})");
  t.strict = true;
  req.tools = {t, tool("noschema", "null")};
  struct Case {
    ir::ToolChoice::Kind kind;
    const char* expected;
  };
  for (const auto& c : {Case{ir::ToolChoice::Kind::Auto, R"("auto")"}, Case{ir::ToolChoice::Kind::Any, R"("required")"},
                        Case{ir::ToolChoice::Kind::None, R"("none")"},
                        Case{ir::ToolChoice::Kind::Tool, R"({"type":"function","function":{"name":"get"}})"}}) {
    req.tool_choice.kind = c.kind;
    req.tool_choice.name = "get";
    auto body = convert(req);
    EXPECT_EQ(body["tool_choice"], js::parse(c.expected));
    EXPECT_FALSE(body.contains("parallel_tool_calls"));
  }
  req.tool_choice.disable_parallel_tool_use = true;
  auto body = convert(req);
  EXPECT_EQ(body["parallel_tool_calls"], js::value(false));
  EXPECT_EQ(body["tools"], js::parse(R"([
    {"type":"function","function":{"name":"get","parameters":{"type":"object","properties":{}},"strict":true}},
    {"type":"function","function":{"name":"noschema","parameters":{"type":"object","properties":{}}}}])"));
}

TEST(RequestToOpenAI, NoToolsMeansNoToolChoiceOrParallelFlag) {
  auto req = userSays("x");
  req.tool_choice.kind = ir::ToolChoice::Kind::Auto;
  req.tool_choice.disable_parallel_tool_use = true;
  auto deferred = tool("Later", "{}");
  deferred.defer_loading = true;
  req.tools = {deferred};
  auto body = convert(req);
  EXPECT_FALSE(body.contains("tools"));
  EXPECT_FALSE(body.contains("tool_choice"));
  EXPECT_FALSE(body.contains("parallel_tool_calls"));
}

TEST(RequestToOpenAI, ServerToolsAreRefused) {
  auto req = userSays("x");
  auto ws = tool("web_search", "{}");
  ws.server_type = "web_search_20250305";
  req.tools = {tool("ok", "{}"), ws};
  EXPECT_EQ(errorOf(req), "tools[1]: server tool \"web_search\" (web_search_20250305) is not available with gpt-4o");
}

TEST(RequestToOpenAI, SamplingParametersForChatModels) {
  auto req = userSays("x");
  req.max_tokens = 1000;
  req.temperature = 0.5;
  req.top_p = 0.9;
  req.top_k = 40;
  req.stop_sequences = {"END", "STOP"};
  req.thinking.kind = ir::Thinking::Kind::Enabled;
  req.thinking.budget_tokens = 2000;
  req.reasoning_effort = "low";
  auto body = convert(req);
  EXPECT_EQ(js::value(body), js::parse(R"({"model":"gpt-4o","messages":[{"role":"user","content":"x"}],
    "max_tokens":1000,"temperature":0.5,"top_p":0.9,"stop":["END","STOP"]})"));
}

TEST(RequestToOpenAI, SamplingParametersForReasoningModels) {
  auto req = userSays("x");
  req.max_tokens = 1000;
  req.temperature = 0.5;
  req.top_p = 0.9;
  auto body = convert(req, gpt5());
  EXPECT_EQ(body["max_completion_tokens"], js::value(1000));
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_FALSE(body.contains("top_p"));
  EXPECT_FALSE(body.contains("reasoning_effort"));
}

TEST(RequestToOpenAI, MaxTokensCappedAtTheModelLimit) {
  auto req = userSays("x");
  req.max_tokens = 32000;
  EXPECT_EQ(convert(req)["max_tokens"], js::value(16384)); // gpt-4o's documented maximum
  auto opt = gpt4o();
  opt.max_output_tokens = 0; // no cap
  EXPECT_EQ(convert(req, opt)["max_tokens"], js::value(32000));
  opt.max_output_tokens = 8000;
  EXPECT_EQ(convert(req, opt)["max_tokens"], js::value(8000));
  opt.model = "my-deployment";
  opt.max_output_tokens.reset(); // unknown name: no cap
  EXPECT_EQ(convert(req, opt)["max_tokens"], js::value(32000));
}

TEST(RequestToOpenAI, TooManyStopSequences) {
  auto req = userSays("x");
  req.stop_sequences = {"a", "b", "c", "d", "e"};
  EXPECT_EQ(errorOf(req), "stop_sequences: 5 given, but gpt-4o accepts at most 4");
}

TEST(RequestToOpenAI, ReasoningEffortFromThinking) {
  struct Case {
    ir::Thinking::Kind kind;
    std::int64_t budget;
    std::string effort;
    const char* expected;
  };
  using K = ir::Thinking::Kind;
  for (const auto& c :
       {Case{K::Enabled, 1024, "", "low"}, Case{K::Enabled, 4095, "", "low"}, Case{K::Enabled, 4096, "", "medium"},
        Case{K::Enabled, 16383, "", "medium"}, Case{K::Enabled, 16384, "", "high"},
        Case{K::Enabled, 2000, "high", "high"}, Case{K::Adaptive, 0, "", "medium"}, Case{K::Adaptive, 0, "low", "low"},
        Case{K::Adaptive, 0, "max", "high"}, Case{K::Unspecified, 0, "medium", "medium"},
        Case{K::Unspecified, 0, "minimal", "minimal"}, Case{K::Disabled, 0, "", "low"}}) {
    auto req = userSays("x");
    req.thinking.kind = c.kind;
    req.thinking.budget_tokens = c.budget;
    req.reasoning_effort = c.effort;
    EXPECT_EQ(convert(req, gpt5())["reasoning_effort"], js::value(c.expected)) << c.budget << " " << c.effort;
  }
  auto req = userSays("x");
  EXPECT_FALSE(convert(req, gpt5()).contains("reasoning_effort"));
}

TEST(RequestToOpenAI, StructuredOutput) {
  auto req = userSays("title please");
  req.json_schema = js::parse(R"({"schema":{"$schema":"x","type":"object",
    "properties":{"title":{"type":"string"}},"required":["title"],"additionalProperties":false}})")
                        .as_object();
  EXPECT_EQ(convert(req)["response_format"], js::parse(R"({"type":"json_schema","json_schema":{"name":"response",
    "schema":{"type":"object","properties":{"title":{"type":"string"}},"required":["title"],
              "additionalProperties":false}}})"));
  req.json_schema = js::parse(R"({"name":"t","schema":{"type":"object"},"strict":true})").as_object();
  EXPECT_EQ(convert(req)["response_format"],
            js::parse(R"({"type":"json_schema","json_schema":{"name":"t","schema":{"type":"object"},"strict":true}})"));
  req.json_schema.reset();
  req.json_object = true;
  EXPECT_EQ(convert(req)["response_format"], js::parse(R"({"type":"json_object"})"));
}

TEST(RequestToOpenAI, NonStreamingHasNoStreamOptions) {
  auto body = convert(userSays("x"));
  EXPECT_FALSE(body.contains("stream"));
  EXPECT_FALSE(body.contains("stream_options"));
}

TEST(RequestToOpenAI, MisplacedBlocksAreErrors) {
  ir::Request a;
  a.messages.push_back(msg(Role::User, {text("x"), toolUse("t", "n", "{}")}));
  EXPECT_EQ(errorOf(a), "messages[0].content[1]: tool_use blocks belong in assistant messages");
  ir::Request b;
  b.messages.push_back(msg(Role::Assistant, {toolResult("t", {})}));
  EXPECT_EQ(errorOf(b), "messages[0].content[0]: tool_result blocks belong in user messages");
}

} // namespace
} // namespace hd::translate::openai
