#include "cli/harness.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cli/settings_merge.h"

namespace hd::cli {

namespace js = boost::json;

const std::vector<HarnessInfo>& harnesses() {
  static const std::vector<HarnessInfo> all = {
      {HarnessId::ClaudeCode, "claude", "Claude Code", "claude", "@anthropic-ai/claude-code"},
      {HarnessId::Codex, "codex", "Codex CLI", "codex", "@openai/codex"},
      {HarnessId::Gemini, "gemini", "Gemini CLI", "gemini", "@google/gemini-cli"},
      {HarnessId::Opencode, "opencode", "Opencode", "opencode", "opencode-ai"},
  };
  return all;
}

const HarnessInfo& harnessInfo(HarnessId id) {
  for (const auto& h : harnesses()) {
    if (h.id == id) {
      return h;
    }
  }
  return harnesses().front();
}

const HarnessInfo* findHarness(std::string_view key) {
  if (key == "claude-code") {
    key = "claude";
  } else if (key == "gemini-cli") {
    key = "gemini";
  } else if (key == "codex-cli") {
    key = "codex";
  }
  for (const auto& h : harnesses()) {
    if (h.key == key) {
      return &h;
    }
  }
  return nullptr;
}

std::string normalizeBaseUrl(std::string_view url) {
  while (!url.empty() && (url.back() == '/' || url.back() == ' ')) {
    url.remove_suffix(1);
  }
  while (!url.empty() && url.front() == ' ') {
    url.remove_prefix(1);
  }
  return std::string(url);
}

std::optional<std::string> baseUrlProblem(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return fmt::format("base URL: \"{}\" must start with http:// or https://", url);
  }
  auto host = rest.substr(0, rest.find('/'));
  if (host.empty()) {
    return fmt::format("base URL: \"{}\" has no host", url);
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#') {
      return fmt::format("base URL: \"{}\" must not contain spaces, a query or a fragment", url);
    }
  }
  return std::nullopt;
}

namespace {

std::string opencodeConfig(const Choice& c) {
  // Opencode reads the key from the environment ({env:...} substitution), so the file holds no secret.
  js::object model;
  model["name"] = c.model;
  js::object models;
  models[c.model] = std::move(model);
  js::object options;
  options["baseURL"] = c.base_url + "/v1";
  options["apiKey"] = "{env:OPENAI_API_KEY}";
  js::object provider;
  provider["npm"] = "@ai-sdk/openai-compatible";
  provider["name"] = "Heimdall";
  provider["options"] = std::move(options);
  provider["models"] = std::move(models);
  js::object providers;
  providers["heimdall"] = std::move(provider);
  js::object root;
  root["$schema"] = "https://opencode.ai/config.json";
  root["provider"] = std::move(providers);
  root["model"] = "heimdall/" + c.model;
  return prettyJson(root);
}

} // namespace

LaunchSpec buildLaunch(const Choice& c, const std::string& config_dir) {
  LaunchSpec s;
  const std::string key = c.key.empty() ? std::string(kNoKeyPlaceholder) : c.key;
  const auto& info = harnessInfo(c.harness);
  s.argv.emplace_back(info.binary);
  switch (c.harness) {
  case HarnessId::ClaudeCode:
    s.env = {{"ANTHROPIC_BASE_URL", c.base_url + "/anthropic"},
             {"ANTHROPIC_AUTH_TOKEN", key},
             {"ANTHROPIC_DEFAULT_SONNET_MODEL", c.model},
             {"ANTHROPIC_DEFAULT_OPUS_MODEL", c.model},
             {"ANTHROPIC_DEFAULT_HAIKU_MODEL", c.model}};
    s.argv.insert(s.argv.end(), {"--model", c.model});
    break;
  case HarnessId::Codex:
    s.env = {{"OPENAI_BASE_URL", c.base_url + "/v1"}, {"OPENAI_API_KEY", key}, {"OPENAI_MODEL", c.model}};
    s.argv.insert(s.argv.end(), {"--model", c.model});
    break;
  case HarnessId::Gemini:
    s.env = {{"GOOGLE_GEMINI_BASE_URL", c.base_url + "/genai"}, {"GEMINI_API_KEY", key}, {"GEMINI_MODEL", c.model}};
    s.argv.insert(s.argv.end(), {"--model", c.model});
    break;
  case HarnessId::Opencode: {
    GeneratedFile f{config_dir + "/opencode.json", opencodeConfig(c)};
    s.env = {{"OPENAI_BASE_URL", c.base_url + "/v1"}, {"OPENAI_API_KEY", key}, {"OPENCODE_CONFIG", f.path}};
    s.file = std::move(f);
    break;
  }
  }
  s.env.emplace_back("HEIMDALL_BASE_URL", c.base_url);
  s.env.emplace_back("HEIMDALL_MODEL", c.model);
  s.env.emplace_back("HEIMDALL_SESSION", "1");
  s.argv.insert(s.argv.end(), c.extra_args.begin(), c.extra_args.end());
  return s;
}

std::string shellQuote(std::string_view s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  out += '\'';
  return out;
}

std::string renderShellEnv(const LaunchSpec& spec) {
  std::string out;
  for (const auto& [k, v] : spec.env) {
    out += fmt::format("export {}={}\n", k, shellQuote(v));
  }
  std::string cmd;
  for (const auto& a : spec.argv) {
    cmd += (cmd.empty() ? "" : " ") + shellQuote(a);
  }
  out += "# command: " + cmd + "\n";
  return out;
}

} // namespace hd::cli
