#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "inbound/anthropic/errors.h"
#include "inbound/anthropic/token_estimate.h"
#include "inbound/anthropic/usage_tracker.h"

namespace hd::inbound::anthropic {
namespace {

TEST(AnthropicErrors, AnthropicShapedBodiesPassThrough) {
  std::string body = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
  EXPECT_EQ(mapUpstreamError(529, body, "anthropic"), body);
}

TEST(AnthropicErrors, AzureShapeIsRewrapped) {
  auto out = boost::json::parse(mapUpstreamError(
      401, R"({"error":{"code":"401","message":"Access denied due to invalid subscription key"}})", "azure"));
  EXPECT_EQ(out.at("type"), "error");
  EXPECT_EQ(out.at("error").at("type"), "authentication_error");
  EXPECT_EQ(out.at("error").at("message"), "azure upstream error: Access denied due to invalid subscription key (401)");
  out = boost::json::parse(mapUpstreamError(502, "<html>bad gateway</html>", "azure"));
  EXPECT_EQ(out.at("error").at("type"), "api_error");
}

TEST(AnthropicErrors, StatusToType) {
  EXPECT_EQ(errorTypeForStatus(429), "rate_limit_error");
  EXPECT_EQ(errorTypeForStatus(413), "request_too_large");
  EXPECT_EQ(errorTypeForStatus(500), "api_error");
  EXPECT_EQ(errorTypeForStatus(529), "overloaded_error");
  auto body = boost::json::parse(errorBody(Error::tooLarge("too big")));
  EXPECT_EQ(body.at("error").at("type"), "request_too_large");
}

TEST(StreamObserver, ReadsUsageAndStop) {
  StreamObserver obs;
  obs.feed("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":12,"
           "\"cache_read_input_tokens\":100,\"output_tokens\":1}}}\n\n");
  obs.feed(
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\nevent: message_delta\ndata: {\"type\":"
      "\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":42}}\n\nevent: mess");
  obs.feed("age_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  EXPECT_TRUE(obs.sawMessageStop());
  EXPECT_EQ(obs.usage().input_tokens, 12);
  EXPECT_EQ(obs.usage().cache_read_input_tokens, 100);
  EXPECT_EQ(obs.usage().output_tokens, 42);
  EXPECT_EQ(obs.stopReason(), "tool_use");
}

TEST(TokenEstimate, GrowsWithContentAndIsPlausible) {
  auto small = boost::json::parse(R"({"messages":[{"role":"user","content":"Hello, world"}]})").as_object();
  auto big = boost::json::parse(R"({"system":"You are a helpful assistant that writes careful code.",
    "messages":[{"role":"user","content":[{"type":"text","text":"Please refactor the following function so that it handles errors and returns early when the input is empty."}]}],
    "tools":[{"name":"Bash","description":"Run a shell command","input_schema":{"type":"object",
    "properties":{"command":{"type":"string"}}}}]})")
                 .as_object();
  auto s = estimateInputTokens(small);
  auto b = estimateInputTokens(big);
  EXPECT_GE(s, 5);
  EXPECT_LE(s, 20);
  EXPECT_GT(b, s + 150);
}

} // namespace
} // namespace hd::inbound::anthropic
