#include "pipeline/circuit_breaker.h"

#include <gtest/gtest.h>

namespace hd::pipeline {
namespace {

using Clock = CircuitBreakers::Clock;
using std::chrono::milliseconds;

class Breakers : public ::testing::Test {
protected:
  void SetUp() override { b.clear(); }
  void TearDown() override { b.clear(); }
  CircuitBreakers& b = CircuitBreakers::instance();
  config::CircuitBreakerConfig cfg{true, 3, milliseconds(1000)};
  Clock::time_point t0 = Clock::now();
};

TEST_F(Breakers, OpensAfterConsecutiveFailuresOnly) {
  b.record("p/k/d", false, false, cfg, t0);
  b.record("p/k/d", false, false, cfg, t0);
  b.record("p/k/d", true, false, cfg, t0); // a success resets the count
  b.record("p/k/d", false, false, cfg, t0);
  b.record("p/k/d", false, false, cfg, t0);
  EXPECT_EQ(b.admit("p/k/d", cfg, t0), Admission::Allowed);
  b.record("p/k/d", false, false, cfg, t0);
  EXPECT_EQ(b.admit("p/k/d", cfg, t0), Admission::Rejected);
  EXPECT_FALSE(b.wouldAdmit("p/k/d", cfg, t0 + milliseconds(999)));
  EXPECT_EQ(b.admit("other", cfg, t0), Admission::Allowed);
}

TEST_F(Breakers, HalfOpenAdmitsOneProbe) {
  for (int i = 0; i < 3; ++i) {
    b.record("x", false, false, cfg, t0);
  }
  auto later = t0 + milliseconds(1000);
  EXPECT_TRUE(b.wouldAdmit("x", cfg, later));
  EXPECT_EQ(b.admit("x", cfg, later), Admission::Probe);
  EXPECT_EQ(b.admit("x", cfg, later), Admission::Rejected); // one probe at a time
  b.record("x", false, true, cfg, later);                   // probe failed: open again
  EXPECT_EQ(b.admit("x", cfg, later + milliseconds(500)), Admission::Rejected);
  auto again = later + milliseconds(1000);
  EXPECT_EQ(b.admit("x", cfg, again), Admission::Probe);
  b.record("x", true, true, cfg, again); // probe succeeded: closed
  EXPECT_EQ(b.admit("x", cfg, again), Admission::Allowed);
  auto snap = b.snapshot();
  ASSERT_EQ(snap.size(), 1u);
  EXPECT_EQ(snap[0].state, BreakerState::Closed);
  EXPECT_EQ(snap[0].times_opened, 2u);
}

TEST_F(Breakers, AbandonedProbeFreesTheSlot) {
  for (int i = 0; i < 3; ++i) {
    b.record("y", false, false, cfg, t0);
  }
  auto later = t0 + milliseconds(1500);
  EXPECT_EQ(b.admit("y", cfg, later), Admission::Probe);
  b.abandon("y");
  EXPECT_EQ(b.admit("y", cfg, later), Admission::Probe);
}

TEST_F(Breakers, DisabledNeverRejects) {
  config::CircuitBreakerConfig off{false, 1, milliseconds(1000)};
  b.record("z", false, false, off, t0);
  b.record("z", false, false, off, t0);
  EXPECT_EQ(b.admit("z", off, t0), Admission::Allowed);
  EXPECT_TRUE(b.snapshot().empty());
}

} // namespace
} // namespace hd::pipeline
