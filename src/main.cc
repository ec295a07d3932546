// heimdall: an AI gateway. `heimdall serve` runs the gateway; `heimdall launch` starts a coding agent wired to it.

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fmt/format.h>

#include "cli/launch.h"
#include "server/app.h"

namespace {

const char* envOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Heimdall: an AI gateway for Claude Code and other agents, with Azure, Anthropic and OpenAI "
               "providers"};
  app.set_version_flag("--version", std::string("heimdall ") + HEIMDALL_VERSION);
  app.require_subcommand(1);

  hd::server::ServeOptions opts;
  opts.version = HEIMDALL_VERSION;
  opts.host = envOr("HEIMDALL_HOST", "127.0.0.1");
  std::string port_env = envOr("HEIMDALL_PORT", "8080");
  int port = 8080;
  try {
    port = std::stoi(port_env);
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    fmt::print(stderr, "heimdall: error: HEIMDALL_PORT: \"{}\" is not a port number\n", port_env);
    return 2;
  }
  std::string log_format = "text";

  auto* serve = app.add_subcommand("serve", "Run the gateway");
  serve->add_option("--host", opts.host, "Address to listen on (env HEIMDALL_HOST)")->capture_default_str();
  serve->add_option("--port", port, "Port to listen on; 0 picks a free port (env HEIMDALL_PORT)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--app-dir", opts.app_dir, "Directory for config.json and data (default ~/.config/heimdall)");
  serve->add_option("--config", opts.config_file, "Configuration file (overrides <app-dir>/config.json)");
  serve->add_option("--log-level", opts.log_level, "trace, debug, info, warn, error or off")->capture_default_str();
  serve->add_option("--log-format", log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  serve->add_option("--workers", opts.workers, "Worker threads (default: one per core)");
  serve
      ->add_option("--drain-timeout", opts.drain_timeout_seconds, "Seconds to let in-flight requests finish on SIGTERM")
      ->capture_default_str();

  hd::cli::LaunchOptions launch_opts;
  auto* launch =
      app.add_subcommand("launch", "Start Claude Code, Codex CLI, Gemini CLI or Opencode wired to the gateway");
  launch->add_option("--base-url", launch_opts.base_url,
                     "Gateway URL (default: last used, else http://localhost:8080)");
  launch->add_option("--harness", launch_opts.harness, "claude, codex, gemini or opencode");
  launch->add_option("--model", launch_opts.model, "Model, e.g. azure/claude-sonnet-4-6");
  launch->add_flag("--print-env", launch_opts.print_env, "Print the agent's environment as shell exports and exit");
  launch->add_flag("--write-settings", launch_opts.write_settings,
                   "Merge the env block into Claude Code's settings.json and exit");
  launch->add_option("--settings-scope", launch_opts.settings_scope, "user (~/.claude) or project (./.claude)")
      ->check(CLI::IsMember({"user", "project"}))
      ->capture_default_str();
  launch->add_flag("--no-tui", launch_opts.no_tui, "No terminal UI: launch with the given (or last) choices");
  launch->add_flag("--no-mcp", launch_opts.no_mcp, "Do not attach the gateway's MCP endpoint to Claude Code");
  launch->add_option("agent_args", launch_opts.agent_args, "Arguments for the agent, after --");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "heimdall: error: {} (see heimdall --help)\n", e.what());
    return 2;
  }
  if (serve->parsed()) {
    opts.port = static_cast<unsigned short>(port);
    opts.log_format = log_format == "json" ? hd::server::LogFormat::Json : hd::server::LogFormat::Text;
    return hd::server::serve(opts);
  }
  if (launch->parsed()) {
    return hd::cli::runLaunch(launch_opts);
  }
  return 0;
}
