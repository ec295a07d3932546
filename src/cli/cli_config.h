#pragma once
// The non-secret choices `heimdall launch` remembers between runs, in ~/.config/heimdall/cli.json:
// {"base_url", "harness", "model"}. The virtual key is never stored here (see keyring.h).

#include <string>
#include <string_view>

#include "core/error.h"

namespace hd::cli {

inline constexpr std::string_view kDefaultBaseUrl = "http://localhost:8080";

struct CliConfig {
  std::string base_url; // empty: not chosen yet
  std::string harness;  // a --harness value
  std::string model;
};

// Parses cli.json; unknown fields are ignored, fields of the wrong type are an error naming the field.
Result<CliConfig> parseCliConfig(std::string_view text);
std::string renderCliConfig(const CliConfig& c);

// <dir>/cli.json; a missing file is an empty config.
Result<CliConfig> loadCliConfig(const std::string& dir);
Result<bool> saveCliConfig(const std::string& dir, const CliConfig& c);

} // namespace hd::cli
