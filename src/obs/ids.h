#pragma once
// Random W3C trace and span ids (lower-case hex; never all zeros), and request ids.

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

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

// A request id: the wall-clock time the request started (unix nanoseconds, 16 hex digits: ids sort
// by time) and the process's request counter, "187e3a5b1c2d3e4f-2a". The request log finds a record
// by the time in its id (requestIdTimeMs) without an index on the ids.
inline std::string formatRequestId(std::int64_t unix_ns, std::uint64_t counter) {
  return fmt::format("{:016x}-{:x}", static_cast<std::uint64_t>(unix_ns), counter);
}

// The start time (unix milliseconds) of a request id made by formatRequestId; nullopt for any other text.
inline std::optional<std::int64_t> requestIdTimeMs(std::string_view id) {
  constexpr std::size_t kTimeDigits = 16;
  if (id.size() < kTimeDigits + 2 || id[kTimeDigits] != '-') {
    return std::nullopt;
  }
  std::uint64_t ns = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + kTimeDigits, ns, 16);
  if (ec != std::errc() || end != id.data() + kTimeDigits || ns > static_cast<std::uint64_t>(INT64_MAX)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(ns / 1000000);
}

} // namespace hd::obs
