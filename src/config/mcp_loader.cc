#include "config/mcp_loader.h"

#include <set>

namespace hd::config {

namespace js = boost::json;
using detail::checkKnownFields;
using detail::fail;
using detail::Reader;

bool ToolList::allows(std::string_view tool) const {
  if (all) {
    return true;
  }
  for (const auto& n : names) {
    if (n == tool) {
      return true;
    }
  }
  return false;
}

const McpClientConfig* McpSettings::find(std::string_view name) const {
  for (const auto& c : clients) {
    if (c.name == name) {
      return &c;
    }
  }
  return nullptr;
}

std::string_view toString(McpConnection c) {
  switch (c) {
  case McpConnection::Stdio:
    return "stdio";
  case McpConnection::Http:
    return "http";
  case McpConnection::Sse:
    return "sse";
  }
  return "stdio";
}

namespace {

ToolList toolList(Reader& r, const js::value& v, const std::string& path) {
  ToolList list;
  if (v.is_null()) {
    return list;
  }
  std::set<std::string> seen;
  for (auto& name : r.stringArray(v, path)) {
    if (name == "*") {
      list.all = true;
    } else if (name.empty()) {
      fail(path, "tool names must not be empty");
    } else {
      list.names.push_back(name);
    }
    if (!seen.insert(name).second) {
      fail(path, fmt::format("duplicate entry \"{}\"", name));
    }
  }
  if (list.all && !list.names.empty()) {
    fail(path, "\"*\" cannot be combined with other tool names");
  }
  return list;
}

std::chrono::milliseconds seconds(Reader& r, const js::value& v, const std::string& path) {
  double d = r.number(v, path);
  if (!(d > 0) || d > 1e7) {
    fail(path, "expected a positive number of seconds");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(d * 1000));
}

// Bifrost writes durations either as seconds or as Go duration strings ("10m", "30s").
std::chrono::milliseconds duration(Reader& r, const js::value& v, const std::string& path) {
  if (!v.is_string()) {
    return seconds(r, v, path);
  }
  std::string s(v.get_string());
  std::size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) {
    ++i;
  }
  std::string unit = s.substr(i);
  double n = 0;
  try {
    n = i == 0 ? -1 : std::stod(s.substr(0, i));
  } catch (const std::exception&) {
    n = -1;
  }
  double ms = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : -1;
  if (n <= 0 || ms < 0) {
    fail(path, "expected a duration such as \"30s\", \"10m\" or a number of seconds");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(n * ms));
}

McpClientConfig parseClient(Reader& r, const js::value& v, const std::string& path) {
  const auto& o = r.object(v, path);
  checkKnownFields(o, path,
                   {"client_id", "id", "name", "connection_type", "connection_string", "stdio_config", "auth_type",
                    "headers", "oauth_config_id", "tools_to_execute", "tools_to_auto_execute", "is_code_mode_client",
                    "is_ping_available", "tool_sync_interval", "tool_pricing", "state", "tools"});
  McpClientConfig c;
  const auto* name = o.if_contains("name");
  if (name == nullptr) {
    fail(path + ".name", "required");
  }
  c.name = r.string(*name, path + ".name");
  if (c.name.empty() || c.name.size() > 64) {
    fail(path + ".name", "must be 1 to 64 characters");
  }
  for (char ch : c.name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '-' || ch == '.';
    if (!ok) {
      fail(path + ".name", fmt::format("\"{}\" may only contain letters, digits, '_', '-' and '.'", c.name));
    }
  }
  c.client_id = c.name;
  for (const char* k : {"client_id", "id"}) {
    if (const auto* x = o.if_contains(k); x != nullptr && !x->is_null()) {
      c.client_id = r.string(*x, path + "." + k);
    }
  }
  std::string type = "stdio";
  if (const auto* x = o.if_contains("connection_type")) {
    type = r.string(*x, path + ".connection_type");
  }
  if (type == "stdio") {
    c.connection_type = McpConnection::Stdio;
  } else if (type == "http" || type == "streamable_http" || type == "streamableHttp") {
    c.connection_type = McpConnection::Http;
  } else if (type == "sse") {
    c.connection_type = McpConnection::Sse;
  } else {
    fail(path + ".connection_type", fmt::format("\"{}\" is not one of stdio, http, sse", type));
  }
  if (const auto* x = o.if_contains("connection_string"); x != nullptr && !x->is_null()) {
    c.connection_string = r.secret(*x, path + ".connection_string");
  }
  if (c.connection_type != McpConnection::Stdio) {
    if (c.connection_string.rfind("http://", 0) != 0 && c.connection_string.rfind("https://", 0) != 0) {
      fail(path + ".connection_string", "an http:// or https:// URL is required for http and sse clients");
    }
  }
  if (const auto* x = o.if_contains("stdio_config"); x != nullptr && !x->is_null()) {
    std::string sp = path + ".stdio_config";
    const auto& so = r.object(*x, sp);
    checkKnownFields(so, sp, {"command", "args", "envs"});
    if (const auto* y = so.if_contains("command")) {
      c.command = r.string(*y, sp + ".command");
    }
    if (const auto* y = so.if_contains("args"); y != nullptr && !y->is_null()) {
      c.args = r.stringArray(*y, sp + ".args");
    }
    if (const auto* y = so.if_contains("envs"); y != nullptr && !y->is_null()) {
      c.envs = r.stringArray(*y, sp + ".envs");
    }
  }
  if (c.connection_type == McpConnection::Stdio && c.command.empty()) {
    fail(path + ".stdio_config.command", "required for stdio clients");
  }
  if (const auto* x = o.if_contains("headers"); x != nullptr && !x->is_null()) {
    for (const auto& kv : r.object(*x, path + ".headers")) {
      std::string hp = fmt::format("{}.headers.{}", path, std::string_view(kv.key()));
      std::string hname(kv.key());
      if (hname.empty() || hname.find_first_of(" :\r\n") != std::string::npos) {
        fail(hp, "invalid header name");
      }
      std::string value = r.secret(kv.value(), hp);
      if (value.find_first_of("\r\n") != std::string::npos) {
        fail(hp, "header values must not contain line breaks");
      }
      c.headers.emplace_back(hname, std::move(value));
    }
  }
  if (const auto* x = o.if_contains("tools_to_execute")) {
    c.tools_to_execute = toolList(r, *x, path + ".tools_to_execute");
  }
  if (const auto* x = o.if_contains("tools_to_auto_execute")) {
    c.tools_to_auto_execute = toolList(r, *x, path + ".tools_to_auto_execute");
  }
  if (const auto* x = o.if_contains("is_ping_available"); x != nullptr && !x->is_null()) {
    c.is_ping_available = r.boolean(*x, path + ".is_ping_available");
  }
  if (const auto* x = o.if_contains("tool_sync_interval"); x != nullptr && !x->is_null()) {
    c.tool_sync_interval = duration(r, *x, path + ".tool_sync_interval");
  }
  return c;
}

} // namespace

void parseMcp(Reader& r, const js::value& v, const std::string& path, McpSettings& out) {
  const auto& o = r.object(v, path);
  checkKnownFields(
      o, path, {"client_configs", "tool_manager_config", "tool_sync_interval", "session_idle_timeout", "virtual_mcps"});
  if (const auto* x = o.if_contains("tool_manager_config"); x != nullptr && !x->is_null()) {
    std::string tp = path + ".tool_manager_config";
    const auto& to = r.object(*x, tp);
    checkKnownFields(to, tp, {"tool_execution_timeout", "max_agent_depth", "code_mode_binding_level"});
    if (const auto* y = to.if_contains("tool_execution_timeout"); y != nullptr && !y->is_null()) {
      out.tool_execution_timeout = duration(r, *y, tp + ".tool_execution_timeout");
    }
  }
  if (const auto* x = o.if_contains("tool_sync_interval"); x != nullptr && !x->is_null()) {
    out.tool_sync_interval = duration(r, *x, path + ".tool_sync_interval");
  }
  if (const auto* x = o.if_contains("session_idle_timeout"); x != nullptr && !x->is_null()) {
    out.session_idle_timeout = duration(r, *x, path + ".session_idle_timeout");
  }
  if (const auto* x = o.if_contains("client_configs"); x != nullptr && !x->is_null()) {
    if (!x->is_array()) {
      fail(path + ".client_configs", fmt::format("expected an array, got {}", detail::kindName(*x)));
    }
    std::set<std::string> names;
    std::set<std::string> ids;
    std::size_t i = 0;
    for (const auto& e : x->get_array()) {
      std::string ep = fmt::format("{}.client_configs[{}]", path, i++);
      auto c = parseClient(r, e, ep);
      if (!names.insert(c.name).second) {
        fail(ep + ".name", fmt::format("duplicate client name \"{}\"", c.name));
      }
      if (!ids.insert(c.client_id).second) {
        fail(ep + ".client_id", fmt::format("duplicate client id \"{}\"", c.client_id));
      }
      out.clients.push_back(std::move(c));
    }
  }
}

} // namespace hd::config
