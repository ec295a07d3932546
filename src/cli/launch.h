#pragma once
// `heimdall launch`: start a coding agent (Claude Code, Codex CLI, Gemini CLI, Opencode) already wired to
// the gateway. Interactive on a terminal (flow.h); scriptable with --no-tui / --print-env / --write-settings.

#include <string>
#include <vector>

namespace hd::cli {

struct LaunchOptions {
  std::string base_url; // empty: from cli.json, else http://localhost:8080
  std::string harness;  // a --harness value
  std::string model;
  bool print_env = false;
  bool write_settings = false;
  std::string settings_scope = "user"; // user | project
  bool no_tui = false;
  bool no_mcp = false;
  std::vector<std::string> agent_args; // after `--`
};

// Returns the process exit code (the agent's in --no-tui mode).
int runLaunch(const LaunchOptions& opts);

} // namespace hd::cli
