#pragma once
// Attaches the gateway's MCP endpoint ({base}/mcp) to Claude Code as the user-scope server "heimdall",
// idempotently: `claude mcp get heimdall` first; nothing changes when it already points at the same URL
// with the same key, otherwise it is removed and added again with
// `claude mcp add --transport http -s user heimdall {base}/mcp [--header "Authorization: Bearer <key>"]`.

#include <string>

#include "cli/process.h"

namespace hd::cli {

inline constexpr const char* kMcpServerName = "heimdall";

struct McpOutcome {
  bool ok = false;
  bool changed = false;
  std::string message; // for the user; never contains the key
};

// Whether `claude mcp get heimdall` output describes {url} with the key's header (or no header without one).
bool mcpConfigMatches(const std::string& get_output, const std::string& url, const std::string& key);

McpOutcome attachMcp(const std::string& base_url, const std::string& key, const EnvOverrides& env);

} // namespace hd::cli
