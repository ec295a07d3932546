#pragma once
// The interactive `heimdall launch` flow: base URL (checked against /health), virtual key (masked, kept in
// the OS keyring), harness (installed version, or an offer to install it with npm), model (type-to-filter
// list from GET {base}/v1/models, free text allowed), then a summary screen that launches the agent and
// comes back when it exits: Enter relaunches, m/h/v/u change the model, harness, key or URL, s writes
// Claude Code's settings.json, q quits.

#include "cli/cli_config.h"
#include "cli/launch.h"

namespace hd::cli {

int runInteractive(const LaunchOptions& opts, CliConfig saved);

} // namespace hd::cli
