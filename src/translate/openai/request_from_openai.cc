#include "translate/openai/request_from_openai.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "translate/openai/messages_from_openai.h"
#include "translate/openai/util.h"

namespace hd::translate::openai {

namespace js = boost::json;

namespace {

using Err = std::optional<Error>;
using detail::bad;
using detail::field;

Err readTool(const js::object& fn, const std::string& path, ir::Request& req) {
  const auto* name = fn.if_contains("name");
  if (name == nullptr || !name->is_string() || name->get_string().empty()) {
    return bad(path + ".name", "expected a non-empty string");
  }
  ir::Tool t;
  t.name = std::string(detail::asStringView(*name));
  if (const auto* d = field(fn, "description")) {
    if (!d->is_string()) {
      return bad(path + ".description", "expected a string");
    }
    t.description = std::string(detail::asStringView(*d));
  }
  if (const auto* p = field(fn, "parameters")) {
    if (!p->is_object()) {
      return bad(path + ".parameters", "expected a JSON Schema object");
    }
    t.input_schema = *p;
  } else {
    js::object empty;
    empty["type"] = "object";
    empty["properties"] = js::object{};
    t.input_schema = std::move(empty);
  }
  if (const auto* s = field(fn, "strict")) {
    if (!s->is_bool()) {
      return bad(path + ".strict", "expected a boolean");
    }
    t.strict = s->get_bool();
  }
  req.tools.push_back(std::move(t));
  return std::nullopt;
}

Err readTools(const js::object& body, ir::Request& req) {
  if (const auto* tools = field(body, "tools")) {
    if (!tools->is_array()) {
      return bad("tools", "expected an array");
    }
    const auto& arr = tools->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string path = fmt::format("tools[{}]", i);
      if (!arr[i].is_object()) {
        return bad(path, "expected an object");
      }
      const auto& t = arr[i].get_object();
      std::string_view type = t.contains("type") ? detail::asStringView(t.at("type")) : "";
      if (type != "function") {
        return bad(path + ".type", fmt::format("tool type \"{}\" is not supported by this model", type));
      }
      const auto* fn = t.if_contains("function");
      if (fn == nullptr || !fn->is_object()) {
        return bad(path + ".function", "expected an object");
      }
      if (auto err = readTool(fn->get_object(), path + ".function", req)) {
        return err;
      }
    }
  }
  if (const auto* fns = field(body, "functions")) { // deprecated
    if (!fns->is_array()) {
      return bad("functions", "expected an array");
    }
    const auto& arr = fns->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string path = fmt::format("functions[{}]", i);
      if (!arr[i].is_object()) {
        return bad(path, "expected an object");
      }
      if (auto err = readTool(arr[i].get_object(), path, req)) {
        return err;
      }
    }
  }
  return std::nullopt;
}

Err readToolChoice(const js::object& body, ir::Request& req) {
  std::string_view key = field(body, "tool_choice") != nullptr ? "tool_choice" : "function_call";
  const auto* tc = field(body, key);
  if (tc == nullptr) {
    return std::nullopt;
  }
  auto& choice = req.tool_choice;
  if (tc->is_string()) {
    std::string_view s = detail::asStringView(*tc);
    if (s == "auto") {
      choice.kind = ir::ToolChoice::Kind::Auto;
    } else if (s == "none") {
      choice.kind = ir::ToolChoice::Kind::None;
    } else if (s == "required" && key == "tool_choice") {
      choice.kind = ir::ToolChoice::Kind::Any;
    } else {
      return bad(key, fmt::format("unknown value \"{}\"", s));
    }
    return std::nullopt;
  }
  if (!tc->is_object()) {
    return bad(key, "expected a string or an object");
  }
  const auto& o = tc->get_object();
  const js::value* name = nullptr;
  std::string name_path;
  if (key == "function_call") {
    name = o.if_contains("name");
    name_path = "function_call.name";
  } else {
    std::string_view type = o.contains("type") ? detail::asStringView(o.at("type")) : "";
    if (type != "function") {
      return bad("tool_choice.type", fmt::format("\"{}\" is not supported by this model", type));
    }
    if (const auto* fn = o.if_contains("function"); fn != nullptr && fn->is_object()) {
      name = fn->get_object().if_contains("name");
    }
    name_path = "tool_choice.function.name";
  }
  if (name == nullptr || !name->is_string()) {
    return bad(name_path, "expected a string");
  }
  choice.kind = ir::ToolChoice::Kind::Tool;
  choice.name = std::string(detail::asStringView(*name));
  return std::nullopt;
}

Err readNumber(const js::object& body, std::string_view key, std::optional<double>& out) {
  if (const auto* v = field(body, key)) {
    auto d = detail::asDouble(*v);
    if (!d) {
      return bad(key, "expected a number");
    }
    out = *d;
  }
  return std::nullopt;
}

Err readInt(const js::object& body, std::string_view key, std::optional<std::int64_t>& out) {
  if (const auto* v = field(body, key)) {
    auto n = detail::asInt(*v);
    if (!n) {
      return bad(key, "expected an integer");
    }
    out = *n;
  }
  return std::nullopt;
}

Err readBool(const js::object& body, std::string_view key, std::optional<bool>& out) {
  if (const auto* v = field(body, key)) {
    if (!v->is_bool()) {
      return bad(key, "expected a boolean");
    }
    out = v->get_bool();
  }
  return std::nullopt;
}

Err readResponseFormat(const js::object& body, ir::Request& req) {
  const auto* rf = field(body, "response_format");
  if (rf == nullptr) {
    return std::nullopt;
  }
  if (!rf->is_object()) {
    return bad("response_format", "expected an object");
  }
  const auto& o = rf->get_object();
  std::string_view type = o.contains("type") ? detail::asStringView(o.at("type")) : "";
  if (type == "text") {
    return std::nullopt;
  }
  if (type == "json_object") {
    req.json_object = true;
    return std::nullopt;
  }
  if (type != "json_schema") {
    return bad("response_format.type", fmt::format("unknown value \"{}\"", type));
  }
  const auto* js_spec = o.if_contains("json_schema");
  if (js_spec == nullptr || !js_spec->is_object()) {
    return bad("response_format.json_schema", "expected an object");
  }
  const auto& spec = js_spec->get_object();
  js::object out;
  if (const auto* n = field(spec, "name")) {
    if (!n->is_string()) {
      return bad("response_format.json_schema.name", "expected a string");
    }
    out["name"] = *n;
  }
  if (const auto* d = field(spec, "description"); d != nullptr && d->is_string()) {
    out["description"] = *d;
  }
  const auto* schema = field(spec, "schema");
  if (schema != nullptr && !schema->is_object()) {
    return bad("response_format.json_schema.schema", "expected a JSON Schema object");
  }
  out["schema"] = schema != nullptr ? *schema : js::value(js::object{});
  if (const auto* s = field(spec, "strict")) {
    if (!s->is_bool()) {
      return bad("response_format.json_schema.strict", "expected a boolean");
    }
    out["strict"] = *s;
  }
  req.json_schema = std::move(out);
  return std::nullopt;
}

// Fields a Claude model cannot honour: a clear 400 rather than a silently different answer.
Err refuseUnsupported(const js::object& body) {
  std::optional<std::int64_t> n;
  if (auto err = readInt(body, "n", n)) {
    return err;
  }
  if (n && *n != 1) {
    return bad("n", "only one choice (n = 1) is supported by this model");
  }
  std::optional<bool> logprobs;
  if (auto err = readBool(body, "logprobs", logprobs)) {
    return err;
  }
  if (logprobs.value_or(false)) {
    return bad("logprobs", "log probabilities are not available from this model");
  }
  std::optional<std::int64_t> top_logprobs;
  if (auto err = readInt(body, "top_logprobs", top_logprobs)) {
    return err;
  }
  if (top_logprobs.value_or(0) > 0) {
    return bad("top_logprobs", "log probabilities are not available from this model");
  }
  if (field(body, "audio") != nullptr) {
    return bad("audio", "audio output is not supported by this model");
  }
  if (const auto* mods = field(body, "modalities"); mods != nullptr && mods->is_array()) {
    for (const auto& m : mods->get_array()) {
      if (detail::asStringView(m) == "audio") {
        return bad("modalities", "audio output is not supported by this model");
      }
    }
  }
  if (field(body, "web_search_options") != nullptr) {
    return bad("web_search_options", "web search is not supported through this API for this model");
  }
  if (const auto* md = field(body, "metadata"); md != nullptr && !md->is_object()) {
    return bad("metadata", "expected an object");
  }
  return std::nullopt;
}

} // namespace

Result<ir::Request> requestFromOpenAI(const js::object& body) {
  ir::Request req;
  const auto* model = body.if_contains("model");
  if (model == nullptr || !model->is_string() || model->get_string().empty()) {
    return bad("model", "required, a non-empty string");
  }
  req.model = std::string(detail::asStringView(*model));

  const auto* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) {
    return bad("messages", "required, a non-empty array");
  }
  if (auto err = detail::readMessages(messages->get_array(), req)) {
    return *err;
  }
  if (auto err = refuseUnsupported(body)) {
    return *err;
  }
  if (auto err = readTools(body, req)) {
    return *err;
  }
  if (auto err = readToolChoice(body, req)) {
    return *err;
  }
  if (auto err = readBool(body, "parallel_tool_calls", req.parallel_tool_calls)) {
    return *err;
  }
  if (req.parallel_tool_calls == false) {
    req.tool_choice.disable_parallel_tool_use = true;
  }

  std::optional<std::int64_t> max_tokens;
  std::string_view max_key = field(body, "max_completion_tokens") != nullptr ? "max_completion_tokens" : "max_tokens";
  if (auto err = readInt(body, max_key, max_tokens)) {
    return *err;
  }
  if (max_tokens && *max_tokens < 1) {
    return bad(max_key, "must be at least 1");
  }
  req.max_tokens = max_tokens;
  if (auto err = readNumber(body, "temperature", req.temperature)) {
    return *err;
  }
  if (auto err = readNumber(body, "top_p", req.top_p)) {
    return *err;
  }
  if (const auto* stop = field(body, "stop")) {
    if (stop->is_string()) {
      req.stop_sequences.emplace_back(detail::asStringView(*stop));
    } else if (stop->is_array()) {
      const auto& arr = stop->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_string()) {
          return bad(fmt::format("stop[{}]", i), "expected a string");
        }
        req.stop_sequences.emplace_back(detail::asStringView(arr[i]));
      }
    } else {
      return bad("stop", "expected a string or an array of strings");
    }
  }
  std::optional<bool> stream;
  if (auto err = readBool(body, "stream", stream)) {
    return *err;
  }
  req.stream = stream.value_or(false);
  if (const auto* so = field(body, "stream_options"); so != nullptr && !so->is_object()) {
    return bad("stream_options", "expected an object");
  }
  if (auto err = readResponseFormat(body, req)) {
    return *err;
  }
  if (const auto* effort = field(body, "reasoning_effort")) {
    std::string_view e = detail::asStringView(*effort);
    if (e == "none") {
      req.thinking.kind = ir::Thinking::Kind::Disabled;
    } else if (e == "minimal" || e == "low" || e == "medium" || e == "high" || e == "max") {
      req.reasoning_effort = std::string(e);
    } else if (e == "xhigh") {
      req.reasoning_effort = "high";
    } else {
      return bad("reasoning_effort", "expected one of none, minimal, low, medium, high, xhigh, max");
    }
  }
  for (std::string_view key : {"user", "safety_identifier"}) {
    if (const auto* u = field(body, key)) {
      if (!u->is_string()) {
        return bad(key, "expected a string");
      }
      if (req.user.empty()) {
        req.user = std::string(detail::asStringView(*u));
      }
    }
  }
  if (auto err = readInt(body, "seed", req.seed)) {
    return *err;
  }
  return req;
}

bool streamIncludeUsage(const js::object& body) {
  const auto* so = body.if_contains("stream_options");
  if (so == nullptr || !so->is_object()) {
    return false;
  }
  const auto* iu = so->get_object().if_contains("include_usage");
  return iu != nullptr && iu->is_bool() && iu->get_bool();
}

} // namespace hd::translate::openai
