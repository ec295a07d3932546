#pragma once
// Wiring: configuration, routes, server, signals. `heimdall serve` runs one App.

#include <optional>
#include <string>

#include "server/logging.h"

namespace hd::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string app_dir;     // default ~/.config/heimdall
  std::string config_file; // default <app_dir>/config.json when it exists
  std::string log_level = "info";
  LogFormat log_format = LogFormat::Text;
  unsigned workers = 0; // 0 = one per core
  unsigned drain_timeout_seconds = 30;
  std::string version; // reported by GET /api/version
};

// Runs until SIGTERM/SIGINT; returns the process exit code.
int serve(const ServeOptions& opts);

} // namespace hd::server
