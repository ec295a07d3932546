#include "core/json_util.h"

#include <fmt/format.h>

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

std::string quote(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

} // namespace hd::json
