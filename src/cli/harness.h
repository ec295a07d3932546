#pragma once
// The coding agents ("harnesses") `heimdall launch` can start, and how each one is wired to the gateway:
// the environment, arguments and generated files for a choice of base URL, virtual key and model. Pure code.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hd::cli {

enum class HarnessId { ClaudeCode, Codex, Gemini, Opencode };

struct HarnessInfo {
  HarnessId id;
  std::string_view key;         // the --harness value: claude, codex, gemini, opencode
  std::string_view name;        // shown to the user
  std::string_view binary;      // looked up on PATH
  std::string_view npm_package; // offered for `npm install -g`
};

// Every harness, in the order they are offered.
const std::vector<HarnessInfo>& harnesses();
const HarnessInfo& harnessInfo(HarnessId id);
// By --harness value (also accepts "claude-code", "gemini-cli"); nullptr when unknown.
const HarnessInfo* findHarness(std::string_view key);

// Sent as the token when the user has no virtual key: the agents refuse to start without one, and the
// gateway does not check it until virtual keys exist.
inline constexpr std::string_view kNoKeyPlaceholder = "heimdall-no-key";

struct Choice {
  std::string base_url; // without a trailing slash
  std::string key;      // virtual key, may be empty
  HarnessId harness = HarnessId::ClaudeCode;
  std::string model;
  std::vector<std::string> extra_args; // appended to the agent's command line
};

// A file the launcher writes before starting the agent (never holds the key).
struct GeneratedFile {
  std::string path;
  std::string content;
};

struct LaunchSpec {
  std::vector<std::string> argv;                        // argv[0] is the binary name (looked up on PATH)
  std::vector<std::pair<std::string, std::string>> env; // set on top of the inherited environment
  std::optional<GeneratedFile> file;
};

// `config_dir` is where generated files go (~/.config/heimdall).
LaunchSpec buildLaunch(const Choice& choice, const std::string& config_dir);

// "http://host:8080/" -> "http://host:8080".
std::string normalizeBaseUrl(std::string_view url);
// Checks the shape of a base URL ("http(s)://host[:port][/path]"); an error message naming the problem.
std::optional<std::string> baseUrlProblem(std::string_view url);

// `export NAME='value'` lines (POSIX shell quoting) and a comment with the command, for --print-env.
std::string renderShellEnv(const LaunchSpec& spec);
std::string shellQuote(std::string_view s);

} // namespace hd::cli
