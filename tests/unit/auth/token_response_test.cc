#include "auth/token_response.h"

#include <gtest/gtest.h>

namespace hd::auth {
namespace {

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1'800'000'000));

TEST(TokenResponse, EntraTokenEndpoint) {
  auto t = parseTokenResponse(
      R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0"})", kNow);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->token, "eyJ0");
  EXPECT_EQ(t->expires_on, kNow + std::chrono::seconds(3599));
}

TEST(TokenResponse, ManagedIdentityStringsAbsoluteExpiryWins) {
  auto t = parseTokenResponse(R"({"access_token":"tok","expires_in":"10","expires_on":"1800003600",)"
                              R"("resource":"https://cognitiveservices.azure.com","token_type":"Bearer"})",
                              kNow);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->expires_on, kNow + std::chrono::seconds(3600));
}

TEST(TokenResponse, AzureCliFormats) {
  auto t =
      parseTokenResponse(R"({"accessToken":"cli","expiresOn":"2027-01-15 10:00:00.000000","expires_on":1800000100,)"
                         R"("tokenType":"Bearer"})",
                         kNow);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->token, "cli");
  EXPECT_EQ(t->expires_on, kNow + std::chrono::seconds(100));
  // Older CLIs: only the local-time string.
  auto old = parseTokenResponse(R"({"accessToken":"cli","expiresOn":"2099-01-15 10:00:00.123456"})", kNow);
  EXPECT_FALSE(old.ok()); // more than a year away: rejected as implausible
  // A date millennia away must be refused, not overflow the clock (found by the fuzzer).
  auto far = parseTokenResponse(R"({"accessToken":"t","expiresOn":"9130-03-01 10:00:00.000000"})", kNow);
  EXPECT_FALSE(far.ok());
  auto local = parseTokenResponse(R"({"accessToken":"cli","expiresOn":"2027-03-01 00:00:00"})",
                                  Clock::time_point(std::chrono::seconds(1'800'000'000)));
  ASSERT_TRUE(local.ok()) << local.error().message;
}

TEST(TokenResponse, Rejections) {
  EXPECT_EQ(parseTokenResponse("not json", kNow).error().message, "token response is not a JSON object");
  EXPECT_EQ(parseTokenResponse(R"({"expires_in":10})", kNow).error().message, "token response has no access_token");
  EXPECT_EQ(parseTokenResponse(R"({"access_token":"a"})", kNow).error().message,
            "token response has no usable expiry (expires_on / expires_in)");
  EXPECT_EQ(parseTokenResponse(R"({"access_token":"a","expires_in":0})", kNow).error().message,
            "token service returned a token that has already expired");
  EXPECT_EQ(parseTokenResponse(R"({"access_token":"a","expires_in":-5})", kNow).error().message,
            "token response has no usable expiry (expires_on / expires_in)");
  EXPECT_EQ(parseTokenResponse(R"({"access_token":"a\r\nx: y","expires_in":10})", kNow).error().message,
            "token response has an access_token with characters not allowed in a header");
  EXPECT_EQ(parseTokenResponse(R"({"access_token":"a","expires_in":"12x"})", kNow).error().status, 502);
}

TEST(TokenResponse, ErrorSummaries) {
  EXPECT_EQ(
      describeTokenError(R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.\r\n)"
                         R"(Trace ID: 1\r\nCorrelation ID: 2"})"),
      "invalid_client: AADSTS7000215: Invalid client secret.");
  EXPECT_EQ(describeTokenError(R"({"statusCode":401,"message":"Unauthorized"})"), "Unauthorized");
  EXPECT_EQ(describeTokenError(R"({"error":{"code":"x","message":"nested"}})"), "nested");
  EXPECT_EQ(describeTokenError("<html>"), "no error description");
  EXPECT_LE(describeTokenError(R"({"error":")" + std::string(5000, 'a') + R"("})").size(), 300u);
}

} // namespace
} // namespace hd::auth
