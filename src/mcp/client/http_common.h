#pragma once
// Small helpers shared by the HTTP transports.

#include <string>
#include <string_view>

#include "upstream/client.h"

namespace hd::mcp::client {

// The request target (path and query) of a configured URL.
inline std::string targetOf(std::string_view url, const upstream::Origin& origin) {
  std::string target = origin.base_path.empty() ? "/" : origin.base_path;
  if (auto q = url.find('?'); q != std::string_view::npos) {
    target += std::string(url.substr(q));
  }
  return target;
}

} // namespace hd::mcp::client
