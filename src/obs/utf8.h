#pragma once
// Valid UTF-8 for exported text (OTLP JSON strings, Prometheus label values): header- or upstream-derived
// bytes may be anything, and one invalid byte would make a collector reject a whole batch. Each invalid
// sequence becomes U+FFFD.

#include <string>
#include <string_view>

namespace hd::obs {

inline bool isValidUtf8(std::string_view s);

inline std::string toValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    }
    if (ok && len > 1) {
      // Overlong forms, surrogates and code points above U+10FFFF are invalid too.
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(len == 2 && c < 0xc2) && !(len == 3 && c == 0xe0 && c1 < 0xa0) && !(len == 3 && c == 0xed && c1 >= 0xa0) &&
           !(len == 4 && c == 0xf0 && c1 < 0x90) && !(len == 4 && (c > 0xf4 || (c == 0xf4 && c1 >= 0x90)));
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xef\xbf\xbd");
      ++i;
    }
  }
  return out;
}

// Fast path for the common case (ASCII or already valid).
inline bool isValidUtf8(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return toValidUtf8(s) == s;
    }
  }
  return true;
}

} // namespace hd::obs
