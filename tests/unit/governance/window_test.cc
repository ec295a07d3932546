#include "governance/window.h"

#include <gtest/gtest.h>

#include <chrono>

namespace hd::governance {
namespace {

// Unix milliseconds of a UTC date and time.
std::int64_t at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  using namespace std::chrono;
  sys_days day = year_month_day{year{y}, month{mo}, std::chrono::day{d}};
  return (static_cast<std::int64_t>(day.time_since_epoch().count()) * 86400 + h * 3600 + mi * 60 + s) * 1000 + ms;
}

Duration dur(std::string_view s) {
  auto r = parseDuration(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? r.value() : Duration{};
}

TEST(Duration, ParsesEveryUnit) {
  for (std::string_view s : {"30s", "5m", "1h", "1d", "1w", "1M", "1Y", "12M", "100h"}) {
    auto r = parseDuration(s);
    ASSERT_TRUE(r.ok()) << s;
    EXPECT_EQ(r->text(), s);
  }
  EXPECT_EQ(parseDuration("30s")->count, 30);
  EXPECT_EQ(parseDuration("1M")->unit, 'M');
  EXPECT_EQ(parseDuration("1m")->unit, 'm');
}

TEST(Duration, RejectsWithAnExplanation) {
  for (std::string_view s :
       {"", "M", "0d", "-1d", "1", "1x", "1dd", " 1d", "1d ", "1.5h", "99999999999999999999d", "1000001s"}) {
    auto r = parseDuration(s);
    ASSERT_FALSE(r.ok()) << s;
    EXPECT_NE(r.error().message.find("expected a positive integer followed by a unit"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().status, 400);
  }
  EXPECT_NE(parseDuration("1x").error().message.find("unknown unit \"x\""), std::string::npos);
  EXPECT_NE(parseDuration("0d").error().message.find("at least 1"), std::string::npos);
}

TEST(Window, LiteralBoundaries) {
  // Cross-check of the test helper against values computed independently.
  EXPECT_EQ(at(2024, 2, 29, 12), 1709208000000);
  EXPECT_EQ(at(2024, 3, 1), 1709251200000);
  Window w = windowAt(dur("1d"), true, 1709208000000);
  EXPECT_EQ(w.start_ms, 1709164800000);
  EXPECT_EQ(w.end_ms, 1709251200000);
}

TEST(Window, FixedUnitsCountFromTheEpoch) {
  const auto now = at(2026, 11, 25, 7, 51, 13, 250);
  Window s = windowAt(dur("30s"), false, now);
  EXPECT_EQ(s.start_ms, at(2026, 11, 25, 7, 51, 0));
  EXPECT_EQ(s.end_ms, at(2026, 11, 25, 7, 51, 30));
  Window m = windowAt(dur("5m"), true, now); // alignment changes nothing for minutes
  EXPECT_EQ(m.start_ms, at(2026, 11, 25, 7, 50));
  EXPECT_EQ(m.end_ms, at(2026, 11, 25, 7, 55));
  Window h = windowAt(dur("1h"), false, now);
  EXPECT_EQ(h.start_ms, at(2026, 11, 25, 7));
  EXPECT_EQ(h.end_ms, at(2026, 11, 25, 8));
  // Window ends are exclusive: the end instant belongs to the next window.
  Window next = windowAt(dur("1h"), false, at(2026, 11, 25, 8));
  EXPECT_EQ(next.start_ms, at(2026, 11, 25, 8));
  Window last = windowAt(dur("1h"), false, at(2026, 11, 25, 8) - 1);
  EXPECT_EQ(last.start_ms, at(2026, 11, 25, 7));
}

TEST(Window, UnalignedMonthsAndYearsAreThirtyAndThreeHundredSixtyFiveDays) {
  const std::int64_t day = 86'400'000;
  const auto now = at(2026, 11, 25, 7);
  Window m = windowAt(dur("1M"), false, now);
  EXPECT_EQ(m.end_ms - m.start_ms, 30 * day);
  EXPECT_EQ(m.start_ms % (30 * day), 0);
  EXPECT_LE(m.start_ms, now);
  EXPECT_GT(m.end_ms, now);
  Window y = windowAt(dur("1Y"), false, now);
  EXPECT_EQ(y.end_ms - y.start_ms, 365 * day);
  EXPECT_EQ(y.start_ms % (365 * day), 0);
  // 56 x 365 days after 1970-01-01 is 2025-12-18 (14 leap days in between).
  EXPECT_EQ(y.start_ms, at(2025, 12, 18));
  Window w = windowAt(dur("1w"), false, now); // unaligned weeks start on Thursdays, like the epoch
  EXPECT_EQ(w.start_ms, at(2026, 11, 19));
}

TEST(Window, AlignedDaysStartAtMidnight) {
  Window w = windowAt(dur("1d"), true, at(2024, 2, 29, 23, 59, 59, 999));
  EXPECT_EQ(w.start_ms, at(2024, 2, 29));
  EXPECT_EQ(w.end_ms, at(2024, 3, 1));
  Window two = windowAt(dur("2d"), true, at(1970, 1, 4, 5));
  EXPECT_EQ(two.start_ms, at(1970, 1, 3));
  EXPECT_EQ(two.end_ms, at(1970, 1, 5));
}

TEST(Window, AlignedWeeksStartOnMonday) {
  // 2026-11-25 is a Wednesday; its week starts Monday 2026-11-23.
  Window w = windowAt(dur("1w"), true, at(2026, 11, 25, 7, 51));
  EXPECT_EQ(w.start_ms, at(2026, 11, 23));
  EXPECT_EQ(w.end_ms, at(2026, 11, 30));
  // Sunday 23:59:59.999 is still in the week that started the Monday before.
  Window sun = windowAt(dur("1w"), true, at(2026, 11, 29, 23, 59, 59, 999));
  EXPECT_EQ(sun.start_ms, at(2026, 11, 23));
  // Monday 00:00 starts the next week.
  Window mon = windowAt(dur("1w"), true, at(2026, 11, 30));
  EXPECT_EQ(mon.start_ms, at(2026, 11, 30));
  // Around the epoch: 1970-01-01 was a Thursday, in the week of Monday 1969-12-29.
  Window first = windowAt(dur("1w"), true, 0);
  EXPECT_EQ(first.start_ms, at(1969, 12, 29));
  EXPECT_EQ(first.end_ms, at(1970, 1, 5));
  // Two-week blocks count from Monday 1969-12-29: 2026-11-23 is 2969 weeks later (odd), so its block began a
  // week earlier.
  Window two = windowAt(dur("2w"), true, at(2026, 11, 25));
  EXPECT_EQ(two.start_ms, at(2026, 11, 16));
  EXPECT_EQ(two.end_ms, at(2026, 11, 30));
}

TEST(Window, AlignedMonthsFollowTheCalendar) {
  Window feb = windowAt(dur("1M"), true, at(2024, 2, 29, 12)); // leap year
  EXPECT_EQ(feb.start_ms, at(2024, 2, 1));
  EXPECT_EQ(feb.end_ms, at(2024, 3, 1));
  EXPECT_EQ(feb.end_ms - feb.start_ms, 29 * 86'400'000LL);
  Window feb23 = windowAt(dur("1M"), true, at(2023, 2, 28, 23, 59, 59, 999)); // not a leap year
  EXPECT_EQ(feb23.start_ms, at(2023, 2, 1));
  EXPECT_EQ(feb23.end_ms, at(2023, 3, 1));
  Window mar = windowAt(dur("1M"), true, at(2023, 3, 1));
  EXPECT_EQ(mar.start_ms, at(2023, 3, 1));
  Window dec = windowAt(dur("1M"), true, at(2025, 12, 31, 23, 59, 59, 999)); // year rollover
  EXPECT_EQ(dec.start_ms, at(2025, 12, 1));
  EXPECT_EQ(dec.end_ms, at(2026, 1, 1));
  Window jan31 = windowAt(dur("1M"), true, at(2026, 1, 31, 12));
  EXPECT_EQ(jan31.end_ms, at(2026, 2, 1));
  // 3M = calendar quarters, 6M = halves.
  Window q = windowAt(dur("3M"), true, at(2026, 11, 25));
  EXPECT_EQ(q.start_ms, at(2026, 10, 1));
  EXPECT_EQ(q.end_ms, at(2027, 1, 1));
  Window h = windowAt(dur("6M"), true, at(2026, 6, 30, 23));
  EXPECT_EQ(h.start_ms, at(2026, 1, 1));
  EXPECT_EQ(h.end_ms, at(2026, 7, 1));
}

TEST(Window, AlignedYearsStartOnJanuaryFirst) {
  Window y = windowAt(dur("1Y"), true, at(2024, 12, 31, 23, 59, 59, 999));
  EXPECT_EQ(y.start_ms, at(2024, 1, 1));
  EXPECT_EQ(y.end_ms, at(2025, 1, 1));
  EXPECT_EQ(y.end_ms - y.start_ms, 366 * 86'400'000LL); // leap year
  Window next = windowAt(dur("1Y"), true, at(2025, 1, 1));
  EXPECT_EQ(next.start_ms, at(2025, 1, 1));
  // Two-year blocks count from 1970: 2026 starts one (56 years later).
  Window two = windowAt(dur("2Y"), true, at(2027, 5, 1));
  EXPECT_EQ(two.start_ms, at(2026, 1, 1));
  EXPECT_EQ(two.end_ms, at(2028, 1, 1));
}

TEST(Window, BeforeTheEpoch) {
  Window d = windowAt(dur("1d"), true, at(1969, 12, 31, 12));
  EXPECT_EQ(d.start_ms, at(1969, 12, 31));
  EXPECT_EQ(d.end_ms, 0);
  Window m = windowAt(dur("1M"), true, at(1969, 12, 31, 12));
  EXPECT_EQ(m.start_ms, at(1969, 12, 1));
  EXPECT_EQ(m.end_ms, 0);
}

TEST(Window, HandMadeDurationsAreSafe) {
  Window bad = windowAt(Duration{1, 'x'}, true, at(2026, 11, 25, 7)); // unknown unit: days
  EXPECT_EQ(bad.start_ms, at(2026, 11, 25));
  Window zero = windowAt(Duration{0, 'h'}, false, at(2026, 11, 25, 7, 30)); // count below 1: one
  EXPECT_EQ(zero.start_ms, at(2026, 11, 25, 7));
  Window huge = windowAt(Duration{INT64_MAX, 'Y'}, true, at(2026, 11, 25)); // clamped, no overflow
  EXPECT_LE(huge.start_ms, at(2026, 11, 25));
  EXPECT_GT(huge.end_ms, at(2026, 11, 25));
}

} // namespace
} // namespace hd::governance
