#include "obs/otlp_json.h"

#include "obs/utf8.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hd::obs::otlp {
namespace {

namespace js = boost::json;

RequestRecord record() {
  RequestRecord r;
  r.id = "req-1";
  r.method = "POST";
  r.path = "/anthropic/v1/messages";
  r.inbound = "anthropic.messages";
  r.provider = "azure";
  r.model = "claude-sonnet-4-5";
  r.start_unix_ns = 1'700'000'000'000'000'000;
  r.end_unix_ns = 1'700'000'000'500'000'000;
  r.status_code = 200;
  r.usage.input_tokens = 12;
  r.usage.output_tokens = 34;
  r.usage.cache_read_input_tokens = 5;
  r.cost_usd = 0.125;
  r.priced = true;
  r.virtual_key_name = "vk-a";
  r.number_of_retries = 1;
  r.trace.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.trace.parent_span_id = "00f067aa0ba902b7";
  r.trace.span_id = "1111111111111111";
  AttemptRecord a;
  a.provider = "azure";
  a.model = "claude-sonnet-4-5";
  a.span_id = "2222222222222222";
  a.start_unix_ns = r.start_unix_ns + 1000;
  a.end_unix_ns = r.start_unix_ns + 2000;
  a.status = 503;
  a.error = "overloaded";
  r.attempts.push_back(a);
  a.span_id = "3333333333333333";
  a.retry = 1;
  a.status = 200;
  a.error.clear();
  r.attempts.push_back(a);
  return r;
}

const js::value* attr(const js::object& span, std::string_view key) {
  for (const auto& a : span.at("attributes").as_array()) {
    if (a.at("key").as_string() == key) {
      return &a.at("value");
    }
  }
  return nullptr;
}

TEST(Otlp, EncodesAServerSpanAndOneClientSpanPerAttempt) {
  auto spans = requestSpans(record());
  ASSERT_EQ(spans.size(), 3u);
  auto body = encodeExportRequest(resourceAttributes("gw", std::nullopt), spans, "1.2.3");
  auto root = js::parse(body).as_object();
  const auto& rs = root.at("resourceSpans").as_array().at(0).as_object();
  const auto& res = rs.at("resource").at("attributes").as_array();
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].at("key").as_string(), "service.name");
  EXPECT_EQ(res[0].at("value").at("stringValue").as_string(), "gw");
  const auto& ss = rs.at("scopeSpans").as_array().at(0).as_object();
  EXPECT_EQ(ss.at("scope").at("version").as_string(), "1.2.3");
  const auto& out = ss.at("spans").as_array();
  ASSERT_EQ(out.size(), 3u);

  const auto& server = out[0].as_object();
  EXPECT_EQ(server.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(server.at("spanId").as_string(), "1111111111111111");
  EXPECT_EQ(server.at("parentSpanId").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(server.at("kind").as_int64(), 2);
  EXPECT_EQ(server.at("startTimeUnixNano").as_string(), "1700000000000000000");
  EXPECT_EQ(server.at("endTimeUnixNano").as_string(), "1700000000500000000");
  EXPECT_EQ(attr(server, "gen_ai.provider.name")->at("stringValue").as_string(), "azure");
  EXPECT_EQ(attr(server, "gen_ai.operation.name")->at("stringValue").as_string(), "chat");
  EXPECT_EQ(attr(server, "gen_ai.request.model")->at("stringValue").as_string(), "claude-sonnet-4-5");
  EXPECT_EQ(attr(server, "gen_ai.usage.input_tokens")->at("intValue").as_string(), "12");
  EXPECT_EQ(attr(server, "gen_ai.usage.output_tokens")->at("intValue").as_string(), "34");
  EXPECT_EQ(attr(server, "gen_ai.usage.cache_read.input_tokens")->at("intValue").as_string(), "5");
  EXPECT_EQ(attr(server, "http.response.status_code")->at("intValue").as_string(), "200");
  EXPECT_DOUBLE_EQ(attr(server, "gen_ai.usage.cost")->at("doubleValue").as_double(), 0.125);
  EXPECT_EQ(attr(server, "gen_ai.virtual_key_name")->at("stringValue").as_string(), "vk-a");
  EXPECT_EQ(attr(server, "gen_ai.number_of_retries")->at("intValue").as_string(), "1");
  EXPECT_FALSE(attr(server, "gen_ai.request.stream")->at("boolValue").as_bool());
  EXPECT_EQ(attr(server, "error.type"), nullptr);
  EXPECT_EQ(server.at("status").at("code").as_int64(), 0);

  const auto& failed = out[1].as_object();
  EXPECT_EQ(failed.at("parentSpanId").as_string(), "1111111111111111");
  EXPECT_EQ(failed.at("spanId").as_string(), "2222222222222222");
  EXPECT_EQ(failed.at("kind").as_int64(), 3);
  EXPECT_EQ(failed.at("status").at("code").as_int64(), 2);
  EXPECT_EQ(failed.at("status").at("message").as_string(), "overloaded");
  EXPECT_EQ(attr(failed, "error.type")->at("stringValue").as_string(), "503");
  const auto& retry = out[2].as_object();
  EXPECT_EQ(attr(retry, "gen_ai.retry")->at("intValue").as_string(), "1");
  EXPECT_EQ(attr(retry, "gen_ai.usage.output_tokens")->at("intValue").as_string(), "34");
}

TEST(Otlp, ErrorsMarkTheServerSpan) {
  auto r = record();
  r.status_code = 429;
  r.error = "rate limited";
  auto spans = requestSpans(r);
  EXPECT_EQ(spans[0].status, StatusCode::Error);
  auto body = js::parse(encodeExportRequest({}, spans, "v")).as_object();
  const auto& s = body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0).as_object();
  EXPECT_EQ(attr(s, "error.type")->at("stringValue").as_string(), "429");
}

TEST(Otlp, NoTraceNoSpans) {
  auto r = record();
  r.trace = {};
  EXPECT_TRUE(requestSpans(r).empty());
}

TEST(Otlp, McpToolCallSpan) {
  McpCallRecord c;
  c.client = "files";
  c.tool = "read_file";
  c.status = "error";
  c.error = "boom";
  c.trace.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  c.trace.span_id = "4444444444444444";
  auto s = mcpSpan(c);
  EXPECT_EQ(s.name, "execute_tool read_file");
  EXPECT_EQ(s.status, StatusCode::Error);
  auto body = js::parse(encodeExportRequest({}, {s}, "v")).as_object();
  const auto& o = body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0).as_object();
  EXPECT_EQ(attr(o, "gen_ai.tool.name")->at("stringValue").as_string(), "read_file");
  EXPECT_EQ(attr(o, "mcp.client.name")->at("stringValue").as_string(), "files");
  EXPECT_FALSE(o.contains("parentSpanId"));
}

TEST(Otlp, ResourceAttributesFromTheEnvironment) {
  auto a =
      resourceAttributes("gw", std::string_view("deployment.environment=prod, team=a%2Cb,bad,service.name=x,k=%zz"));
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].first, "service.name");
  EXPECT_EQ(std::get<std::string>(a[0].second), "gw");
  EXPECT_EQ(a[1].first, "deployment.environment");
  EXPECT_EQ(std::get<std::string>(a[1].second), "prod");
  EXPECT_EQ(a[2].first, "team");
  EXPECT_EQ(std::get<std::string>(a[2].second), "a,b");
}

TEST(Otlp, InvalidUtf8IsRepairedSoTheBatchStaysValidJson) {
  EXPECT_EQ(toValidUtf8("ok \xc3\xa9"), "ok \xc3\xa9");
  EXPECT_EQ(toValidUtf8("a\xff"
                        "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(toValidUtf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");                 // overlong
  EXPECT_EQ(toValidUtf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); // surrogate
  EXPECT_EQ(toValidUtf8("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
  auto r = record();
  r.error = "bad \xff byte";
  r.status_code = 502;
  auto body = encodeExportRequest({}, requestSpans(r), "v");
  boost::system::error_code ec;
  js::parse(body, ec);
  EXPECT_FALSE(ec) << body;
}

} // namespace
} // namespace hd::obs::otlp
