// Reset durations and the windows they define.
//
// Unaligned windows (and s/m/h always) are fixed lengths counted from the unix epoch: a window of N
// units starts at a multiple of N units since 1970-01-01T00:00:00Z (M = 30 days, Y = 365 days).
//
// Calendar-aligned windows follow UTC calendar boundaries:
//   d: midnight; N days -> N-day blocks counted from 1970-01-01.
//   w: Monday 00:00; N weeks -> N-week blocks counted from Monday 1969-12-29 (the Monday on or before the epoch).
//   M: the 1st of the month; N months -> blocks of N months counted from January 1970 (so "3M" gives calendar
//      quarters, "6M" half-years, "12M" calendar years).
//   Y: January 1; N years -> blocks of N years counted from 1970.
#include "governance/window.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>

namespace hd::governance {
namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
// Large enough for any sensible reset period, small enough that count x 365 days fits in int64 milliseconds.
constexpr std::int64_t kMaxCount = 1'000'000;

// Floor division (rounds toward negative infinity), for moments before the epoch.
std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --q;
  }
  return q;
}

std::int64_t unitMs(char unit) {
  switch (unit) {
  case 's':
    return kSecond;
  case 'm':
    return kMinute;
  case 'h':
    return kHour;
  case 'd':
    return kDay;
  case 'w':
    return 7 * kDay;
  case 'M':
    return 30 * kDay;
  case 'Y':
    return 365 * kDay;
  default:
    return 0;
  }
}

Window fixed(std::int64_t length_ms, std::int64_t origin_ms, std::int64_t now_ms) {
  std::int64_t start = origin_ms + floorDiv(now_ms - origin_ms, length_ms) * length_ms;
  return {start, start + length_ms};
}

// Unix milliseconds of 00:00 UTC on the first day of month `index` (months since January 1970).
std::int64_t monthStartMs(std::int64_t index) {
  using namespace std::chrono;
  std::int64_t y = 1970 + floorDiv(index, 12);
  auto m = static_cast<unsigned>(index - floorDiv(index, 12) * 12 + 1);
  sys_days d = year_month_day{year{static_cast<int>(y)}, month{m}, day{1}};
  return static_cast<std::int64_t>(d.time_since_epoch().count()) * kDay;
}

} // namespace

std::string Duration::text() const {
  return fmt::format("{}{}", count, unit);
}

Result<Duration> parseDuration(std::string_view s) {
  auto bad = [&](std::string_view why) {
    return Error::invalidRequest(fmt::format("invalid duration \"{}\": {}; expected a positive integer followed by "
                                             "a unit s, m, h, d, w, M or Y (e.g. \"30s\", \"1d\", \"1M\")",
                                             s.substr(0, 64), why));
  };
  if (s.empty()) {
    return bad("it is empty");
  }
  std::size_t i = 0;
  std::int64_t count = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    count = count * 10 + (s[i] - '0');
    if (count > kMaxCount) {
      return bad(fmt::format("the count is larger than {}", kMaxCount));
    }
    ++i;
  }
  if (i == 0) {
    return bad("it does not start with a number");
  }
  if (count == 0) {
    return bad("the count must be at least 1");
  }
  if (i == s.size()) {
    return bad("the unit is missing");
  }
  if (i + 1 != s.size() || unitMs(s[i]) == 0) {
    return bad(fmt::format("unknown unit \"{}\"", s.substr(i, 8)));
  }
  return Duration{count, s[i]};
}

Window windowAt(const Duration& d, bool calendar_aligned, std::int64_t now_ms) {
  // A Duration not made by parseDuration: clamp the count, and treat an unknown unit as days.
  const std::int64_t n = std::clamp<std::int64_t>(d.count, 1, kMaxCount);
  if (unitMs(d.unit) == 0) {
    return fixed(n * kDay, 0, now_ms);
  }
  if (!calendar_aligned) {
    return fixed(n * unitMs(d.unit), 0, now_ms);
  }
  switch (d.unit) {
  case 'w':
    // 1969-12-29 (Monday) is 3 days before the epoch (a Thursday).
    return fixed(n * 7 * kDay, -3 * kDay, now_ms);
  case 'M':
  case 'Y': {
    const std::int64_t months = d.unit == 'M' ? n : n * 12;
    if (months > 12 * 1000) { // beyond the calendar's range: a fixed length instead
      return fixed(n * unitMs(d.unit), 0, now_ms);
    }
    const std::int64_t day = floorDiv(now_ms, kDay);
    using namespace std::chrono;
    year_month_day ymd{sys_days{days{day}}};
    const std::int64_t index = (std::int64_t{static_cast<int>(ymd.year())} - 1970) * 12 +
                               (std::int64_t{static_cast<unsigned>(ymd.month())} - 1);
    const std::int64_t block = floorDiv(index, months) * months;
    return {monthStartMs(block), monthStartMs(block + months)};
  }
  default: // s m h d: the epoch is already a UTC midnight
    return fixed(n * unitMs(d.unit), 0, now_ms);
  }
}

} // namespace hd::governance
