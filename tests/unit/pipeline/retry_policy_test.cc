#include "pipeline/retry_policy.h"

#include <gtest/gtest.h>

namespace hd::pipeline {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, RetryableStatuses) {
  for (unsigned s : {408u, 429u, 500u, 502u, 503u, 504u, 529u}) {
    EXPECT_TRUE(isRetryableStatus(s)) << s;
  }
  for (unsigned s : {200u, 400u, 401u, 403u, 404u, 413u, 422u, 501u}) {
    EXPECT_FALSE(isRetryableStatus(s)) << s;
  }
}

TEST(RetryPolicy, BodySignals) {
  EXPECT_TRUE(bodySignalsRetry(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
  EXPECT_TRUE(bodySignalsRetry(R"({"error":{"code":"429","message":"Requests have exceeded the rate limit"}})"));
  EXPECT_TRUE(bodySignalsRetry(R"({"error":{"code":"RateLimitExceeded","message":"Too Many Requests"}})"));
  EXPECT_TRUE(bodySignalsRetry("upstream is throttling"));
  EXPECT_FALSE(bodySignalsRetry(R"({"error":{"type":"invalid_request_error","message":"max_tokens: required"}})"));
  // Only the error's own fields count, not text elsewhere in the body.
  EXPECT_FALSE(bodySignalsRetry(R"({"error":{"message":"bad"},"echo":"rate limit"})"));
  EXPECT_FALSE(bodySignalsRetry(""));
}

TEST(RetryPolicy, RetryAfter) {
  auto now = std::chrono::system_clock::from_time_t(1445412480); // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parseRetryAfter("250", "", now), milliseconds(250));
  EXPECT_EQ(parseRetryAfter("12.5", "3", now), milliseconds(13)); // -ms wins, rounded up
  EXPECT_EQ(parseRetryAfter("", "2", now), milliseconds(2000));
  EXPECT_EQ(parseRetryAfter("", " 0.5 ", now), milliseconds(500));
  EXPECT_EQ(parseRetryAfter("", "Wed, 21 Oct 2015 07:28:07 GMT", now), milliseconds(7000));
  EXPECT_EQ(parseRetryAfter("", "Wed, 21 Oct 2015 07:27:00 GMT", now), milliseconds(0)); // in the past
  EXPECT_EQ(parseRetryAfter("", "", now), std::nullopt);
  EXPECT_EQ(parseRetryAfter("soon", "later", now), std::nullopt);
  EXPECT_EQ(parseRetryAfter("-5", "", now), std::nullopt);
  EXPECT_EQ(parseRetryAfter("", "1e300", now), milliseconds(24 * 3600 * 1000)); // capped at a day
  // Centuries away (found by fuzzing: it overflowed system_clock's nanoseconds): capped too.
  EXPECT_EQ(parseRetryAfter("", "Wed, 21 Oct 2510 07:28:00 GMT", now), milliseconds(24 * 3600 * 1000));
}

TEST(RetryPolicy, Backoff) {
  Backoff b{milliseconds(100), milliseconds(1000)};
  EXPECT_EQ(backoffDelay(b, 0, 0.5, std::nullopt), milliseconds(100));
  EXPECT_EQ(backoffDelay(b, 1, 0.5, std::nullopt), milliseconds(200));
  EXPECT_EQ(backoffDelay(b, 3, 0.5, std::nullopt), milliseconds(800));
  EXPECT_EQ(backoffDelay(b, 10, 0.5, std::nullopt), milliseconds(1000));    // capped
  EXPECT_EQ(backoffDelay(b, 0, 0.0, std::nullopt), milliseconds(80));       // -20%
  EXPECT_EQ(backoffDelay(b, 0, 0.999999, std::nullopt), milliseconds(119)); // +20%
  EXPECT_EQ(backoffDelay(b, 60, 1.0, std::nullopt), milliseconds(1200));
  // The server's hint replaces the backoff when not longer than the cap.
  EXPECT_EQ(backoffDelay(b, 0, 0.5, milliseconds(700)), milliseconds(700));
  EXPECT_EQ(backoffDelay(b, 0, 0.5, milliseconds(5000)), milliseconds(100));
}

TEST(RetryPolicy, ClassifiesAnthropicFirstEvents) {
  EXPECT_EQ(classifyStreamEvent("message_start", R"({"type":"message_start","message":{}})").cls, EventClass::Preamble);
  EXPECT_EQ(classifyStreamEvent("ping", R"({"type":"ping"})").cls, EventClass::Preamble);
  EXPECT_EQ(classifyStreamEvent("content_block_start", R"({"type":"content_block_start"})").cls, EventClass::Content);
  auto e =
      classifyStreamEvent("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  EXPECT_EQ(e.cls, EventClass::Error);
  EXPECT_EQ(e.status, 529u);
  EXPECT_TRUE(e.retryable);
  auto bad = classifyStreamEvent("error", R"({"type":"error","error":{"type":"invalid_request_error","message":"x"}})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_FALSE(bad.retryable);
  EXPECT_EQ(classifyStreamEvent("message", "garbage").cls, EventClass::Malformed);
}

TEST(RetryPolicy, ClassifiesOpenAIFirstChunks) {
  EXPECT_EQ(
      classifyStreamEvent("message", R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})").cls,
      EventClass::Preamble);
  EXPECT_EQ(classifyStreamEvent("message", R"({"choices":[],"prompt_filter_results":[]})").cls, EventClass::Preamble);
  EXPECT_EQ(classifyStreamEvent("message", R"({"choices":[{"index":0,"delta":{"content":"Hi"}}]})").cls,
            EventClass::Content);
  EXPECT_EQ(classifyStreamEvent("message", R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})").cls,
            EventClass::Content);
  EXPECT_EQ(classifyStreamEvent("message", "[DONE]").cls, EventClass::Content);
  auto e =
      classifyStreamEvent("message", R"({"error":{"message":"Rate limit reached","type":"requests","code":"429"}})");
  EXPECT_EQ(e.cls, EventClass::Error);
  EXPECT_EQ(e.status, 429u);
  EXPECT_TRUE(e.retryable);
  auto s = classifyStreamEvent("message", R"({"error":{"message":"oops","type":"server_error"}})");
  EXPECT_EQ(s.status, 500u);
  EXPECT_TRUE(s.retryable);
}

TEST(RetryPolicy, ErrorInSuccessBody) {
  EXPECT_EQ(errorInSuccessBody(R"({"type":"error","error":{"type":"overloaded_error","message":"x"}})"), 529u);
  EXPECT_EQ(errorInSuccessBody(R"({"error":{"message":"x","code":"rate_limit_exceeded"}})"), 429u);
  EXPECT_EQ(errorInSuccessBody(R"({"id":"msg_1","type":"message","content":[{"type":"text","text":"\"error\""}]})"),
            std::nullopt);
  EXPECT_EQ(errorInSuccessBody(R"({"id":"c","object":"chat.completion","choices":[]})"), std::nullopt);
}

} // namespace
} // namespace hd::pipeline
