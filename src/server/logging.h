#pragma once
// Process-wide logging to stderr: human-readable text or one JSON object per line.

#include <string>

#include "core/error.h"

namespace hd::server {

enum class LogFormat { Text, Json };

// Returns an error naming the bad value for an unknown level.
Result<bool> setupLogging(const std::string& level, LogFormat format);

} // namespace hd::server
