#include "logs/row.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "logs/render.h"

namespace hd::logs {
namespace {

namespace js = boost::json;

obs::AttemptRecord attempt(std::string provider, std::string model, unsigned status, std::int64_t start_ns,
                           std::int64_t end_ns) {
  obs::AttemptRecord a;
  a.provider = std::move(provider);
  a.model = std::move(model);
  a.deployment = a.provider == "azure" ? "dep-1" : "";
  a.key_id = a.provider + "-k1";
  a.key_name = "k1";
  a.status = status;
  a.start_unix_ns = start_ns;
  a.end_unix_ns = end_ns;
  return a;
}

obs::RequestRecord record() {
  obs::RequestRecord r;
  r.id = "req-1";
  r.start_unix_ns = 1796608342699000000;
  r.end_unix_ns = r.start_unix_ns + 9000000;
  r.inbound = "anthropic.messages";
  r.provider = "azure";
  r.model = "azure/claude-sonnet-4-6";
  r.served_model = "claude-sonnet-4-6";
  r.deployment = "dep-1";
  r.key_id = "azure-k1";
  r.key_name = "k1";
  r.status_code = 200;
  r.latency_ms = 9;
  return r;
}

TEST(LogRow, ASingleAttemptIsStoredAsWhatDiffersFromTheRecord) {
  auto rec = record();
  rec.attempts.push_back(
      attempt("azure", "claude-sonnet-4-6", 200, rec.start_unix_ns, rec.start_unix_ns + 7330341)); // 7.330341 ms
  auto row = toRow(rec);
  EXPECT_EQ(row.attempts, R"([{"latency":7.330341}])");

  auto detail = detailJson(row);
  const auto& attempts = detail.at("attempts").as_array();
  ASSERT_EQ(attempts.size(), 1U);
  EXPECT_EQ(attempts[0],
            js::parse(R"({"provider":"azure","model":"claude-sonnet-4-6","deployment":"dep-1","key_id":"azure-k1",)"
                      R"("key_name":"k1","retry":0,"fallback_index":-1,"status":200,"error":null,)"
                      R"("started_at":")" +
                      formatTime(1796608342699) + R"(","latency":7.330341})"));
}

TEST(LogRow, AFallbackKeepsEveryFieldThatDiffers) {
  auto rec = record();
  rec.provider = "anthropic";
  rec.served_model = "claude-sonnet-4-6";
  rec.deployment = "";
  rec.key_id = "anthropic-k1";
  rec.fallback_index = 0;
  auto failed = attempt("azure", "claude-sonnet-4-6", 500, rec.start_unix_ns + 1000000, rec.start_unix_ns + 3000000);
  failed.error = "upstream returned 500";
  auto retried = failed;
  retried.retry = 1;
  auto answered =
      attempt("anthropic", "claude-sonnet-4-6", 200, rec.start_unix_ns + 4000000, rec.start_unix_ns + 8000000);
  answered.fallback_index = 0;
  rec.attempts = {failed, retried, answered};
  rec.number_of_retries = 1;

  auto detail = detailJson(toRow(rec));
  const auto& a = detail.at("attempts").as_array();
  ASSERT_EQ(a.size(), 3U);
  EXPECT_EQ(a[0].at("provider").as_string(), "azure");
  EXPECT_EQ(a[0].at("deployment").as_string(), "dep-1");
  EXPECT_EQ(a[0].at("key_id").as_string(), "azure-k1");
  EXPECT_EQ(a[0].at("status").as_int64(), 500);
  EXPECT_EQ(a[0].at("retry").as_int64(), 0);
  EXPECT_EQ(a[0].at("fallback_index").as_int64(), -1);
  EXPECT_EQ(a[0].at("error").as_string(), "upstream returned 500");
  EXPECT_EQ(a[0].at("started_at").as_string(), formatTime(1796608342700));
  EXPECT_EQ(a[0].at("latency").to_number<double>(), 2.0);
  EXPECT_EQ(a[1].at("retry").as_int64(), 1);
  EXPECT_EQ(a[2].at("provider").as_string(), "anthropic");
  EXPECT_EQ(a[2].at("deployment").as_string(), "");
  EXPECT_EQ(a[2].at("key_id").as_string(), "anthropic-k1");
  EXPECT_EQ(a[2].at("status").as_int64(), 200);
  EXPECT_EQ(a[2].at("fallback_index").as_int64(), 0);
  EXPECT_TRUE(a[2].at("error").is_null());
}

TEST(LogRow, RowsWrittenInFullStillRender) {
  // The form older versions stored: every field of every attempt.
  auto row = toRow(record());
  row.attempts = R"([{"provider":"azure","model":"m-old","deployment":"d","key_id":"k","key_name":"n","retry":0,)"
                 R"("fallback_index":-1,"status":429,"error":"busy","started_at":1796608342699,"latency":1.5}])";
  auto a = detailJson(row).at("attempts").as_array().at(0).as_object();
  EXPECT_EQ(a.at("model").as_string(), "m-old");
  EXPECT_EQ(a.at("status").as_int64(), 429);
  EXPECT_EQ(a.at("error").as_string(), "busy");
  EXPECT_EQ(a.at("started_at").as_string(), formatTime(1796608342699));
}

} // namespace
} // namespace hd::logs
