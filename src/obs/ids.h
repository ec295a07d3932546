#pragma once
// Random W3C trace and span ids (lower-case hex; never all zeros).

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

namespace hd::obs {

inline std::string randomHex(std::mt19937_64& rng, int words) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (;;) {
    out.clear();
    bool zero = true;
    for (int w = 0; w < words; ++w) {
      std::uint64_t v = rng();
      zero = zero && v == 0;
      for (int i = 60; i >= 0; i -= 4) {
        out.push_back(kHex[(v >> i) & 0xf]);
      }
    }
    if (!zero) {
      return out;
    }
  }
}

inline std::string newTraceId(std::mt19937_64& rng) {
  return randomHex(rng, 2);
}
inline std::string newSpanId(std::mt19937_64& rng) {
  return randomHex(rng, 1);
}

inline std::int64_t unixNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace hd::obs
