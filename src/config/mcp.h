#pragma once
// MCP gateway configuration (config.json `mcp`, Bifrost's shape): the upstream MCP servers the gateway
// connects to (`client_configs[]`) and the gateway's own settings. The runtime lives in src/mcp/.

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace hd::config {

// A tool allow-list: ["*"] = every tool, [] or omitted = none, otherwise exact tool names.
struct ToolList {
  bool all = false;
  std::vector<std::string> names;
  bool allows(std::string_view tool) const;
};

enum class McpConnection { Stdio, Http, Sse };

struct McpClientConfig {
  std::string client_id; // defaults to the name
  std::string name;      // tools are exposed as <name>-<tool>
  McpConnection connection_type = McpConnection::Stdio;
  std::string connection_string; // http / sse: the server's URL
  std::string command;           // stdio
  std::vector<std::string> args;
  std::vector<std::string> envs;                            // names of environment variables passed to the child
  std::vector<std::pair<std::string, std::string>> headers; // http / sse; values may be secrets
  ToolList tools_to_execute;
  ToolList tools_to_auto_execute;
  bool is_ping_available = true;
  std::chrono::milliseconds tool_sync_interval{0}; // 0 = the gateway-wide interval
};

struct McpSettings {
  std::vector<McpClientConfig> clients;
  std::chrono::milliseconds tool_execution_timeout{30'000};  // per upstream request
  std::chrono::milliseconds tool_sync_interval{600'000};     // periodic tools/list re-sync
  std::chrono::milliseconds session_idle_timeout{1'800'000}; // /mcp sessions unused this long expire

  const McpClientConfig* find(std::string_view name) const;
};

std::string_view toString(McpConnection c);

} // namespace hd::config
