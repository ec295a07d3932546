#include "obs/observe.h"

#include <gtest/gtest.h>

#include <random>

#include "obs/hub.h"
#include "obs/ids.h"

namespace hd::obs {
namespace {

TEST(Traceparent, ParsesAValidHeader) {
  auto t = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->parent_span_id, "00f067aa0ba902b7");
  EXPECT_TRUE(t->sampled);
  auto unsampled = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled);
  EXPECT_FALSE(unsampled->sampled);
}

TEST(Traceparent, AcceptsAFutureVersionWithMoreFields) {
  EXPECT_TRUE(parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
}

TEST(Traceparent, RefusesMalformedHeaders) {
  for (const char* h : {"", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
                        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
    EXPECT_FALSE(parseTraceparent(h)) << h;
  }
}

TEST(Ids, AreLowerHexOfTheRightLength) {
  std::mt19937_64 rng(7);
  auto t = newTraceId(rng);
  auto s = newSpanId(rng);
  EXPECT_EQ(t.size(), 32U);
  EXPECT_EQ(s.size(), 16U);
  EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(t, newTraceId(rng));
}

struct Counting : Sink {
  int requests = 0;
  int calls = 0;
  void onRequest(const std::shared_ptr<const RequestRecord>&) override { ++requests; }
  void onMcpCall(const std::shared_ptr<const McpCallRecord>&) override { ++calls; }
};

TEST(Hub, FansOutToEverySink) {
  Hub hub;
  EXPECT_TRUE(hub.empty());
  auto a = std::make_shared<Counting>();
  auto b = std::make_shared<Counting>();
  hub.add(a);
  hub.add(b);
  EXPECT_FALSE(hub.empty());
  hub.publish(std::make_shared<const RequestRecord>());
  hub.publish(std::make_shared<const McpCallRecord>());
  hub.publish(std::make_shared<const McpCallRecord>());
  EXPECT_EQ(a->requests, 1);
  EXPECT_EQ(b->requests, 1);
  EXPECT_EQ(a->calls, 2);
  EXPECT_EQ(b->calls, 2);
}

// Content is captured only once a sink that stores it (the request log) is on the hub.
TEST(Hub, WantsContentOnlyWithASinkThatReadsIt) {
  struct Storing final : Sink {
    bool readsContent() const override { return true; }
  };
  Hub hub;
  hub.add(std::make_shared<Counting>());
  EXPECT_FALSE(hub.wantsContent());
  hub.add(std::make_shared<Storing>());
  EXPECT_TRUE(hub.wantsContent());
}

} // namespace
} // namespace hd::obs
