#include "core/json_util.h"

#include <fmt/format.h>

#include <limits>

namespace hd::json {

Result<boost::json::value> parse(std::string_view text, std::size_t max_depth) {
  boost::json::parse_options opts;
  opts.max_depth = max_depth;
  boost::json::stream_parser parser({}, opts);
  boost::system::error_code ec;
  std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    if (ec == boost::json::error::too_deep) {
      return Error::invalidRequest(fmt::format("request body is nested deeper than {} levels", max_depth));
    }
    if (text.empty()) {
      return Error::invalidRequest("request body is empty; expected a JSON object");
    }
    return Error::invalidRequest(
        fmt::format("request body is not valid JSON: {} (at byte {})", ec.message(), consumed));
  }
  return parser.release();
}

std::optional<std::string_view> getString(const boost::json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return std::nullopt;
  }
  const auto& s = v->get_string();
  return std::string_view(s.data(), s.size());
}

std::optional<bool> getBool(const boost::json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (v == nullptr || !v->is_bool()) {
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<std::int64_t> asInt(const boost::json::value& v) {
  if (v.is_int64()) {
    return v.get_int64();
  }
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    // Only doubles that are exactly representable integers (|d| < 2^53).
    double d = v.get_double();
    if (d > -9.0e15 && d < 9.0e15 && static_cast<double>(static_cast<std::int64_t>(d)) == d) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

std::optional<double> asDouble(const boost::json::value& v) {
  if (v.is_double()) {
    return v.get_double();
  }
  if (v.is_int64()) {
    return static_cast<double>(v.get_int64());
  }
  if (v.is_uint64()) {
    return static_cast<double>(v.get_uint64());
  }
  return std::nullopt;
}

std::string quote(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

} // namespace hd::json
