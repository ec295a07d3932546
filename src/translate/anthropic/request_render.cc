// IR -> Anthropic Messages request body (see request.h).
#include "translate/anthropic/blocks.h"
#include "translate/anthropic/request.h"
#include "translate/anthropic/util.h"

namespace hd::translate::anthropic {

namespace js = boost::json;
using detail::member;

namespace {

constexpr std::int64_t kDefaultMaxTokens = 4096;

std::string_view roleName(ir::Role role) {
  return role == ir::Role::Assistant ? "assistant" : "user";
}

// Top-level system blocks, then the text of system-role messages in their order.
js::array renderSystem(const ir::Request& req) {
  js::array system;
  for (const auto& b : req.system) {
    if (b.type == ir::BlockType::Text) {
      system.emplace_back(detail::renderBlock(b));
    }
  }
  for (const auto& m : req.messages) {
    if (m.role != ir::Role::System) {
      continue;
    }
    for (const auto& b : m.content) {
      if (b.type == ir::BlockType::Text) {
        system.emplace_back(detail::renderBlock(b));
      }
    }
  }
  return system;
}

// User/assistant messages with consecutive same-role turns merged (system messages are folded out).
js::array renderMessages(const ir::Request& req) {
  js::array out;
  const ir::Message* last = nullptr;
  for (const auto& m : req.messages) {
    if (m.role == ir::Role::System) {
      continue;
    }
    js::array content;
    content.reserve(m.content.size());
    for (const auto& b : m.content) {
      if (detail::renderable(b)) {
        content.emplace_back(detail::renderBlock(b));
      }
    }
    if (content.empty() && !m.content.empty()) {
      continue; // only unsigned thinking: nothing Anthropic accepts
    }
    if (last != nullptr && last->role == m.role) {
      auto& prev = out.back().as_object()["content"].as_array();
      for (auto& b : content) {
        prev.push_back(std::move(b));
      }
      continue;
    }
    out.emplace_back(js::object{{"role", roleName(m.role)}, {"content", std::move(content)}});
    last = &m;
  }
  return out;
}

// Sets o[key] = value unless the value requestToIr reads from o[key] already equals it (so an unchanged
// raw tool renders byte-for-byte as received).
void setString(js::object& o, std::string_view key, const std::string& value, bool erase_empty) {
  const js::value* cur = member(o, key);
  if (cur != nullptr && cur->is_string() && cur->get_string() == value) {
    return;
  }
  if (value.empty() && erase_empty) {
    if (cur != nullptr) {
      o.erase(key);
    }
    return;
  }
  o[key] = value;
}

js::object renderTool(const ir::Tool& t) {
  if (!t.server_type.empty()) {
    if (!t.raw.empty()) {
      return t.raw;
    }
    return js::object{{"type", t.server_type}, {"name", t.name}};
  }
  js::object o = t.raw;
  setString(o, "name", t.name, false);
  setString(o, "description", t.description, true);
  const js::value* schema = member(o, "input_schema");
  if (schema == nullptr || *schema != t.input_schema) {
    o["input_schema"] = t.input_schema.is_object() ? t.input_schema : js::value(js::object{{"type", "object"}});
  }
  const js::value* cc = member(o, "cache_control");
  bool cc_same = t.cache_control ? (cc != nullptr && *cc == js::value(*t.cache_control)) : cc == nullptr;
  if (!cc_same) {
    if (t.cache_control) {
      o["cache_control"] = *t.cache_control;
    } else {
      o.erase("cache_control");
    }
  }
  const js::value* strict = member(o, "strict");
  std::optional<bool> have_strict;
  if (strict != nullptr && strict->is_bool()) {
    have_strict = strict->get_bool();
  }
  if (have_strict != t.strict) {
    if (t.strict) {
      o["strict"] = *t.strict;
    } else {
      o.erase("strict");
    }
  }
  const js::value* defer = member(o, "defer_loading");
  bool have_defer = defer != nullptr && defer->is_bool() && defer->get_bool();
  if (have_defer != t.defer_loading) {
    if (t.defer_loading) {
      o["defer_loading"] = true;
    } else {
      o.erase("defer_loading");
    }
  }
  return o;
}

js::object renderToolChoice(const ir::Request& req) {
  const auto& tc = req.tool_choice;
  js::object o;
  switch (tc.kind) {
  case ir::ToolChoice::Kind::Unspecified:
  case ir::ToolChoice::Kind::Auto:
    o["type"] = "auto";
    break;
  case ir::ToolChoice::Kind::Any:
    o["type"] = "any";
    break;
  case ir::ToolChoice::Kind::None:
    o["type"] = "none";
    return o;
  case ir::ToolChoice::Kind::Tool:
    o["type"] = "tool";
    o["name"] = tc.name;
    break;
  }
  if (tc.disable_parallel_tool_use || req.parallel_tool_calls == false) {
    o["disable_parallel_tool_use"] = true;
  }
  return o;
}

js::object renderThinking(const ir::Thinking& th) {
  switch (th.kind) {
  case ir::Thinking::Kind::Enabled:
    return {{"type", "enabled"}, {"budget_tokens", th.budget_tokens}};
  case ir::Thinking::Kind::Disabled:
    return {{"type", "disabled"}};
  case ir::Thinking::Kind::Adaptive:
    return {{"type", "adaptive"}};
  case ir::Thinking::Kind::Unspecified:
    break;
  }
  return {};
}

js::object renderOutputConfig(const ir::Request& req) {
  js::object o;
  // Anthropic has no "minimal" (nearest: "low") and no "none" (no effort given: the model's default).
  if (req.reasoning_effort == "minimal") {
    o["effort"] = "low";
  } else if (!req.reasoning_effort.empty() && req.reasoning_effort != "none") {
    o["effort"] = req.reasoning_effort;
  }
  if (req.json_schema) {
    if (const js::value* schema = member(*req.json_schema, "schema")) {
      o["format"] = js::object{{"type", "json_schema"}, {"schema", *schema}};
    }
  }
  return o;
}

// Adds the extensions: absent keys are copied; where both are objects, missing members are filled in.
void mergeExtensions(const js::object& extensions, js::object& body) {
  for (const auto& kv : extensions) {
    js::value* cur = body.if_contains(kv.key());
    if (cur == nullptr) {
      body[kv.key()] = kv.value();
    } else if (cur->is_object() && kv.value().is_object()) {
      auto& target = cur->get_object();
      for (const auto& inner : kv.value().get_object()) {
        if (!target.contains(inner.key())) {
          target[inner.key()] = inner.value();
        }
      }
    }
  }
}

} // namespace

js::object requestFromIr(const ir::Request& req) {
  js::object body;
  body["model"] = req.model;
  body["max_tokens"] = req.max_tokens.value_or(kDefaultMaxTokens);
  if (js::array system = renderSystem(req); !system.empty()) {
    body["system"] = std::move(system);
  }
  body["messages"] = renderMessages(req);
  if (!req.tools.empty()) {
    js::array tools;
    tools.reserve(req.tools.size());
    for (const auto& t : req.tools) {
      tools.emplace_back(renderTool(t));
    }
    body["tools"] = std::move(tools);
  }
  bool no_parallel = req.parallel_tool_calls == false && !req.tools.empty();
  if (req.tool_choice.kind != ir::ToolChoice::Kind::Unspecified || no_parallel) {
    body["tool_choice"] = renderToolChoice(req);
  }
  if (req.temperature) {
    body["temperature"] = *req.temperature;
  }
  if (req.top_p) {
    body["top_p"] = *req.top_p;
  }
  if (req.top_k) {
    body["top_k"] = *req.top_k;
  }
  if (!req.stop_sequences.empty()) {
    js::array stops;
    for (const auto& s : req.stop_sequences) {
      stops.emplace_back(js::string_view(s));
    }
    body["stop_sequences"] = std::move(stops);
  }
  if (req.stream) {
    body["stream"] = true;
  }
  if (js::object th = renderThinking(req.thinking); !th.empty()) {
    body["thinking"] = std::move(th);
  }
  if (js::object oc = renderOutputConfig(req); !oc.empty()) {
    body["output_config"] = std::move(oc);
  }
  if (!req.user.empty()) {
    body["metadata"] = js::object{{"user_id", req.user}};
  }
  mergeExtensions(req.extensions, body);
  return body;
}

} // namespace hd::translate::anthropic
