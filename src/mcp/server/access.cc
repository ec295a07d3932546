#include "mcp/server/access.h"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace hd::mcp::server {

namespace js = boost::json;

namespace {

std::vector<std::string> splitList(std::string_view v) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= v.size()) {
    auto end = v.find(',', start);
    if (end == std::string_view::npos) {
      end = v.size();
    }
    auto item = v.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) {
      item.remove_prefix(1);
    }
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) {
      item.remove_suffix(1);
    }
    if (!item.empty()) {
      out.emplace_back(item);
    }
    start = end + 1;
  }
  return out;
}

// The key's mcp_configs entry for the client: matched on mcp_client_name / client_name / name, or on
// mcp_client_id / client_id against the client's id.
const js::object* vkEntry(const config::VirtualKey& vk, const config::McpClientConfig& client) {
  if (!vk.mcp_configs.is_array()) {
    return nullptr;
  }
  for (const auto& e : vk.mcp_configs.get_array()) {
    if (!e.is_object()) {
      continue;
    }
    const auto& o = e.get_object();
    for (const char* k : {"mcp_client_name", "client_name", "name"}) {
      if (const auto* v = o.if_contains(k); v != nullptr && v->is_string() && v->get_string() == client.name) {
        return &o;
      }
    }
    for (const char* k : {"mcp_client_id", "client_id"}) {
      if (const auto* v = o.if_contains(k)) {
        std::string id = v->is_string() ? std::string(v->get_string()) : js::serialize(*v);
        if (id == client.client_id) {
          return &o;
        }
      }
    }
  }
  return nullptr;
}

// ["*"] all, [] none, names: the tool's own name or its prefixed name.
bool listAllows(const js::value* list, const config::McpClientConfig& client, std::string_view tool) {
  if (list == nullptr || !list->is_array()) {
    return false;
  }
  std::string prefixed = client.name + "-" + std::string(tool);
  for (const auto& t : list->get_array()) {
    if (t.is_string() && (t.get_string() == "*" || t.get_string() == tool || t.get_string() == prefixed)) {
      return true;
    }
  }
  return false;
}

bool vkListsAnything(const js::object& entry) {
  const auto* list = entry.if_contains("tools_to_execute");
  return list != nullptr && list->is_array() && !list->get_array().empty();
}

} // namespace

Access Access::make(const config::VirtualKey* vk, std::optional<std::string_view> clients_header,
                    std::optional<std::string_view> tools_header) {
  Access a;
  a.vk = vk;
  if (clients_header) {
    a.include_clients = splitList(*clients_header);
  }
  if (tools_header) {
    a.include_tools = splitList(*tools_header);
  }
  return a;
}

bool Access::allowsClient(const config::McpClientConfig& client) const {
  if (include_clients) {
    bool found = false;
    for (const auto& c : *include_clients) {
      found = found || c == "*" || c == client.name;
    }
    if (!found) {
      return false;
    }
  }
  if (vk != nullptr) {
    const auto* entry = vkEntry(*vk, client);
    return entry != nullptr && vkListsAnything(*entry);
  }
  return true;
}

std::string Access::denial(const config::McpClientConfig& client, std::string_view tool) const {
  if (!client.tools_to_execute.allows(tool)) {
    return fmt::format("tool \"{}\" of MCP client \"{}\" is not in the client's tools_to_execute", tool, client.name);
  }
  if (vk != nullptr) {
    const auto* entry = vkEntry(*vk, client);
    if (entry == nullptr || !listAllows(entry->if_contains("tools_to_execute"), client, tool)) {
      return fmt::format("virtual key \"{}\" may not use tool \"{}\" of MCP client \"{}\"", vk->name, tool,
                         client.name);
    }
  }
  if (include_clients) {
    bool found = false;
    for (const auto& c : *include_clients) {
      found = found || c == "*" || c == client.name;
    }
    if (!found) {
      return fmt::format("MCP client \"{}\" is not in x-bf-mcp-include-clients", client.name);
    }
  }
  if (include_tools) {
    std::string prefixed = client.name + "-" + std::string(tool);
    bool found = false;
    for (const auto& t : *include_tools) {
      found = found || t == "*" || t == prefixed || t == client.name + "-*";
    }
    if (!found) {
      return fmt::format("tool \"{}\" is not in x-bf-mcp-include-tools", prefixed);
    }
  }
  return "";
}

bool Access::allowsTool(const config::McpClientConfig& client, std::string_view tool) const {
  return denial(client, tool).empty();
}

} // namespace hd::mcp::server
