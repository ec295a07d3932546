#pragma once
// Helpers shared by the Anthropic translators (internal to hd_translate_anthropic).

#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json_util.h"
#include "core/usage.h"

namespace hd::translate::anthropic::detail {

using hd::json::asDouble;
using hd::json::asInt;

// A member, with JSON null treated as absent (the SDK sends null for many optional fields).
const boost::json::value* member(const boost::json::object& o, std::string_view key);

// "path.key", or "key" at the top level.
std::string child(std::string_view path, std::string_view key);
// "path[i]".
std::string element(std::string_view path, std::size_t i);

// Anthropic usage object -> Usage (absent or null fields are 0; reported = true).
Usage usageFromJson(const boost::json::object& usage);
// Usage -> {input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens}.
boost::json::object usageToJson(const Usage& usage);

// "msg_" + 24 random alphanumerics, for responses rendered without an id.
std::string randomId(std::string_view prefix);

// Typed field reading with error paths. Every accessor checks the JSON kind first (nothing throws) and
// on a mismatch records "<path>: <expected>" and returns false; the first error wins.
class Reader {
public:
  // upstream = true: errors are 502s about an upstream body ("anthropic response: ..."); else 400s.
  explicit Reader(bool upstream = false) : upstream_(upstream) {}

  bool fail(std::string_view path, std::string_view what);
  bool failed() const { return error_.has_value(); }
  Error error() const;

  const boost::json::object* object(const boost::json::value& v, std::string_view path);
  const boost::json::array* array(const boost::json::value& v, std::string_view path);

  // Members of `o`; `path` is the object's own path. Absent/null optional members leave `out` untouched.
  bool string(const boost::json::object& o, std::string_view key, std::string_view path, std::string& out,
              bool required = false);
  bool boolean(const boost::json::object& o, std::string_view key, std::string_view path, bool& out);
  bool boolean(const boost::json::object& o, std::string_view key, std::string_view path, std::optional<bool>& out);
  bool integer(const boost::json::object& o, std::string_view key, std::string_view path,
               std::optional<std::int64_t>& out, std::int64_t min = std::numeric_limits<std::int64_t>::min());
  bool number(const boost::json::object& o, std::string_view key, std::string_view path, std::optional<double>& out);
  bool objectMember(const boost::json::object& o, std::string_view key, std::string_view path,
                    std::optional<boost::json::object>& out);

private:
  bool upstream_;
  std::optional<Error> error_;
};

} // namespace hd::translate::anthropic::detail
