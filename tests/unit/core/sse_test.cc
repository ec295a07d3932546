#include "core/sse.h"

#include <gtest/gtest.h>

#include <vector>

namespace hd::sse {
namespace {

struct Collected {
  std::vector<std::pair<std::string, std::string>> events;
  Parser parser{[this](const Event& e) { events.emplace_back(std::string(e.type), std::string(e.data)); }};
};

TEST(Sse, ParsesEventsSplitAcrossArbitraryChunks) {
  std::string stream = "event: message_start\ndata: {\"a\":1}\n\n: keep-alive\n\nevent: ping\r\ndata: {}\r\n\r\n"
                       "data: line1\ndata: line2\n\n";
  for (std::size_t step = 1; step <= stream.size(); ++step) {
    Collected c;
    for (std::size_t i = 0; i < stream.size(); i += step) {
      c.parser.feed(std::string_view(stream).substr(i, step));
    }
    ASSERT_EQ(c.events.size(), 3u) << "step " << step;
    EXPECT_EQ(c.events[0].first, "message_start");
    EXPECT_EQ(c.events[0].second, "{\"a\":1}");
    EXPECT_EQ(c.events[1].first, "ping");
    EXPECT_EQ(c.events[2].first, "message");
    EXPECT_EQ(c.events[2].second, "line1\nline2");
  }
}

TEST(Sse, FormatRoundTrips) {
  Collected c;
  c.parser.feed(format("message_stop", "{\"type\":\"message_stop\"}"));
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].first, "message_stop");
}

} // namespace
} // namespace hd::sse
