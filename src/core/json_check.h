#pragma once
// Checking JSON text and decoding a string literal without building a document (Boost.JSON's
// basic_parser with handlers that keep nothing, or only the string's text): for hot paths that copy
// JSON pieces byte for byte and must not copy a malformed one (the request log's stream fold).

#include <cstddef>
#include <string>
#include <string_view>

namespace hd::json {

// True when `text` is exactly one JSON value (whitespace around it allowed), nested at most
// `max_depth` levels; strings must be valid UTF-8.
bool isValid(std::string_view text, std::size_t max_depth = 64);

// Appends the text of the JSON string literal `literal` (quotes included, escapes decoded) to `out`;
// false (and `out` unspecified) when `literal` is not exactly one JSON string.
bool appendUnquoted(std::string& out, std::string_view literal);

} // namespace hd::json
