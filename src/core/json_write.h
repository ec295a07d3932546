#pragma once
// Writing JSON text directly into a string, for hot paths that would otherwise build a Boost.JSON DOM
// only to serialise it (the request log's per-record attempts and labels). Written by hand: Boost.JSON
// escapes strings only through its own value types.

#include <string>
#include <string_view>

namespace hd::json {

// Appends `s` as a JSON string literal (with quotes). Bytes >= 0x80 are copied as they are.
inline void appendQuoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
      } else {
        out.push_back(ch);
      }
    }
  }
  out.push_back('"');
}

} // namespace hd::json
