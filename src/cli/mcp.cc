#include "cli/mcp.h"

#include <fmt/format.h>
#include <sstream>

namespace hd::cli {

namespace {

constexpr std::chrono::seconds kTimeout{30};

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

} // namespace

bool mcpConfigMatches(const std::string& get_output, const std::string& url, const std::string& key) {
  bool url_ok = false;
  bool has_auth = false;
  bool auth_ok = false;
  std::istringstream in(get_output);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line == "URL: " + url) {
      url_ok = true;
    } else if (line.rfind("Authorization:", 0) == 0) {
      has_auth = true;
      auth_ok = trim(line.substr(14)) == "Bearer " + key;
    }
  }
  return url_ok && (key.empty() ? !has_auth : auth_ok);
}

McpOutcome attachMcp(const std::string& base_url, const std::string& key, const EnvOverrides& env) {
  McpOutcome out;
  const std::string url = base_url + "/mcp";
  auto got = runCapture({"claude", "mcp", "get", kMcpServerName}, env, kTimeout);
  if (got.exit_code == 0 && mcpConfigMatches(got.output, url, key)) {
    out.ok = true;
    out.message = fmt::format("MCP server \"{}\" already attached ({})", kMcpServerName, url);
    return out;
  }
  if (got.exit_code == 0) {
    // Attached with another URL or key: replace it (in whichever scope `get` found, user scope first).
    auto rm = runCapture({"claude", "mcp", "remove", kMcpServerName, "-s", "user"}, env, kTimeout);
    if (rm.exit_code != 0) {
      runCapture({"claude", "mcp", "remove", kMcpServerName}, env, kTimeout);
    }
  }
  std::vector<std::string> argv = {"claude", "mcp", "add", "--transport", "http", "-s", "user", kMcpServerName, url};
  if (!key.empty()) {
    argv.emplace_back("--header");
    argv.push_back("Authorization: Bearer " + key);
  }
  auto add = runCapture(argv, env, kTimeout);
  if (add.exit_code != 0) {
    std::string detail = add.timed_out ? "timed out" : trim(add.output.substr(0, add.output.find('\n')));
    if (!key.empty()) {
      for (auto p = detail.find(key); p != std::string::npos; p = detail.find(key)) {
        detail.replace(p, key.size(), "[key]");
      }
    }
    out.message = fmt::format("could not attach the MCP server: claude mcp add failed ({})", detail);
    return out;
  }
  out.ok = true;
  out.changed = true;
  out.message = fmt::format("MCP server \"{}\" attached ({})", kMcpServerName, url);
  return out;
}

} // namespace hd::cli
