#include "core/json_check.h"

#include <boost/json/basic_parser_impl.hpp>

#include <cstdint>
#include <limits>

namespace hd::json {

namespace {

using boost::json::string_view;
using boost::system::error_code;

// Accepts every event: the parser itself checks the grammar, nesting and UTF-8.
struct Check {
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();
  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t, error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t, error_code&) { return true; }
  bool on_string_part(string_view, std::size_t, error_code&) { return true; }
  bool on_string(string_view, std::size_t, error_code&) { return true; }
  bool on_key_part(string_view, std::size_t, error_code&) { return true; }
  bool on_key(string_view, std::size_t, error_code&) { return true; }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, string_view, error_code&) { return true; }
  bool on_double(double, string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

// Keeps the text of a string; any other value stops the parse (the handler returns false).
struct Unquote : Check {
  explicit Unquote(std::string* o) : out(o) {}
  std::string* out;
  bool on_array_begin(error_code&) { return false; }
  bool on_object_begin(error_code&) { return false; }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    out->append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    out->append(s.data(), s.size());
    return true;
  }
  bool on_number_part(string_view, error_code&) { return false; }
  bool on_int64(std::int64_t, string_view, error_code&) { return false; }
  bool on_uint64(std::uint64_t, string_view, error_code&) { return false; }
  bool on_double(double, string_view, error_code&) { return false; }
  bool on_bool(bool, error_code&) { return false; }
  bool on_null(error_code&) { return false; }
};

template <class Handler, class... Args> bool parseWhole(std::string_view text, std::size_t max_depth, Args&&... args) {
  boost::json::parse_options opts;
  opts.max_depth = max_depth;
  boost::json::basic_parser<Handler> p(opts, std::forward<Args>(args)...);
  error_code ec;
  auto n = p.write_some(false, text.data(), text.size(), ec);
  return !ec && n == text.size() && p.done();
}

} // namespace

bool isValid(std::string_view text, std::size_t max_depth) {
  return parseWhole<Check>(text, max_depth);
}

bool appendUnquoted(std::string& out, std::string_view literal) {
  if (literal.empty() || literal.front() != '"') {
    return false;
  }
  return parseWhole<Unquote>(literal, 1, &out);
}

} // namespace hd::json
