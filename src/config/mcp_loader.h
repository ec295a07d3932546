#pragma once
// The `mcp` section's parser (used by the config loader).

#include <string>

#include "config/mcp.h"
#include "config/reader.h"

namespace hd::config {

void parseMcp(detail::Reader& r, const boost::json::value& v, const std::string& path, McpSettings& out);

} // namespace hd::config
