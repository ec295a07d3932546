#pragma once
// Reset durations ("30s", "5m", "1h", "1d", "1w", "1M", "1Y") and the window a moment falls in:
// rolling from a fixed epoch, or calendar-aligned to UTC day/week (Monday)/month/year starts.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "governance/counters.h"

namespace hd::governance {

struct Duration {
  std::int64_t count = 0;
  char unit = 'M'; // s m h d w M Y
  std::string text() const;
};

Result<Duration> parseDuration(std::string_view s);
// The window containing `now_ms`. Calendar alignment applies to d/w/M/Y; other units (and unaligned
// windows) count from the unix epoch.
Window windowAt(const Duration& d, bool calendar_aligned, std::int64_t now_ms);

} // namespace hd::governance
