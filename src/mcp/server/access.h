#pragma once
// Which upstream tools a caller of the MCP gateway may see and call. A tool must pass every level
// (bifrost-facts §8): the client's `tools_to_execute`, the virtual key's `mcp_configs` (a key without an
// entry for the client gets none of its tools), and the optional request headers
// `x-bf-mcp-include-clients: a,b` and `x-bf-mcp-include-tools: client-tool,client-*`. In every list
// ["*"] allows all and [] denies all; an empty header denies all.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/governance.h"
#include "config/mcp.h"

namespace hd::mcp::server {

struct Access {
  const config::VirtualKey* vk = nullptr;                  // null: no key presented (auth not enforced)
  std::optional<std::vector<std::string>> include_clients; // nullopt: header absent
  std::optional<std::vector<std::string>> include_tools;

  // Header values as sent (nullopt when absent).
  static Access make(const config::VirtualKey* vk, std::optional<std::string_view> clients_header,
                     std::optional<std::string_view> tools_header);

  // May the caller use `tool` of `client` at all?
  bool allowsTool(const config::McpClientConfig& client, std::string_view tool) const;
  // May the caller see the client's resources and prompts (the key and headers admit the client)?
  bool allowsClient(const config::McpClientConfig& client) const;
  // Why a tool is refused (for the error message and the log), "" when it is allowed.
  std::string denial(const config::McpClientConfig& client, std::string_view tool) const;
};

} // namespace hd::mcp::server
