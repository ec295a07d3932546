#pragma once
// JSON helpers shared by every layer: bounded parsing and typed field access.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hd::json {

inline constexpr std::size_t kDefaultMaxDepth = 64;

// Parses untrusted JSON with a nesting limit. Errors name the problem and the byte offset.
Result<boost::json::value> parse(std::string_view text, std::size_t max_depth = kDefaultMaxDepth);

// Field accessors on an object; nullopt when absent or of another type.
std::optional<std::string_view> getString(const boost::json::object& obj, std::string_view key);
std::optional<bool> getBool(const boost::json::object& obj, std::string_view key);

// Integral JSON number (int64, uint64 within range, or a double without fraction); nullopt otherwise.
std::optional<std::int64_t> asInt(const boost::json::value& v);
// Any JSON number as a double; nullopt otherwise.
std::optional<double> asDouble(const boost::json::value& v);

// Serialises a string as a JSON string literal (with quotes).
std::string quote(std::string_view s);

} // namespace hd::json
