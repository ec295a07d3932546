#include "translate/anthropic/response.h"

#include "core/json_util.h"
#include "translate/anthropic/blocks.h"
#include "translate/anthropic/util.h"

namespace hd::translate::anthropic {

namespace js = boost::json;
using detail::element;
using detail::member;
using detail::Reader;

namespace {

bool parseContent(Reader& r, const js::value& v, std::vector<ir::Block>& out) {
  const js::array* arr = r.array(v, "content");
  if (arr == nullptr) {
    return false;
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const js::value& item = (*arr)[i];
    if (item.is_object()) {
      const js::value* type = member(item.get_object(), "type");
      if (type != nullptr && type->is_string()) {
        auto bt = detail::blockTypeFromWire(type->get_string());
        if (!bt || *bt == ir::BlockType::Image || *bt == ir::BlockType::Document || *bt == ir::BlockType::ToolResult) {
          continue; // server tool blocks and the like: no IR form
        }
      }
    }
    ir::Block b;
    if (!detail::parseBlock(r, item, element("content", i), detail::kResponseBlocks, b)) {
      return false;
    }
    out.push_back(std::move(b));
  }
  return true;
}

// Error-object bodies: {"type":"error","error":{"type":..., "message":...}}.
std::optional<Error> errorBody(const js::object& o) {
  const js::value* type = member(o, "type");
  if (type == nullptr || !type->is_string() || type->get_string() != "error") {
    return std::nullopt;
  }
  std::string etype = "api_error";
  std::string message = "upstream error";
  if (const js::value* e = member(o, "error"); e != nullptr && e->is_object()) {
    if (auto t = json::getString(e->get_object(), "type")) {
      etype = *t;
    }
    if (auto m = json::getString(e->get_object(), "message")) {
      message = *m;
    }
  }
  return errorFromType(etype, std::move(message));
}

} // namespace

Error errorFromType(std::string_view type, std::string message) {
  return errorFromAnthropicType(type, std::move(message), ErrorKind::Api);
}

Result<ir::Response> responseToIr(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) {
    return Error::badGateway("anthropic response: " + doc.error().message);
  }
  if (!doc->is_object()) {
    return Error::badGateway("anthropic response: expected a JSON object");
  }
  const js::object& o = doc->get_object();
  if (auto err = errorBody(o)) {
    return *err;
  }
  Reader r(true);
  ir::Response resp;
  std::string type;
  if (!r.string(o, "type", "", type)) {
    return r.error();
  }
  if (!type.empty() && type != "message") {
    r.fail("type", R"(expected "message")");
    return r.error();
  }
  if (!r.string(o, "id", "", resp.id, true) || !r.string(o, "model", "", resp.model) ||
      !r.string(o, "stop_reason", "", resp.stop_reason) || !r.string(o, "stop_sequence", "", resp.stop_sequence)) {
    return r.error();
  }
  const js::value* content = member(o, "content");
  if (content == nullptr) {
    r.fail("content", "field required");
    return r.error();
  }
  if (!parseContent(r, *content, resp.content)) {
    return r.error();
  }
  if (const js::value* u = member(o, "usage")) {
    const js::object* uo = r.object(*u, "usage");
    if (uo == nullptr) {
      return r.error();
    }
    resp.usage = detail::usageFromJson(*uo);
  }
  return resp;
}

std::string responseFromIr(const ir::Response& resp) {
  js::object o;
  o["id"] = resp.id.empty() ? detail::randomId("msg_") : resp.id;
  o["type"] = "message";
  o["role"] = "assistant";
  o["model"] = resp.model;
  js::array content;
  for (const auto& b : resp.content) {
    switch (b.type) {
    case ir::BlockType::Text:
    case ir::BlockType::ToolUse:
    case ir::BlockType::Thinking:
    case ir::BlockType::RedactedThinking:
      content.emplace_back(detail::renderBlock(b));
      break;
    default:
      break;
    }
  }
  o["content"] = std::move(content);
  o["stop_reason"] = resp.stop_reason.empty() ? js::value(nullptr) : js::value(resp.stop_reason);
  o["stop_sequence"] = resp.stop_sequence.empty() ? js::value(nullptr) : js::value(resp.stop_sequence);
  o["usage"] = detail::usageToJson(resp.usage);
  return js::serialize(o);
}

} // namespace hd::translate::anthropic
