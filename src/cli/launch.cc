#include "cli/launch.h"

#include <fmt/format.h>

#include "cli/actions.h"
#include "cli/cli_config.h"
#include "cli/files.h"
#include "cli/flow.h"
#include "cli/gateway_probe.h"
#include "cli/harness.h"
#include "cli/terminal.h"

namespace hd::cli {

namespace {

int fail(const std::string& msg, int code = 1) {
  fmt::print(stderr, "heimdall: error: {}\n", msg);
  return code;
}

int runScripted(const LaunchOptions& opts, const CliConfig& saved) {
  std::string base = normalizeBaseUrl(!opts.base_url.empty()    ? opts.base_url
                                      : !saved.base_url.empty() ? saved.base_url
                                                                : std::string(kDefaultBaseUrl));
  if (auto problem = baseUrlProblem(base)) {
    return fail("--base-url: " + problem->substr(10), 2);
  }
  std::string harness_name = !opts.harness.empty() ? opts.harness : saved.harness;
  if (harness_name.empty()) {
    return fail("--harness is required without the terminal UI (claude, codex, gemini or opencode)", 2);
  }
  const HarnessInfo* harness = findHarness(harness_name);
  if (harness == nullptr) {
    return fail(
        fmt::format("--harness: unknown harness \"{}\" (expected claude, codex, gemini or opencode)", harness_name), 2);
  }
  std::string model = !opts.model.empty() ? opts.model : saved.model;
  if (model.empty()) {
    return fail("--model is required without the terminal UI (e.g. --model azure/claude-sonnet-4-6)", 2);
  }
  KeyChoice key = resolveKey(base);
  Choice choice{base, key.key, harness->id, model, opts.agent_args};

  if (opts.write_settings) {
    auto scope = opts.settings_scope == "project" ? SettingsScope::Project : SettingsScope::User;
    auto r = writeClaudeSettings(scope, base, key.key, model);
    if (!r) {
      return fail(r.error().message);
    }
    fmt::print(stderr, "heimdall: wrote the gateway's env block to {}\n", r.value());
  }
  if (opts.print_env) {
    LaunchSpec spec = buildLaunch(choice, heimdallConfigDir());
    if (spec.file) {
      auto w = writeFileAtomic(spec.file->path, spec.file->content, 0600);
      if (!w) {
        return fail(w.error().message);
      }
    }
    fmt::print("{}", renderShellEnv(spec));
  }
  if (opts.print_env || opts.write_settings) {
    return 0;
  }
  auto health = checkHealth(base);
  if (!health.ok) {
    return fail(health.message);
  }
  (void)saveCliConfig(heimdallConfigDir(), CliConfig{base, std::string(harness->key), model});
  auto run = runAgent(choice, !opts.no_mcp);
  for (const auto& m : run.messages) {
    fmt::print(stderr, "heimdall: {}\n", m);
  }
  return run.exit_code < 0 ? 127 : run.exit_code;
}

} // namespace

int runLaunch(const LaunchOptions& opts) {
  auto saved = loadCliConfig(heimdallConfigDir());
  if (!saved) {
    return fail(saved.error().message);
  }
  if (!opts.base_url.empty()) {
    if (auto problem = baseUrlProblem(normalizeBaseUrl(opts.base_url))) {
      return fail("--base-url: " + problem->substr(10), 2);
    }
  }
  if (!opts.harness.empty() && findHarness(opts.harness) == nullptr) {
    return fail(
        fmt::format("--harness: unknown harness \"{}\" (expected claude, codex, gemini or opencode)", opts.harness), 2);
  }
  if (opts.no_tui || opts.print_env || opts.write_settings) {
    return runScripted(opts, saved.value());
  }
  if (!Terminal::usable()) {
    return fail("heimdall launch needs a terminal; in scripts use --no-tui with --harness and --model", 2);
  }
  return runInteractive(opts, saved.value());
}

} // namespace hd::cli
