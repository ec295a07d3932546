#include "cli/actions.h"

#include <cstdlib>
#include <fmt/format.h>

#include "cli/files.h"
#include "cli/foreground.h"
#include "cli/keyring.h"
#include "cli/mcp.h"
#include "cli/settings_merge.h"

namespace hd::cli {

KeyChoice resolveKey(const std::string& base_url) {
  KeyChoice out;
  if (const char* vk = std::getenv("HEIMDALL_VK"); vk != nullptr && *vk != '\0') {
    out.key = vk;
    out.source = KeySource::Env;
    return out;
  }
  std::string why;
  if (!Keyring::available(&why)) {
    out.note = "No OS keyring: " + why;
    return out;
  }
  auto stored = Keyring::load(base_url);
  if (!stored) {
    out.note = stored.error().message;
    return out;
  }
  if (stored->has_value()) {
    out.key = **stored;
    out.source = KeySource::Keyring;
  }
  return out;
}

std::string claudeSettingsPath(SettingsScope scope) {
  if (scope == SettingsScope::Project) {
    return ".claude/settings.json";
  }
  const char* dir = std::getenv("CLAUDE_CONFIG_DIR");
  if (dir != nullptr && *dir != '\0') {
    return std::string(dir) + "/settings.json";
  }
  return homeDir() + "/.claude/settings.json";
}

Result<std::string> writeClaudeSettings(SettingsScope scope, const std::string& base_url, const std::string& key,
                                        const std::string& model) {
  std::string path = claudeSettingsPath(scope);
  auto existing = readFileIfExists(path);
  if (!existing) {
    return existing.error();
  }
  auto merged = mergeClaudeSettings(existing->value_or(""), claudeSettingsEnv(base_url, key, model), path);
  if (!merged) {
    return merged.error();
  }
  auto w = writeFileAtomic(path, merged.value(), 0600);
  if (!w) {
    return w.error();
  }
  return path;
}

AgentRun runAgent(const Choice& choice, bool mcp) {
  AgentRun out;
  LaunchSpec spec = buildLaunch(choice, heimdallConfigDir());
  if (spec.file) {
    auto w = writeFileAtomic(spec.file->path, spec.file->content, 0600);
    if (!w) {
      out.messages.push_back(w.error().message);
      return out;
    }
  }
  if (mcp && choice.harness == HarnessId::ClaudeCode) {
    auto m = attachMcp(choice.base_url, choice.key, spec.env);
    out.messages.push_back(m.message);
  }
  auto r = runInForeground(spec.argv, spec.env);
  if (!r.error.empty()) {
    out.messages.push_back(r.error);
  }
  out.exit_code = r.exit_code;
  return out;
}

} // namespace hd::cli
