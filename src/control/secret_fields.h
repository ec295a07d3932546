#pragma once
// Which fields of a stored entity are secrets: sealed at rest when an encryption key is set, and
// redacted in every API response.

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <functional>
#include <string_view>

namespace hd::control {

// Calls `f` for every secret string field of an entity body of `kind` ("key", "provider", ...).
void forEachSecret(std::string_view kind, boost::json::object& body,
                   const std::function<void(boost::json::string&)>& f);

// True for the fields forEachSecret visits (`path` like "value" or "azure_key_config.client_secret").
bool isSecretPath(std::string_view kind, std::string_view path);

} // namespace hd::control
