// Anthropic Messages request body -> IR (see request.h).
#include <initializer_list>

#include "translate/anthropic/blocks.h"
#include "translate/anthropic/request.h"
#include "translate/anthropic/util.h"

namespace hd::translate::anthropic {

namespace js = boost::json;
using detail::child;
using detail::element;
using detail::member;
using detail::Reader;

namespace {

// Top-level fields with a structured IR home (everything else goes to extensions).
constexpr std::string_view kHandled[] = {
    "model",         "max_tokens",    "system",   "messages",       "tools",      "tool_choice",
    "temperature",   "top_p",         "top_k",    "stop_sequences", "stream",     "thinking",
    "output_config", "output_format", "metadata", "fallbacks",      "deployment",
};

bool handled(std::string_view key) {
  for (auto k : kHandled) {
    if (k == key) {
      return true;
    }
  }
  return false;
}

// The members of `o` other than `known`; stored in extensions[key] when there are any.
void keepRest(const js::object& o, std::initializer_list<std::string_view> known, std::string_view key,
              ir::Request& req) {
  js::object rest;
  for (const auto& kv : o) {
    bool is_known = false;
    for (auto k : known) {
      is_known = is_known || kv.key() == k;
    }
    if (!is_known) {
      rest[kv.key()] = kv.value();
    }
  }
  if (!rest.empty()) {
    req.extensions[key] = std::move(rest);
  }
}

bool parseSystem(Reader& r, const js::value& v, ir::Request& req) {
  return detail::parseContent(r, v, "system", detail::kText, true, req.system);
}

bool parseMessages(Reader& r, const js::value& v, ir::Request& req) {
  const js::array* arr = r.array(v, "messages");
  if (arr == nullptr) {
    return false;
  }
  req.messages.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    std::string path = element("messages", i);
    const js::object* m = r.object((*arr)[i], path);
    if (m == nullptr) {
      return false;
    }
    ir::Message msg;
    const js::value* role = member(*m, "role");
    if (role == nullptr) {
      return r.fail(child(path, "role"), "field required");
    }
    std::string_view role_name = role->is_string() ? std::string_view(role->get_string()) : std::string_view();
    unsigned allowed = detail::kMessageBlocks;
    if (role_name == "user") {
      msg.role = ir::Role::User;
    } else if (role_name == "assistant") {
      msg.role = ir::Role::Assistant;
    } else if (role_name == "system") {
      msg.role = ir::Role::System;
      allowed = detail::kText;
    } else {
      return r.fail(child(path, "role"), R"(expected "user", "assistant" or "system")");
    }
    const js::value* content = member(*m, "content");
    if (content == nullptr) {
      return r.fail(child(path, "content"), "field required");
    }
    if (!detail::parseContent(r, *content, child(path, "content"), allowed, false, msg.content)) {
      return false;
    }
    req.messages.push_back(std::move(msg));
  }
  return true;
}

bool parseTool(Reader& r, const js::value& v, const std::string& path, ir::Tool& tool) {
  const js::object* o = r.object(v, path);
  if (o == nullptr) {
    return false;
  }
  tool.raw = *o;
  const js::value* type = member(*o, "type");
  if (type != nullptr && !type->is_string()) {
    return r.fail(child(path, "type"), "expected a string");
  }
  bool custom = type == nullptr || type->get_string() == "custom";
  if (!custom) {
    tool.server_type = type->get_string();
  }
  if (!r.string(*o, "name", path, tool.name, custom) || !r.string(*o, "description", path, tool.description) ||
      !r.objectMember(*o, "cache_control", path, tool.cache_control) || !r.boolean(*o, "strict", path, tool.strict) ||
      !r.boolean(*o, "defer_loading", path, tool.defer_loading)) {
    return false;
  }
  const js::value* schema = member(*o, "input_schema");
  if (schema == nullptr) {
    return custom ? r.fail(child(path, "input_schema"), "field required") : true;
  }
  if (!schema->is_object()) {
    return r.fail(child(path, "input_schema"), "expected an object");
  }
  tool.input_schema = *schema;
  return true;
}

bool parseTools(Reader& r, const js::value& v, ir::Request& req) {
  const js::array* arr = r.array(v, "tools");
  if (arr == nullptr) {
    return false;
  }
  req.tools.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    ir::Tool tool;
    if (!parseTool(r, (*arr)[i], element("tools", i), tool)) {
      return false;
    }
    req.tools.push_back(std::move(tool));
  }
  return true;
}

bool parseToolChoice(Reader& r, const js::value& v, ir::Request& req) {
  const js::object* o = r.object(v, "tool_choice");
  if (o == nullptr) {
    return false;
  }
  const js::value* type = member(*o, "type");
  if (type == nullptr) {
    return r.fail("tool_choice.type", "field required");
  }
  std::string_view t = type->is_string() ? std::string_view(type->get_string()) : std::string_view();
  auto& tc = req.tool_choice;
  if (t == "auto") {
    tc.kind = ir::ToolChoice::Kind::Auto;
  } else if (t == "any") {
    tc.kind = ir::ToolChoice::Kind::Any;
  } else if (t == "none") {
    tc.kind = ir::ToolChoice::Kind::None;
  } else if (t == "tool") {
    tc.kind = ir::ToolChoice::Kind::Tool;
    if (!r.string(*o, "name", "tool_choice", tc.name, true)) {
      return false;
    }
  } else {
    return r.fail("tool_choice.type", R"(expected "auto", "any", "none" or "tool")");
  }
  return r.boolean(*o, "disable_parallel_tool_use", "tool_choice", tc.disable_parallel_tool_use);
}

bool parseThinking(Reader& r, const js::value& v, ir::Request& req) {
  const js::object* o = r.object(v, "thinking");
  if (o == nullptr) {
    return false;
  }
  const js::value* type = member(*o, "type");
  if (type == nullptr) {
    return r.fail("thinking.type", "field required");
  }
  std::string_view t = type->is_string() ? std::string_view(type->get_string()) : std::string_view();
  auto& th = req.thinking;
  if (t == "enabled") {
    th.kind = ir::Thinking::Kind::Enabled;
    std::optional<std::int64_t> budget;
    if (!r.integer(*o, "budget_tokens", "thinking", budget, 0)) {
      return false;
    }
    if (!budget) {
      return r.fail("thinking.budget_tokens", "field required");
    }
    th.budget_tokens = *budget;
  } else if (t == "disabled") {
    th.kind = ir::Thinking::Kind::Disabled;
  } else if (t == "adaptive") {
    th.kind = ir::Thinking::Kind::Adaptive;
  } else if (t == "between_tools") {
    req.extensions["thinking"] = *o; // no IR form; kept for Anthropic upstreams
    return true;
  } else {
    return r.fail("thinking.type", R"(expected "enabled", "disabled", "adaptive" or "between_tools")");
  }
  keepRest(*o, {"type", "budget_tokens"}, "thinking", req);
  return true;
}

// {type: "json_schema", schema: {...}} at `path` -> req.json_schema.
bool parseFormat(Reader& r, const js::value& v, const std::string& path, ir::Request& req) {
  const js::object* o = r.object(v, path);
  if (o == nullptr) {
    return false;
  }
  const js::value* type = member(*o, "type");
  if (type == nullptr) {
    return r.fail(child(path, "type"), "field required");
  }
  if (!type->is_string() || type->get_string() != "json_schema") {
    return r.fail(child(path, "type"), R"(expected "json_schema")");
  }
  const js::value* schema = member(*o, "schema");
  if (schema == nullptr) {
    return r.fail(child(path, "schema"), "field required");
  }
  if (!schema->is_object()) {
    return r.fail(child(path, "schema"), "expected an object");
  }
  req.json_schema = js::object{{"schema", *schema}};
  return true;
}

bool parseOutputConfig(Reader& r, const js::value& v, ir::Request& req) {
  const js::object* o = r.object(v, "output_config");
  if (o == nullptr) {
    return false;
  }
  if (!r.string(*o, "effort", "output_config", req.reasoning_effort)) {
    return false;
  }
  if (const js::value* f = member(*o, "format")) {
    if (!parseFormat(r, *f, "output_config.format", req)) {
      return false;
    }
  }
  keepRest(*o, {"effort", "format"}, "output_config", req);
  return true;
}

bool parseMetadata(Reader& r, const js::value& v, ir::Request& req) {
  const js::object* o = r.object(v, "metadata");
  if (o == nullptr) {
    return false;
  }
  if (!r.string(*o, "user_id", "metadata", req.user)) {
    return false;
  }
  keepRest(*o, {"user_id"}, "metadata", req);
  return true;
}

bool parseStopSequences(Reader& r, const js::value& v, ir::Request& req) {
  const js::array* arr = r.array(v, "stop_sequences");
  if (arr == nullptr) {
    return false;
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    if (!(*arr)[i].is_string()) {
      return r.fail(element("stop_sequences", i), "expected a string");
    }
    req.stop_sequences.emplace_back((*arr)[i].get_string());
  }
  return true;
}

bool parseRequest(Reader& r, const js::object& body, ir::Request& req) {
  if (!r.string(body, "model", "", req.model, true)) {
    return false;
  }
  if (req.model.empty()) {
    return r.fail("model", "expected a non-empty string");
  }
  if (!r.integer(body, "max_tokens", "", req.max_tokens, 1) || !r.number(body, "temperature", "", req.temperature) ||
      !r.number(body, "top_p", "", req.top_p) || !r.integer(body, "top_k", "", req.top_k, 0) ||
      !r.boolean(body, "stream", "", req.stream)) {
    return false;
  }
  if (const js::value* v = member(body, "system"); v != nullptr && !parseSystem(r, *v, req)) {
    return false;
  }
  const js::value* messages = member(body, "messages");
  if (messages == nullptr) {
    return r.fail("messages", "field required");
  }
  if (!parseMessages(r, *messages, req)) {
    return false;
  }
  using Part = bool (*)(Reader&, const js::value&, ir::Request&);
  static constexpr std::pair<std::string_view, Part> kParts[] = {
      {"tools", parseTools},       {"tool_choice", parseToolChoice},
      {"thinking", parseThinking}, {"output_config", parseOutputConfig},
      {"metadata", parseMetadata}, {"stop_sequences", parseStopSequences},
  };
  for (const auto& [key, part] : kParts) {
    if (const js::value* v = member(body, key); v != nullptr && !part(r, *v, req)) {
      return false;
    }
  }
  if (const js::value* v = member(body, "output_format"); v != nullptr && !req.json_schema) {
    if (!parseFormat(r, *v, "output_format", req)) {
      return false;
    }
  }
  for (const auto& kv : body) {
    if (!handled(kv.key())) {
      req.extensions[kv.key()] = kv.value();
    }
  }
  return true;
}

} // namespace

Result<ir::Request> requestToIr(const js::object& body) {
  Reader r;
  ir::Request req;
  if (!parseRequest(r, body, req)) {
    return r.error();
  }
  return req;
}

} // namespace hd::translate::anthropic
