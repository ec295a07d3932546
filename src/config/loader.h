#pragma once
// Builds a validated Config from config.json. Every error names the JSON path and what was expected.

#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>

#include "config/config.h"
#include "core/error.h"

namespace hd::config {

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup processEnv();

Result<Config> fromJson(const boost::json::value& root, const EnvLookup& env);
Result<Config> fromText(std::string_view text, const EnvLookup& env);
Result<Config> fromFile(const std::string& path, const EnvLookup& env);

// Providers that can be named as a `provider/` model prefix even when not configured.
bool isKnownProviderName(std::string_view name);

} // namespace hd::config
