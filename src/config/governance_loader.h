#pragma once
// The governance section's parser (used by the config loader).

#include <set>
#include <string>

#include "config/governance.h"
#include "config/reader.h"

namespace hd::config {

// `providers`: the configured provider names (virtual keys may only name those).
void parseGovernance(detail::Reader& r, const boost::json::value& v, const std::string& path, Governance& g,
                     const std::set<std::string>& providers);

} // namespace hd::config
