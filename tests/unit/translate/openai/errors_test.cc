#include "translate/openai/errors.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hd::translate::openai {
namespace {

namespace js = boost::json;

TEST(OpenAIErrors, StatusToType) {
  EXPECT_EQ(errorTypeForOpenAIStatus(400), "invalid_request_error");
  EXPECT_EQ(errorTypeForOpenAIStatus(401), "authentication_error");
  EXPECT_EQ(errorTypeForOpenAIStatus(403), "permission_error");
  EXPECT_EQ(errorTypeForOpenAIStatus(404), "not_found_error");
  EXPECT_EQ(errorTypeForOpenAIStatus(413), "request_too_large");
  EXPECT_EQ(errorTypeForOpenAIStatus(429), "rate_limit_error");
  EXPECT_EQ(errorTypeForOpenAIStatus(500), "api_error");
  EXPECT_EQ(errorTypeForOpenAIStatus(503), "overloaded_error");
  EXPECT_EQ(errorTypeForOpenAIStatus(504), "timeout_error");
  EXPECT_EQ(errorTypeForOpenAIStatus(418), "invalid_request_error");
}

TEST(OpenAIErrors, OpenAIBody) {
  auto m = mapOpenAIError(429, R"({"error":{"message":"Rate limit reached for gpt-4o","type":"requests",
    "param":null,"code":"rate_limit_exceeded"}})");
  EXPECT_EQ(m.type, "rate_limit_error");
  EXPECT_EQ(m.message, "Rate limit reached for gpt-4o (rate_limit_exceeded)");
}

TEST(OpenAIErrors, AzureBodies) {
  auto filter = mapOpenAIError(400, R"({"error":{"message":"The response was filtered (content management policy).",
    "type":null,"param":"prompt","code":"content_filter","status":400,
    "innererror":{"code":"ResponsibleAIPolicyViolation"}}})");
  EXPECT_EQ(filter.type, "invalid_request_error");
  EXPECT_NE(filter.message.find("(content_filter)"), std::string::npos);
  auto limited = mapOpenAIError(429, R"({"error":{"code":"429","message":"Requests have exceeded token rate limit.",
    "status":429}})");
  EXPECT_EQ(limited.type, "rate_limit_error");
  auto missing = mapOpenAIError(
      404,
      R"({"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}})");
  EXPECT_EQ(missing.type, "not_found_error");
  EXPECT_EQ(missing.message.substr(missing.message.size() - 20), "(DeploymentNotFound)");
}

TEST(OpenAIErrors, ContextOverflowIsWordedForClaudeCode) {
  auto m = mapOpenAIError(400, R"({"error":{"message":"This model's maximum context length is 128000 tokens. )"
                               R"(However, your messages resulted in 130512 tokens.",
    "type":"invalid_request_error",
    "param":"messages","code":"context_length_exceeded"}})");
  EXPECT_EQ(m.type, "invalid_request_error");
  EXPECT_EQ(m.message.rfind("prompt is too long: 130512 tokens > 128000 maximum (upstream: ", 0), 0u) << m.message;
  auto plain = mapOpenAIError(400, R"({"error":{"message":"Your input exceeds the context window of this model.",
    "type":"invalid_request_error","code":"context_length_exceeded"}})");
  EXPECT_EQ(plain.message, "prompt is too long (upstream: Your input exceeds the context window of this model.)");
}

TEST(OpenAIErrors, TypeFromBodyWhenStatusUnknown) {
  struct Case {
    const char* body;
    const char* type;
  };
  for (const auto& c : {Case{R"({"error":{"message":"m","type":"server_error"}})", "api_error"},
                        Case{R"({"error":{"message":"m","type":"invalid_request_error"}})", "invalid_request_error"},
                        Case{R"({"error":{"message":"m","type":"insufficient_quota"}})", "billing_error"},
                        Case{R"({"error":{"message":"m","code":"invalid_api_key"}})", "authentication_error"},
                        Case{R"({"error":{"message":"m","code":"model_not_found"}})", "not_found_error"},
                        Case{R"({"error":"plain string"})", "api_error"}}) {
    EXPECT_EQ(mapOpenAIError(0, c.body).type, c.type) << c.body;
  }
}

TEST(OpenAIErrors, UnparseableBodies) {
  auto m = mapOpenAIError(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(m.type, "api_error");
  EXPECT_EQ(m.message, "HTTP 502: <html>Bad Gateway</html>");
  EXPECT_EQ(mapOpenAIError(500, "").message, "HTTP 500");
  EXPECT_EQ(mapOpenAIError(400, R"({"error":{}})").message, "upstream error without a message");
}

TEST(OpenAIErrors, ErrorFromAnthropicType) {
  EXPECT_EQ(errorFromAnthropicType("rate_limit_error", "x", ErrorKind::BadGateway).status, 429);
  EXPECT_EQ(errorFromAnthropicType("overloaded_error", "x", ErrorKind::BadGateway).status, 529);
  EXPECT_EQ(errorFromAnthropicType("invalid_request_error", "x", ErrorKind::BadGateway).status, 400);
  EXPECT_EQ(errorFromAnthropicType("api_error", "x", ErrorKind::BadGateway).status, 502);
}

TEST(OpenAIErrors, OpenAIShapedBodies) {
  EXPECT_EQ(js::parse(openAIErrorBody(Error::invalidRequest("messages: required"))),
            js::parse(R"({"error":{"message":"messages: required","type":"invalid_request_error","param":null,
                         "code":null}})"));
  EXPECT_EQ(js::parse(openAIErrorBody(Error::rateLimit("slow"))),
            js::parse(R"({"error":{"message":"slow","type":"rate_limit_error","param":null,
                         "code":"rate_limit_exceeded"}})"));
  EXPECT_EQ(js::parse(openAIErrorBody(Error::badGateway("down"))),
            js::parse(R"({"error":{"message":"down","type":"server_error","param":null,"code":null}})"));
}

} // namespace
} // namespace hd::translate::openai
