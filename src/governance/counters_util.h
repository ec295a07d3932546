#pragma once
// Helpers shared by the counter backends.

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

#include "governance/counters.h"

namespace hd::governance {

// "<limit.key>@<window.start_ms>": one counter per limit and window.
inline std::string counterKey(const Limit& l) {
  return l.key + "@" + std::to_string(l.window.start_ms);
}

// a + b, saturating at the int64 range (amounts are never meant to get there, but must not wrap).
inline std::int64_t satAdd(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  return r;
}

inline std::int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace hd::governance
