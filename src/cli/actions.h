#pragma once
// What `heimdall launch` does once the choices are made, shared by the interactive flow and the scriptable
// mode: find the virtual key, write Claude Code's settings.json, start the agent.

#include <string>
#include <vector>

#include "cli/harness.h"
#include "core/error.h"

namespace hd::cli {

enum class KeySource { None, Env, Keyring, Typed };

struct KeyChoice {
  std::string key;
  KeySource source = KeySource::None;
  std::string note; // e.g. why the keyring could not be read
};

// HEIMDALL_VK if set, else the keyring's key for `base_url`, else none.
KeyChoice resolveKey(const std::string& base_url);

enum class SettingsScope { User, Project };

// ~/.claude/settings.json (or $CLAUDE_CONFIG_DIR/settings.json) for User, ./.claude/settings.json for Project.
std::string claudeSettingsPath(SettingsScope scope);

// Merges the gateway's env block into the settings file (atomic, mode 0600); returns its path.
Result<std::string> writeClaudeSettings(SettingsScope scope, const std::string& base_url, const std::string& key,
                                        const std::string& model);

struct AgentRun {
  int exit_code = -1;
  std::vector<std::string> messages; // MCP wiring, start errors
};

// Writes the harness's generated file, attaches the MCP server to Claude Code (when `mcp`), and runs the
// agent in the foreground of this terminal until it exits.
AgentRun runAgent(const Choice& choice, bool mcp);

} // namespace hd::cli
