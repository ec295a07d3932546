#include "mcp/jsonrpc.h"

#include <fmt/format.h>

#include "core/json_util.h"

namespace hd::mcp::rpc {

namespace {

bool validId(const js::value& v) {
  return v.is_string() || v.is_int64() || v.is_uint64();
}

} // namespace

Result<Message> fromValue(const js::value& v) {
  if (!v.is_object()) {
    return Error::invalidRequest("a JSON-RPC message must be an object");
  }
  const auto& o = v.get_object();
  auto version = json::getString(o, "jsonrpc");
  if (!version || *version != "2.0") {
    return Error::invalidRequest("\"jsonrpc\" must be \"2.0\"");
  }
  Message m;
  const auto* id = o.if_contains("id");
  if (id != nullptr && !id->is_null() && !validId(*id)) {
    return Error::invalidRequest("\"id\" must be a string or an integer");
  }
  if (const auto* method = o.if_contains("method")) {
    if (!method->is_string() || method->get_string().empty()) {
      return Error::invalidRequest("\"method\" must be a non-empty string");
    }
    m.method = std::string(method->get_string());
    if (const auto* p = o.if_contains("params"); p != nullptr && !p->is_null()) {
      if (!p->is_object() && !p->is_array()) {
        return Error::invalidRequest("\"params\" must be an object or an array");
      }
      m.params = *p;
    }
    if (id != nullptr && !id->is_null()) {
      m.kind = Kind::Request;
      m.id = *id;
    } else if (id != nullptr) {
      return Error::invalidRequest("a request's \"id\" must not be null");
    } else {
      m.kind = Kind::Notification;
    }
    return m;
  }
  const auto* result = o.if_contains("result");
  const auto* error = o.if_contains("error");
  if (result != nullptr && error != nullptr) {
    return Error::invalidRequest("a response has either \"result\" or \"error\", not both");
  }
  if (result != nullptr) {
    if (id == nullptr || id->is_null()) {
      return Error::invalidRequest("a result needs an \"id\"");
    }
    m.kind = Kind::Result;
    m.id = *id;
    m.result = *result;
    return m;
  }
  if (error != nullptr) {
    if (!error->is_object()) {
      return Error::invalidRequest("\"error\" must be an object");
    }
    const auto& eo = error->get_object();
    const auto* code = eo.if_contains("code");
    auto c = code != nullptr ? json::asInt(*code) : std::nullopt;
    if (!c || *c < INT32_MIN || *c > INT32_MAX) {
      return Error::invalidRequest("\"error.code\" must be an integer");
    }
    m.kind = Kind::Error;
    m.id = id != nullptr ? *id : js::value(nullptr);
    m.error_code = static_cast<int>(*c);
    m.error_message = std::string(json::getString(eo, "message").value_or(""));
    if (const auto* d = eo.if_contains("data")) {
      m.error_data = *d;
    }
    return m;
  }
  return Error::invalidRequest("a JSON-RPC message needs \"method\", \"result\" or \"error\"");
}

Result<Parsed> parse(std::string_view text) {
  auto v = json::parse(text);
  if (!v) {
    return v.error();
  }
  Parsed out;
  if (v->is_array()) {
    out.batch = true;
    const auto& a = v->get_array();
    if (a.empty()) {
      return Error::invalidRequest("an empty batch is not a valid JSON-RPC message");
    }
    if (a.size() > 1000) {
      return Error::invalidRequest("a batch may hold at most 1000 messages");
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      auto m = fromValue(a[i]);
      if (!m) {
        return Error::invalidRequest(fmt::format("batch item {}: {}", i, m.error().message));
      }
      out.messages.push_back(std::move(m.value()));
    }
    return out;
  }
  auto m = fromValue(*v);
  if (!m) {
    return m.error();
  }
  out.messages.push_back(std::move(m.value()));
  return out;
}

js::object resultMessage(const js::value& id, js::value result) {
  js::object o;
  o["jsonrpc"] = "2.0";
  o["id"] = id;
  o["result"] = std::move(result);
  return o;
}

js::object errorMessage(const js::value& id, int code, std::string_view message, const js::value& data) {
  js::object e;
  e["code"] = code;
  e["message"] = message;
  if (!data.is_null()) {
    e["data"] = data;
  }
  js::object o;
  o["jsonrpc"] = "2.0";
  o["id"] = id;
  o["error"] = std::move(e);
  return o;
}

js::object requestMessage(const js::value& id, std::string_view method, js::value params) {
  js::object o;
  o["jsonrpc"] = "2.0";
  o["id"] = id;
  o["method"] = method;
  if (!params.is_null()) {
    o["params"] = std::move(params);
  }
  return o;
}

js::object notificationMessage(std::string_view method, js::value params) {
  js::object o;
  o["jsonrpc"] = "2.0";
  o["method"] = method;
  if (!params.is_null()) {
    o["params"] = std::move(params);
  }
  return o;
}

std::string idKey(const js::value& id) {
  if (id.is_string()) {
    return "s:" + std::string(id.get_string());
  }
  if (id.is_int64()) {
    return "n:" + std::to_string(id.get_int64());
  }
  if (id.is_uint64()) {
    return "n:" + std::to_string(id.get_uint64());
  }
  return "null";
}

} // namespace hd::mcp::rpc
