#pragma once
// Claude Code's settings.json: merging the gateway's `env` block into the user's file (pure), and the
// JSON pretty printer used for the files `heimdall launch` writes.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace hd::cli {

// The seed article's env block for Claude Code: ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN and the
// ANTHROPIC_DEFAULT_{HAIKU,SONNET,OPUS}_MODEL pins (the token is omitted when `key` is empty).
std::vector<std::pair<std::string, std::string>> claudeSettingsEnv(const std::string& base_url, const std::string& key,
                                                                   const std::string& model);

// Returns `existing` (a settings.json text; empty means no file) with `env` merged into its "env" object:
// every other setting and env variable is kept, ANTHROPIC_MODEL is removed (it would override the pins).
// An error when `existing` is not a JSON object or its "env" is not an object; `file` names it.
Result<std::string> mergeClaudeSettings(std::string_view existing,
                                        const std::vector<std::pair<std::string, std::string>>& env,
                                        std::string_view file);

// Two-space indented JSON with a trailing newline; object key order is kept.
std::string prettyJson(const boost::json::value& v);

} // namespace hd::cli
